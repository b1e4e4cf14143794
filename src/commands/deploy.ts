import { type CommandSpec, defineCommand } from '../cli/command.js';
import { UsageError } from '../errors.js';

interface DeployOptions {
  dryRun?: boolean;
  smoke?: boolean;
  /** `--wait <seconds>` (the stage lease), or false for `--no-wait` (a traffic shift is started, not watched). */
  wait?: string | false;
  allowDataLoss?: boolean;
  strategy?: string;
  /** `--watch`: after this deploy, deploy again what each saved change affects (src/apply/watch.ts). */
  watch?: boolean;
}

const deploy: CommandSpec<DeployOptions> = defineCommand<DeployOptions>({
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
      // Commander's negation of --wait: with --wait defined first, it sets wait to false and nothing else.
      flags: '--no-wait',
      description:
        "with a strategy: set each shift's first weight and exit 0 (nothing watches it then); the next ops deploy carries the shift on",
    },
    {
      flags: '--watch',
      description:
        'after the deploy, watch the sources and ops.config.ts: each save deploys the functions it affects (--yes), one line each, their logs under it; Ctrl-C stops',
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
    'ops deploy --strategy Linear10PercentEvery10Minutes --no-wait',
  ],
  async run(ctx, args, opts, command) {
    if (opts.watch) {
      if (opts.dryRun) throw new UsageError('--watch and --dry-run do not go together', { hint: 'drop one of them' });
      const { watchDeploy } = await import('../apply/watch.js');
      // Each round is this very command for the affected functions, so the loop and `ops deploy` cannot drift.
      const once = (c: typeof ctx, functions?: string[]) =>
        deploy.run?.(c, { ...args, functions }, { ...opts, watch: false }, command) as Promise<number>;
      return watchDeploy(ctx, args.functions as string[] | undefined, once);
    }
    const { deployCommand } = await import('../apply/deploy.js');
    const smoke = opts.smoke ? (await import('../apply/smoke-gate.js')).smokeGate(ctx) : undefined;
    const { shiftGate, shiftTable, bothGates } = await import('../apply/shift-gate.js');
    const noWait = opts.wait === false;
    const shifts = shiftGate(ctx, { noWait });
    try {
      return await deployCommand(ctx, {
        functions: args.functions as string[] | undefined,
        dryRun: opts.dryRun,
        beforeAliasMove: bothGates(smoke, shifts.gate),
        wait: noWait ? undefined : (opts.wait as string | undefined),
        allowDataLoss: opts.allowDataLoss,
        strategy: opts.strategy,
      });
    } finally {
      for (const line of shiftTable(shifts.results)) ctx.log.raw(line);
    }
  },
});

export default deploy;
