import { moveAlias } from '../aws/write.js';
import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import type { Fleet } from '../config/types.js';
import { ExitCode, Interrupted, UsageError, UserError } from '../errors.js';
import type { Actual } from '../model/actual.js';
import { readActual } from '../resources/read.js';
import { confirm } from '../ui/prompt.js';
import { type Lease, takeStageLease } from './lease.js';

/** Flags of `ops rollback`. */
export interface RollbackOptions {
  to?: string;
  wait?: string;
}

/** `ops rollback`: move `live` back, with a plan and a confirmation. */
export async function rollbackCommand(ctx: Context, names: string[] | undefined, opts: RollbackOptions): Promise<number> {
  return ctx.interrupts.guard((signal) => rollbackGuarded(ctx, names, opts, signal));
}

async function rollbackGuarded(ctx: Context, names: string[] | undefined, opts: RollbackOptions, signal: AbortSignal): Promise<number> {
  const { to, wait } = opts;
  const fleet = await loadFleetFor(ctx);
  const fns = selectFunctions(fleet, names);
  if (to !== undefined && fns.length !== 1)
    throw new UsageError('--to needs exactly one function', { hint: 'ops rollback tasks-api --to 3' });
  if (to !== undefined && !/^\d+$/.test(to)) throw new UsageError(`--to ${to}: a version is a number`);
  // Taken before reading, so the plan shown is what no other run is changing.
  const lease: Lease = await takeStageLease(ctx, fleet, { command: 'ops rollback', wait, signal });
  const aws = awsFor(ctx, fleet);
  const stopped = () => {
    if (signal.aborted) throw new Interrupted();
  };
  try {
    const actual = await readActual(aws, fleet);
    stopped();
    const moves = planRollback(
      fleet,
      actual,
      fns.map((f) => f.key),
      to,
    );
    if (!moves.length) {
      ctx.log.info('Nothing to roll back: no function has an older version to move live to.');
      if (ctx.global.json) ctx.outJson({ moves: [] });
      return 0;
    }
    for (const m of moves) ctx.log.raw(`  ~ ${m.fn}: live ${m.from} → ${m.to}`);
    if (
      !(await confirm(ctx, `Move live for ${moves.length} function${moves.length === 1 ? '' : 's'}?`, { refuse: 'refusing to roll back' }))
    ) {
      ctx.log.info('Nothing changed.');
      throw new ExitCode(1);
    }
    stopped();
    const failed: string[] = [];
    await Promise.all(
      moves.map(async (m) => {
        try {
          await moveAlias(aws, m.name, m.to);
          ctx.log.success(`${m.fn}: live → ${m.to}`);
        } catch (err) {
          failed.push(m.fn);
          ctx.log.error(`${m.fn}: ${(err as Error).message}`);
        }
      }),
    );
    if (ctx.global.json) ctx.outJson({ moves, failed });
    // The moves were all under way together; a Ctrl-C meanwhile let them finish.
    if (signal.aborted) return 130;
    return failed.length ? 1 : 0;
  } catch (error) {
    throw (error as Error)?.name === 'ExitPromptError' ? new Interrupted() : error;
  } finally {
    aws.destroy();
    await lease.release();
  }
}

/** Rollback targets: `live` moves to `to`, or to the newest published version older than the current one. */
export function planRollback(
  fleet: Fleet,
  actual: Actual,
  keys: string[],
  to?: string,
): { name: string; fn: string; from: string; to: string }[] {
  const out: { name: string; fn: string; from: string; to: string }[] = [];
  for (const key of keys) {
    const spec = fleet.functions.find((f) => f.key === key);
    const fn = spec && actual.functions[spec.name];
    if (!spec || !fn?.alias) continue;
    const current = Number(fn.alias.version);
    const published = fn.versions.map((v) => Number(v.version)).filter((v) => Number.isFinite(v));
    // During a shift (live split), rolling back is moving all of the traffic to the version live is on.
    const split = Object.keys(fn.alias.weights ?? {}).length > 0;
    const target = to !== undefined ? Number(to) : split ? current : Math.max(-1, ...published.filter((v) => v < current));
    if (target < 0 || (target === current && !split)) continue;
    if (!published.includes(target)) {
      throw new UserError(`version ${to} of ${spec.name} does not exist`, {
        hint: `published versions: ${published.join(', ') || 'none'}`,
      });
    }
    const shares = Object.entries(fn.alias.weights ?? {}).map(([v, w]) => ` +${Math.round(w * 1000) / 10}% on ${v}`);
    out.push({ name: spec.name, fn: key, from: `${current}${shares.join('')}`, to: String(target) });
  }
  return out;
}
