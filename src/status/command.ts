import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import { fleetSummary } from '../metrics/summary.js';
import { buildFleet, limitsFor } from '../package/index.js';
import { planDeploy } from '../plan/index.js';
import { readActual } from '../resources/read.js';
import { renderStatus } from '../ui/status.js';
import { fleetStatus } from './fleet-status.js';

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
      // GetFunction per function: the state column needs what AWS's ListFunctions leaves out.
      readActual(aws, { ...fleet, detail: true }),
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
