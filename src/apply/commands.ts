import { readActual } from '../aws/read.js';
import { moveAlias } from '../aws/write.js';
import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../commands/shared.js';
import { ExitCode, Interrupted, UsageError } from '../errors.js';
import { fleetSummary } from '../metrics/summary.js';
import { buildFleet, limitsFor } from '../package/index.js';
import { planDeploy } from '../plan/index.js';
import { confirm } from '../ui/prompt.js';
import { renderStatus } from '../ui/status.js';
import { type Lease, takeStageLease } from './lease.js';
import { fleetStatus, planRollback } from './status.js';

/** `ops status`: what runs, next to what the local build and config say. */
export async function statusCommand(ctx: Context, names?: string[]): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const fns = selectFunctions(fleet, names);
  const aws = awsFor(ctx, fleet);
  try {
    // Metrics are a nicety here: without CloudWatch access the rest of the status still stands.
    const lastHour = fleetSummary(aws, { functions: fns }, Date.now() - 3_600_000).then(
      (summary) => ({ summary }),
      (error: Error) => ({ error }),
    );
    // Values of `resolve: true` params, as a deploy would put them into environments: without them
    // every such function would look drifted. Unreadable values leave those variables unjudged.
    const paramValues = import('../params/check.js')
      .then(({ resolveParamValues }) => resolveParamValues(aws, fleet, fns))
      .catch((error: Error) => {
        ctx.log.warn(`params not read, so environments are compared without their values: ${error.message}`);
        return {};
      });
    const [actual, artifacts, counts, values] = await Promise.all([
      readActual(aws, fleet),
      buildFleet(fns, { root: fleet.root, limits: limitsFor(fleet), log: (m) => ctx.log.debug(m) }),
      lastHour,
      paramValues,
    ]);
    if ('error' in counts) ctx.log.warn(`no invocation counts: ${counts.error.message}`);
    const metrics = 'summary' in counts ? counts.summary : undefined;
    // Drift is what a deploy of these functions would change: the deploy's own plan, not a second comparison.
    const refs = Object.fromEntries(artifacts.map((a) => [a.key, { codeSha256: a.codeSha256, sha256: a.sha256, zipPath: a.zipPath }]));
    const plan = planDeploy({ fleet, artifacts: refs, actual, only: fns.map((f) => f.key), paramValues: values });
    const status = fleetStatus({ ...fleet, functions: fns }, actual, artifacts, plan);
    for (const f of status.functions) {
      const m = f.deployed ? metrics?.[f.function] : undefined;
      if (m) Object.assign(f, { invocations: m.invocations, errorRate: m.errorRate });
    }
    if (ctx.global.json) ctx.outJson(status);
    else for (const line of renderStatus(status, ctx.color)) ctx.out(line);
    return 0;
  } finally {
    aws.destroy();
  }
}

/** `ops rollback`: move `live` back, with a plan and a confirmation. */
export async function rollbackCommand(ctx: Context, names: string[] | undefined, to?: string, wait?: string): Promise<number> {
  return ctx.interrupts.guard((signal) => rollbackGuarded(ctx, names, to, wait, signal));
}

async function rollbackGuarded(
  ctx: Context,
  names: string[] | undefined,
  to: string | undefined,
  wait: string | undefined,
  signal: AbortSignal,
): Promise<number> {
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
