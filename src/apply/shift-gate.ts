import { settleAlias } from '../aws/lambda-shift.js';
import type { Context } from '../cli/context.js';
import { type Clock, systemClock } from '../clock.js';
import type { ShiftSpec } from '../config/resolve-deploy-strategy.js';
import { UserError } from '../errors.js';
import { markShifting } from '../resources/function/read-selected.js';
import { formatNote, parseNote, resumeOf } from '../shift/note.js';
import { recoveryOf } from '../shift/recover.js';
import { runShift, type ShiftOutcome } from '../shift/run.js';
import { scheduleOf, strategyName } from '../shift/strategy.js';
import type { PlanContext } from './deploy.js';
import { shiftPorts } from './shift-ports.js';

/**
 * `ops deploy` with a strategy (issue 17): between publishing a version and moving `live` (the hook the
 * smoke gate uses), `live` shifts to the new version step by step while its signals are watched. Each
 * function's alias.publish runs its own shift, so several shift in parallel, each watched separately.
 */

/** Test knob, never for users: real milliseconds per minute of a schedule (60,000 otherwise). */
export const MS_PER_MINUTE_ENV = 'OPS_TEST_SHIFT_MS_PER_MINUTE';

export interface ShiftResult {
  name: string;
  strategy: string;
  from: string;
  to: string;
  outcome: ShiftOutcome['outcome'] | 'finished (interrupted before)';
  detail: string;
  seconds: number;
}

export interface ShiftGate {
  gate(pc: PlanContext, signal?: AbortSignal): (name: string, version: string) => Promise<MoveDecision>;
  /** Every shift this run made, for the table at the end. */
  results: ShiftResult[];
}

export interface ShiftGateOptions {
  clock?: Clock;
  /** `--no-wait`: set the first weight (or the one due now) and return; the next `ops deploy` carries the shift on. */
  noWait?: boolean;
}

/** What the gate tells the publish: move `live` (true), keep it (false), or leave it split (a shift started unwatched). */
export type MoveDecision = boolean | 'split';

export function shiftGate(ctx: Context, opts: ShiftGateOptions = {}): ShiftGate {
  const clock = opts.clock ?? systemClock;
  const results: ShiftResult[] = [];
  const msPerMinute = Number(ctx.env[MS_PER_MINUTE_ENV]) || 60_000;
  const gate = (pc: PlanContext, signal?: AbortSignal) => {
    refuseAllAtOnceWhereProtected(pc);
    return async (name: string, version: string): Promise<MoveDecision> => {
      const fn = pc.fleet.functions.find((f) => f.name === name);
      const alias = pc.actual.functions[name]?.alias;
      // A shift started with --no-wait towards this very version goes on from its note (whatever the config says now).
      const note = parseNote(alias?.shift);
      const carried = note?.unwatched && note.to === version ? resumeOf(note, msPerMinute) : undefined;
      if (!fn || !alias || !(fn.shift || carried)) return true; // no strategy, or no version to shift from
      const shift = fn.shift ?? { strategy: carried!.strategy, alarms: [], thresholds: {}, onInterrupt: 'rollback' as const };
      const say = (m: string) => ctx.log.info(`${name}: ${m}`);
      const started = clock.now();
      const from = carried ? note!.from : await recoverFirst(pc, shift, name, version, alias, say);
      const strategy = carried?.strategy ?? shift.strategy;
      if (from === undefined) {
        results.push({
          name,
          strategy: strategyName(strategy),
          from: alias.version,
          to: version,
          outcome: 'finished (interrupted before)',
          detail: '',
          seconds: 0,
        });
        return true;
      }
      if (strategy.type === 'all-at-once') return true;
      if (carried) say(`carrying on the shift ${formatNote(note!)}`);
      const target = { fn: { ...fn, shift }, strategy: strategyName(strategy), from, to: version, unwatched: !!opts.noWait };
      const outcome = await runShift(shiftPorts(ctx, pc, target, { clock, signal, say }), {
        steps: carried?.steps ?? scheduleOf(strategy),
        thresholds: shift.thresholds,
        msPerMinute,
        ...(carried ? { resume: carried.resume } : {}),
        ...(opts.noWait ? { noWait: true } : {}),
      });
      const seconds = Math.round((clock.now() - started) / 1000);
      const base = { name, strategy: target.strategy, from, to: version, outcome: outcome.outcome, seconds };
      if (outcome.outcome === 'completed') {
        results.push({ ...base, detail: `${outcome.looks} looks, no breach` });
        say(`live is on version ${version} (100%)`);
        return true;
      }
      if (outcome.outcome === 'started') {
        results.push({ ...base, detail: `${outcome.atPercent}%, not watched` });
        say(unwatchedLine(pc, fn.key, outcome.atPercent, version, outcome.nextAt));
        return 'split';
      }
      const detail =
        outcome.outcome === 'rolled-back'
          ? `${outcome.breach.signal}: ${outcome.breach.detail} at ${outcome.atPercent}%`
          : `interrupted at ${outcome.atPercent}%`;
      results.push({ ...base, detail });
      throw new UserError(`${name}: ${detail}: live is back on version ${from} (version ${version} takes no traffic)`, {
        hint:
          outcome.outcome === 'interrupted'
            ? 'deploy again to shift again'
            : `look at version ${version}'s logs (ops logs ${fn.key}), fix it and deploy again`,
      });
    };
  };
  return { gate, results };
}

/** What `--no-wait` leaves, and how to look at it and carry it on (nothing watches it in between). */
function unwatchedLine(pc: PlanContext, key: string, percent: number, version: string, nextAt: number): string {
  const stage = `--stage ${pc.fleet.stage}`;
  return `${percent}% of live on version ${version}, next step due ${iso(nextAt)}; not watched until \`ops deploy ${stage}\` carries it on (\`ops status ${key} ${stage}\` shows it)`;
}

/**
 * A shift interrupted in an earlier run: finish it (when the version it was shifting to is the one
 * published now) or move `live` back first, as `deploy.onInterrupt` says. Returns the version the new
 * shift starts from, or undefined when finishing took `live` to the new version already.
 */
async function recoverFirst(
  pc: PlanContext,
  shift: ShiftSpec,
  name: string,
  version: string,
  alias: { version: string; weights?: Record<string, number> },
  say: (m: string) => void,
): Promise<string | undefined> {
  const recovery = recoveryOf(alias, shift.onInterrupt);
  if (!recovery) return alias.version;
  if (recovery.mode === 'finish' && recovery.newVersion === version) {
    say(`finishing the interrupted shift (${recovery.found}): live to version ${version}`);
    await settleAlias(pc.aws, name, version);
    await markShifting(pc.aws, pc.fleet, name, false);
    return undefined;
  }
  say(`an interrupted shift left ${recovery.found}: live back on version ${recovery.oldVersion} before shifting again`);
  await settleAlias(pc.aws, name, recovery.oldVersion);
  return recovery.oldVersion;
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** `deploy.protectedStages`: a function whose `live` would move at once there is refused before anything is written. */
function refuseAllAtOnceWhereProtected(pc: PlanContext): void {
  const moving = new Set(pc.plan.changes.filter((c) => c.kind === 'alias.publish').map((c) => (c as { name: string }).name));
  const atOnce = pc.fleet.functions.filter(
    (f) => f.shift?.protectedStage && f.shift.strategy.type === 'all-at-once' && moving.has(f.name) && pc.actual.functions[f.name]?.alias,
  );
  if (!atOnce.length) return;
  throw new UserError(`stage ${pc.fleet.stage} is protected: ${atOnce.map((f) => f.key).join(', ')} would move live all at once`, {
    hint: 'give them deploy.strategy in the config, or run ops deploy --strategy Canary10Percent5Minutes',
  });
}

/** The table at the end of a run that shifted: one row per function. */
export function shiftTable(results: ShiftResult[]): string[] {
  if (!results.length) return [];
  const rows = results.map((r) => [r.name, r.strategy, `${r.from} → ${r.to}`, r.outcome, `${r.seconds}s`, r.detail]);
  const head = ['function', 'strategy', 'versions', 'result', 'took', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

type Gate = (pc: PlanContext, signal?: AbortSignal) => (name: string, version: string) => Promise<MoveDecision>;

/** The smoke samples first (a version that fails them is never shifted to), then the shift. */
export function bothGates(smoke: Gate | undefined, shift: Gate): Gate {
  return (pc, signal) => {
    const s = smoke?.(pc, signal);
    const h = shift(pc, signal);
    return async (name, version) => (s ? await s(name, version) : true) && h(name, version);
  };
}
