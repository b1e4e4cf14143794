import { defineCommand } from '../cli/command.js';

export default defineCommand({
  name: 'config',
  description:
    "Print the fleet as resolved for a stage: physical names, defaults, routes, params, and each function's environment variables with where each comes from (never a value)",
  examples: ['ops config', 'ops config --stage prod --json'],
  async run(ctx) {
    const { loadFleetFor } = await import('../cli/setup.js');
    const fleet = await loadFleetFor(ctx);
    const { fleetToJson, renderFleet } = await import('../ui/fleet.js');
    if (ctx.global.json) return ctx.outJson(fleetToJson(fleet));
    for (const line of renderFleet(fleet, ctx.color)) ctx.out(line);
  },
});
