import type { Context } from '../cli/context.js';
import type { FunctionSpec } from '../config/types.js';
import type { SmokeReport } from '../smoke/index.js';
import type { PlanContext } from './deploy.js';

/**
 * `ops deploy --smoke`: after a function's new version is published and before `live` moves to
 * it, run the function's smoke samples against that version. A failure keeps `live` where it was.
 */
export function smokeGate(ctx: Context) {
  return (pc: PlanContext) =>
    async (name: string, version: string): Promise<boolean> => {
      const fn = pc.fleet.functions.find((f) => f.name === name);
      if (!fn) return true;
      return (await smokeVersion(ctx, pc, fn, version)).passed;
    };
}

/** The function's smoke samples against `version` (by its number, not through `live`), the report on stderr: also a shift's check at each step. */
export async function smokeVersion(ctx: Context, pc: PlanContext, fn: FunctionSpec, version: string): Promise<SmokeReport> {
  const { runSmoke, renderSmokeReport } = await import('../smoke/index.js');
  const report = await runSmoke({
    fleet: pc.fleet,
    fns: [fn],
    target: { kind: 'remote', aws: pc.aws, qualifierFor: () => version },
    log: (m: string) => ctx.log.debug(m),
  });
  if (report.results.length) for (const line of renderSmokeReport(report, ctx.color)) ctx.log.raw(line);
  return report;
}
