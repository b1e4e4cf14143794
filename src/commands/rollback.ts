import type { RollbackOptions } from '../apply/rollback.js';
import { defineCommand } from '../cli/command.js';

export default defineCommand<RollbackOptions>({
  name: 'rollback',
  description: 'Move live back to the previous version (or --to a given one), after a plan and a confirmation',
  args: [{ name: 'functions', variadic: true, description: 'functions to roll back (default: all)' }],
  options: [
    { flags: '--to <version>', description: 'the version to move live to (one function only)' },
    {
      flags: '--wait <seconds>',
      description: "how long to wait while another run holds the stage's lease (default: deploy.leaseWaitSeconds, 120)",
    },
  ],
  examples: ['ops rollback tasks-api', 'ops rollback tasks-api --to 3 --yes', 'ops rollback --stage prod'],
  async run(ctx, args, opts) {
    const { rollbackCommand } = await import('../apply/rollback.js');
    return rollbackCommand(ctx, args.functions as string[] | undefined, opts);
  },
});
