import { defineCommand } from '../cli/command.js';

interface DeployOptions {
  dryRun?: boolean;
  smoke?: boolean;
  wait?: string;
  allowDataLoss?: boolean;
  strategy?: string;
}

export default defineCommand<DeployOptions>({
  name: 'deploy',
  description:
    'Build, plan, confirm and apply: roles, functions and their live alias, log groups, the HTTP API, schedules, subscriptions, alarms, layers',
  args: [{ name: 'functions', variadic: true, description: 'deploy only these functions (and what they need)' }],
  options: [
    { flags: '--dry-run', description: 'show the plan and stop (exit 2 when there are changes)' },
    { flags: '--smoke', description: "run the functions' smoke samples against each new version before moving live to it" },
    {
      flags: '--wait <seconds>',
      description: "how long to wait while another run holds the stage's lease (default: deploy.leaseWaitSeconds, 120)",
    },
    {
      flags: '--strategy <name>',
      description:
        "how live moves to each new version for this run, over the config's deploy.strategy: AllAtOnce, Canary10Percent5Minutes, Linear10PercentEvery1Minute, ...",
    },
    {
      flags: '--allow-data-loss',
      description: 'allow replacing a stateful resource AWS cannot change in place (a table whose keys change): its data is lost',
    },
  ],
  examples: [
    'ops deploy',
    'ops deploy --stage prod --yes',
    'ops deploy tasks-api --dry-run',
    'ops deploy --smoke',
    'ops deploy --strategy Canary10Percent5Minutes',
  ],
  async run(ctx, args, opts) {
    const { deployCommand } = await import('../apply/deploy.js');
    const smoke = opts.smoke ? (await import('../apply/smoke-gate.js')).smokeGate(ctx) : undefined;
    const { shiftGate, shiftTable, bothGates } = await import('../apply/shift-gate.js');
    const shifts = shiftGate(ctx);
    try {
      return await deployCommand(ctx, {
        functions: args.functions as string[] | undefined,
        dryRun: opts.dryRun,
        beforeAliasMove: bothGates(smoke, shifts.gate),
        wait: opts.wait,
        allowDataLoss: opts.allowDataLoss,
        strategy: opts.strategy,
      });
    } finally {
      for (const line of shiftTable(shifts.results)) ctx.log.raw(line);
    }
  },
});
