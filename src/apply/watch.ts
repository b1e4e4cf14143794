import { type FSWatcher, statSync, watch } from 'node:fs';
import path from 'node:path';
import type { Context } from '../cli/context.js';
import { loadFleetFor } from '../cli/setup.js';
import type { Fleet } from '../config/types.js';
import { sourcesDir } from '../dev/server.js';
import { affectedFunctions, layerWatchTargets, needsLayerRebuild, type TreeWatcher, watchTree } from '../dev/watch.js';
import { UserError } from '../errors.js';
import { type DeployJson, type RoundOutcome, roundError, roundLine, touchedFunctions } from './watch-line.js';
import { type WatchLogs, watchLogs } from './watch-logs.js';

/** `ops deploy [fns] --yes` as the command runs it (its gates included): the loop's one way to deploy, so it cannot drift. */
export type DeployOnce = (ctx: Context, functions?: string[]) => Promise<number>;

/** An editor writes a file in steps: saves closer together than this are one change. */
const DEBOUNCE_MS = 100;

/**
 * `ops deploy --watch`: one normal deploy (plan, confirmation unless --yes), then on each saved change
 * the affected functions (the whole fleet after an ops.config.ts edit) deployed again through `deployOnce`
 * with --yes, one line each, and their logs under it. Ctrl-C ends it (a deploy under way stops cleanly and
 * releases the stage lease, as `ops deploy` does).
 */
export async function watchDeploy(ctx: Context, given: string[] | undefined, deployOnce: DeployOnce): Promise<number> {
  const only = given?.length ? given : undefined; // no names (an empty variadic): the whole fleet
  const fleet = await loadFleetFor(ctx);
  refuseProtected(fleet);
  const first = await deployOnce(ctx, only);
  if (first === 130) return first;
  return ctx.interrupts.guard((signal) => editLoop(ctx, fleet, only, deployOnce, signal));
}

/** `deploy.protectedStages`: the loop pushes without a plan to read, so such a stage is refused before anything runs. */
export function refuseProtected(fleet: Fleet): void {
  if (!fleet.functions.some((f) => f.shift?.protectedStage)) return;
  throw new UserError(`ops deploy --watch does not run on stage ${fleet.stage}: it is protected (deploy.protectedStages)`, {
    hint: `deploy it with \`ops deploy --stage ${fleet.stage}\` (planned, confirmed, shifted), and watch a stage that is not protected`,
  });
}

/** What saves since the last round ask for. */
interface Pending {
  keys: Set<string>;
  config: boolean;
  /** The earliest save (epoch ms) not deployed yet: the start of "save to live". */
  savedAt?: number;
}

async function editLoop(ctx: Context, start: Fleet, only: string[] | undefined, deployOnce: DeployOnce, signal: AbortSignal) {
  let fleet = start;
  let logs = watchLogs(ctx, fleet);
  const pending: Pending = { keys: new Set(), config: false };
  let wake = () => {};
  const saved = (keys: string[], files: string[], config = false) => {
    const scoped = only ? keys.filter((k) => only.includes(k)) : keys;
    if (!scoped.length && !config) return;
    for (const k of scoped) pending.keys.add(k);
    pending.config ||= config;
    pending.savedAt = Math.min(pending.savedAt ?? Number.POSITIVE_INFINITY, savedAt(files));
    wake();
  };
  let watchers = watchFleet(fleet, saved);
  let cut = false; // a round was interrupted: the exit code says so (130), as ops deploy's does
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  ctx.log.info(ctx.color.dim(`watching ${fleet.app}/${fleet.stage} for changes (${watchers.mode}) · Ctrl-C stops`));
  try {
    while (!signal.aborted) {
      if (!pending.keys.size && !pending.config) await Promise.race([stopped, new Promise<void>((r) => (wake = r))]);
      if (signal.aborted) break;
      const round = { ...pending, keys: [...pending.keys] };
      Object.assign(pending, { keys: new Set<string>(), config: false, savedAt: undefined });
      // A config edit re-plans the whole fleet (or the functions the watch was given).
      const functions = round.config ? only : round.keys;
      const outcome = await deployRound(ctx, deployOnce, functions, round.savedAt ?? Date.now());
      if (signal.aborted) {
        // Ctrl-C during the round: that deploy stopped as `ops deploy` does (no new change, lease released).
        ctx.log.raw(roundLine({ ...outcome, stopped: true }, ctx.color));
        cut = true;
        break;
      }
      ctx.log.raw(roundLine(outcome, ctx.color));
      logs.follow(touchedFunctions(outcome.json));
      if (round.config && !outcome.error) {
        // New handlers or layers may be watched now.
        fleet = await loadFleetFor(ctx).catch(() => fleet);
        watchers.close();
        watchers = watchFleet(fleet, saved);
        logs = await retail(ctx, logs, fleet);
      }
    }
  } finally {
    watchers.close();
    await logs.stop();
  }
  ctx.log.info(ctx.color.dim('stopped watching'));
  return cut ? 130 : 0;
}

/** A tail over the reloaded fleet's log groups when they changed (a function added or renamed), following the same functions. */
async function retail(ctx: Context, logs: WatchLogs, fleet: Fleet): Promise<WatchLogs> {
  const followed = logs.followed();
  const groups = fleet.functions.map((f) => f.logGroup).join();
  if (groups === logs.groups) return logs;
  await logs.stop();
  const next = watchLogs(ctx, fleet);
  next.follow(followed.filter((k) => fleet.functions.some((f) => f.key === k)));
  return next;
}

/** One round: `deployOnce` with --yes and --json (its plan and summary are the round's one line), timed from the save. */
async function deployRound(ctx: Context, deployOnce: DeployOnce, functions: string[] | undefined, saved: number): Promise<RoundOutcome> {
  let json: DeployJson | undefined;
  const quiet: Context = {
    ...ctx,
    global: { ...ctx.global, yes: true, json: true },
    interactive: false,
    out: () => {},
    outJson: (v) => void (json = v as DeployJson),
    log: { ...ctx.log, info: () => {}, success: () => {}, raw: () => {} },
  };
  try {
    await deployOnce(quiet, functions);
    return { functions, ms: Date.now() - saved, json };
  } catch (error) {
    return { functions, ms: Date.now() - saved, json, error: roundError(error) };
  }
}

/** The newest modification among the saved files (a deleted file: now): when the save happened. */
function savedAt(files: string[]): number {
  const times = files.map((f) => {
    try {
      return statSync(f).mtimeMs;
    } catch {
      return Date.now();
    }
  });
  return times.length ? Math.max(...times) : Date.now();
}

type Saved = (keys: string[], files: string[], config?: boolean) => void;

/** The fleet's sources (ops dev's watcher), its built layers' directories, and ops.config.ts. */
function watchFleet(fleet: Fleet, saved: Saved): { mode: string; close(): void } {
  const dir = sourcesDir(fleet);
  const opts = { debounceMs: DEBOUNCE_MS };
  const trees: TreeWatcher[] = [
    watchTree(
      dir,
      (files) => {
        // The config may sit inside the sources' directory: its own watcher below handles it.
        const code = files.filter((f) => f !== fleet.configPath);
        if (code.length)
          saved(
            affectedFunctions(fleet.functions, code).map((f) => f.key),
            code,
          );
      },
      opts,
    ),
    ...layerWatchTargets(fleet.functions, dir).map((t) =>
      watchTree(t.dir, (files) => saved(t.keys, files), { ...opts, accept: needsLayerRebuild }),
    ),
  ];
  const config = watchFile(fleet.configPath, () => saved([], [fleet.configPath], true));
  return {
    mode: trees[0].mode,
    close: () => {
      for (const t of trees) t.close();
      config?.close();
    },
  };
}

/** One file, by its directory (an editor that saves by renaming replaces the file a direct watch would follow). */
function watchFile(file: string, onChange: () => void): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    const w = watch(path.dirname(file), (_event, name) => {
      if (name?.toString() !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, DEBOUNCE_MS);
    });
    w.on('error', () => {});
    w.on('close', () => clearTimeout(timer));
    return w;
  } catch {
    return undefined; // no config watch where the platform refuses one: code edits still go
  }
}
