import { defineCommand } from '../cli/command.js';

interface PackageOptions {
  force?: boolean;
}

export default defineCommand<PackageOptions>({
  name: 'package',
  description: 'Build each function to a deterministic zip under .ops/build (unchanged inputs are not rebuilt)',
  args: [{ name: 'functions', variadic: true, description: 'functions to build (default: all)' }],
  options: [{ flags: '--force', description: 'rebuild even when the inputs are unchanged' }],
  examples: ['ops package', 'ops package tasks-api --json', 'ops package --force'],
  async run(ctx, args, opts) {
    const { loadFleetFor, selectFunctions } = await import('./shared.js');
    const { buildFleet, limitsFor } = await import('../package/index.js');
    const { renderArtifacts } = await import('../ui/artifacts.js');
    const fleet = await loadFleetFor(ctx);
    const fns = selectFunctions(fleet, args.functions as string[] | undefined);
    const artifacts = await buildFleet(fns, {
      root: fleet.root,
      limits: limitsFor(fleet),
      force: opts.force,
      log: (m) => ctx.log.debug(m),
      notice: (m) => ctx.log.info(m),
    });
    if (ctx.global.json) return ctx.outJson(artifacts);
    for (const line of renderArtifacts(artifacts, fleet.root)) ctx.out(line);
  },
});
