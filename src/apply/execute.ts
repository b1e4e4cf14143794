import { setTimeout as sleep } from 'node:timers/promises';
import type { Aws } from '../aws/clients.js';
import type { Actual } from '../model/actual.js';
import { sharedGroup } from '../plan/change.js';
import type { Change, Plan } from '../plan/types.js';
import { applyChange } from '../resources/registry.js';
import { laneOf } from './lanes.js';
import { ApplyRun } from './run.js';

/** What happened to one change. */
export interface ChangeResult {
  change: Change;
  /**
   * `not-started`: the run was interrupted before it began; `unfinished`: it was still running when
   * the grace after an interruption ran out (it may be half-done).
   */
  status: 'done' | 'failed' | 'skipped' | 'not-started' | 'unfinished';
  error?: unknown;
  /** Why it was skipped: the failed change it depended on. */
  blockedBy?: string;
  ms: number;
  /** `version 7` for a publish. */
  detail?: string;
}

export interface ApplyResult {
  results: ChangeResult[];
  failed: ChangeResult[];
  skipped: ChangeResult[];
  /** Set when `signal` stopped the run: what never started and what was still running at the end of the grace. */
  interrupted?: { reason: string; notStarted: ChangeResult[]; unfinished: ChangeResult[] };
  apiId?: string;
  apiEndpoint?: string;
  /** Version `live` points to after this run, by physical function name (only those published). */
  versions: Record<string, string>;
  ms: number;
}

/** Where apply reports what it is doing; `item` is a function key or `api`. */
export interface ApplyReporter {
  step(item: string, text: string): void;
  done(item: string, text: string): void;
  fail(item: string, text: string): void;
  note(item: string, text: string): void;
}

export interface ApplyOptions {
  aws: Aws;
  plan: Plan;
  actual: Actual;
  /** Zips by physical function name, for architecture changes (UpdateFunctionCode carries them). */
  zips?: Record<string, string>;
  /**
   * Changes applied at once per AWS service (src/apply/lanes.ts: IAM's, Lambda's, CloudWatch Logs'...);
   * each service's write limiters pace the calls.
   */
  concurrency?: number;
  /** The fleet's `deploy.bucket`: code is staged there. */
  bucket?: string;
  report?: ApplyReporter;
  /**
   * Runs after a publish and before `live` moves (the smoke gate). Returns false to keep `live`
   * where it was. When given, `alias.publish` publishes first and moves the alias only on true;
   * 'split': a shift started with --no-wait left `live` split on purpose.
   */
  beforeAliasMove?: (name: string, version: string) => Promise<boolean | 'split'>;
  /** Ctrl-C: once aborted no change starts; those running get `graceMs` to finish. */
  signal?: AbortSignal;
  /** How long changes in flight may take to finish after `signal` aborts (default 30 s). */
  graceMs?: number;
  /** Kept current by applyPlan: the changes running now (what a forced stop may leave half-done). */
  inFlight?: Set<Change>;
}

export const DEFAULT_INTERRUPT_GRACE_MS = 30_000;

const silent: ApplyReporter = { step() {}, done() {}, fail() {}, note() {} };

/**
 * Applies a plan's changes in dependency order: a change starts when everything it depends on is
 * done, independent ones run in parallel. When one fails, what depends on it is skipped and the rest
 * still finishes, so a re-run (whose plan reads what was done) converges.
 */
export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const started = Date.now();
  const report = opts.report ?? silent;
  const state = new ApplyRun(opts);
  const byId = new Map(opts.plan.changes.map((c) => [c.id, c]));
  const results = new Map<string, ChangeResult>();
  const pending = new Set(opts.plan.changes.map((c) => c.id));
  const running = new Map<string, Promise<void>>();
  const limit = Math.max(1, opts.concurrency ?? 8);
  const inLane = new Map<string, number>();
  // Each change's lane, once: the scan below runs after every completion, over every pending change.
  const laneById = new Map(opts.plan.changes.map((c) => [c.id, laneOf(c.kind)]));
  const laneFull = (lane: string) => (inLane.get(lane) ?? 0) >= limit;
  const signal = opts.signal;
  const stopped = signal ? abortedPromise(signal) : undefined;
  let graceEnds: number | undefined;

  const blockerOf = (c: Change): string | undefined =>
    c.dependsOn.find((d) => byId.has(d) && results.get(d) !== undefined && results.get(d)!.status !== 'done');
  const ready = (c: Change) => c.dependsOn.every((d) => !byId.has(d) || results.has(d));

  while (pending.size > 0 || running.size > 0) {
    if (signal?.aborted) {
      // Interrupted: start nothing more, let what runs finish within the grace.
      for (const id of pending) results.set(id, { change: byId.get(id)!, status: 'not-started', ms: 0 });
      pending.clear();
      if (running.size === 0) break;
      graceEnds ??= Date.now() + (opts.graceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
      if (!(await settledWithin([...running.values()], graceEnds - Date.now()))) {
        for (const id of running.keys()) results.set(id, { change: byId.get(id)!, status: 'unfinished', ms: 0 });
        break;
      }
      continue;
    }
    let progressed = false;
    for (const id of [...pending]) {
      const change = byId.get(id)!;
      // A full lane waits (the cheap check first); the next change of another service may still start.
      const lane = laneById.get(id)!;
      if (laneFull(lane) || !ready(change)) continue;
      const blocker = blockerOf(change);
      if (blocker) {
        pending.delete(id);
        results.set(id, { change, status: 'skipped', blockedBy: blocker, ms: 0 });
        progressed = true;
        continue;
      }
      inLane.set(lane, (inLane.get(lane) ?? 0) + 1);
      pending.delete(id);
      progressed = true;
      const item = change.fn ?? sharedGroup(change);
      report.step(item, change.summary);
      opts.inFlight?.add(change);
      const t0 = Date.now();
      const run = applyChange(change, state, { onWait: (reason) => report.note(item, reason) })
        .then(
          (detail) => {
            results.set(id, { change, status: 'done', ms: Date.now() - t0, detail });
            report.done(item, detail ? `${change.summary} (${detail})` : change.summary);
          },
          (error) => {
            results.set(id, { change, status: 'failed', error, ms: Date.now() - t0 });
            report.fail(item, `${change.summary}: ${(error as Error)?.message ?? String(error)}`);
          },
        )
        .finally(() => {
          running.delete(id);
          inLane.set(lane, inLane.get(lane)! - 1);
          opts.inFlight?.delete(change);
        });
      running.set(id, run);
    }
    if (running.size > 0) await Promise.race([...running.values(), ...(stopped ? [stopped] : [])]);
    else if (!progressed && pending.size > 0) {
      // Only reachable with a dependency cycle, which the planner never produces.
      for (const id of pending) results.set(id, { change: byId.get(id)!, status: 'skipped', blockedBy: 'a dependency cycle', ms: 0 });
      pending.clear();
    }
  }
  const ordered = opts.plan.changes.map((c) => results.get(c.id)!);
  const notStarted = ordered.filter((r) => r.status === 'not-started');
  const unfinished = ordered.filter((r) => r.status === 'unfinished');
  return {
    results: ordered,
    failed: ordered.filter((r) => r.status === 'failed'),
    skipped: ordered.filter((r) => r.status === 'skipped'),
    ...(signal?.aborted ? { interrupted: { reason: reasonOf(signal), notStarted, unfinished } } : {}),
    apiId: state.apiId,
    apiEndpoint: state.apiEndpoint,
    versions: state.versions,
    ms: Date.now() - started,
  };
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** True when every promise settled within `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  const timer = new AbortController();
  const all = Promise.allSettled(promises).then(() => true);
  const late = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  try {
    return await Promise.race([all, late]);
  } finally {
    timer.abort();
  }
}

function reasonOf(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return typeof r === 'string' ? r : r instanceof Error ? r.message : 'interrupted';
}
