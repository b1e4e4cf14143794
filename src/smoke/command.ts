import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import { UsageError } from '../errors.js';
import { DEFAULT_QUALIFIER } from '../invoke/remote.js';
import { renderSmokeReport } from '../ui/smoke.js';
import { runSmoke, type SmokeTarget } from './index.js';

/** Flags of `ops smoke`. */
export interface SmokeOptions {
  local?: boolean;
  qualifier?: string;
}

/** `ops smoke`: run the samples with expectations, print the table, exit 1 when any failed. */
export async function smokeCommand(ctx: Context, names: string[] | undefined, opts: SmokeOptions): Promise<number> {
  if (opts.local && opts.qualifier)
    throw new UsageError('--qualifier works on deployed functions only', { hint: 'drop --local, or drop --qualifier' });
  const fleet = await loadFleetFor(ctx);
  const fns = selectFunctions(fleet, names);
  const qualifier = opts.qualifier ?? DEFAULT_QUALIFIER;
  const aws = opts.local ? undefined : awsFor(ctx, fleet);
  const target: SmokeTarget = aws
    ? { kind: 'remote', aws, qualifierFor: () => qualifier }
    : { kind: 'local', env: ctx.env, endpointUrl: ctx.global.endpointUrl };
  try {
    ctx.log.info(
      ctx.color.dim(opts.local ? `smoke: ${fleet.app} locally` : `smoke: ${fleet.app}/${fleet.stage} in ${fleet.region}, '${qualifier}'`),
    );
    // Every local worker of one runtime has the same caveat (another Node, another Python): say each once.
    const said = new Set<string>();
    const warn = (m: string) => {
      if (said.has(m)) return;
      said.add(m);
      ctx.log.warn(m);
    };
    const note = (m: string) => ctx.log.info(ctx.color.dim(m));
    const report = await runSmoke({ fleet, fns, target, log: (m) => ctx.log.debug(m), warn, note });
    if (ctx.global.json) ctx.outJson(report);
    else if (report.results.length === 0) {
      ctx.log.warn(`no sample of ${names?.length ? names.join(', ') : fleet.app} has expectations, so nothing ran`);
      ctx.log.info(`  ${ctx.color.dim('hint:')} add events/<sample>.expect.json next to a sample, e.g. {"statusCode": 200}`);
    } else for (const line of renderSmokeReport(report, ctx.color)) ctx.out(line);
    return report.passed ? 0 : 1;
  } finally {
    aws?.destroy();
  }
}
