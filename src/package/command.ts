import type { Context } from '../cli/context.js';
import { loadFleetFor, selectFunctions } from '../cli/setup.js';
import { renderArtifacts } from '../ui/artifacts.js';
import { buildFleet, limitsFor } from './index.js';

/** Flags of `ops package`. */
export interface PackageOptions {
  force?: boolean;
}

/** `ops package`: build the selected functions' zips (unchanged inputs are not rebuilt) and list them. */
export async function packageCommand(ctx: Context, names: string[] | undefined, opts: PackageOptions): Promise<void> {
  const fleet = await loadFleetFor(ctx);
  const fns = selectFunctions(fleet, names);
  const artifacts = await buildFleet(fns, {
    root: fleet.root,
    limits: limitsFor(fleet),
    force: opts.force,
    log: (m) => ctx.log.debug(m),
    notice: (m) => ctx.log.info(m),
  });
  if (ctx.global.json) return ctx.outJson(artifacts);
  for (const line of renderArtifacts(artifacts, fleet.root)) ctx.out(line);
}
