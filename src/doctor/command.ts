import type { Context } from '../cli/context.js';
import { loadFleetFor, withAws } from '../cli/setup.js';
import { type DoctorLine, doctorLines } from './checks.js';
import { gatherFacts } from './gather.js';

/** `ops doctor`: every check with its result, each finding with its one-line fix; exit 1 on any finding. */
export async function doctorCommand(ctx: Context): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const facts = await withAws(ctx, fleet, (aws) =>
    gatherFacts(aws, fleet, { now: new Date(), env: ctx.env, profile: ctx.global.profile, endpointUrl: ctx.global.endpointUrl }),
  );
  const lines = doctorLines(facts);
  const findings = lines.filter((l) => !l.ok).length;
  if (ctx.global.json) {
    ctx.outJson({ app: fleet.app, stage: fleet.stage, ok: findings === 0, findings, checks: lines });
  } else {
    for (const line of renderLines(lines, ctx)) ctx.out(line);
    if (findings) ctx.log.error(`${findings} finding${findings === 1 ? '' : 's'} for ${fleet.app} stage ${fleet.stage}`);
    else ctx.log.success(`all is well for ${fleet.app} stage ${fleet.stage}`);
  }
  return findings ? 1 : 0;
}

function renderLines(lines: DoctorLine[], ctx: Context): string[] {
  const c = ctx.color;
  return lines.flatMap((l) => [
    `${l.ok ? c.green('✓') : c.red('✗')} ${l.check.padEnd(11)} ${l.message}`,
    ...(l.fix ? [`  ${' '.repeat(11)} fix: ${l.fix}`] : []),
  ]);
}
