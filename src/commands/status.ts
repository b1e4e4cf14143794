import { defineCommand } from '../cli/command.js';

export default defineCommand({
  name: 'status',
  description: 'Per function: live version, last deploy, whether the local build and config match what runs (drift), state; the API URL',
  args: [{ name: 'functions', variadic: true, description: 'only these functions' }],
  examples: ['ops status', 'ops status --stage prod --json'],
  async run(ctx, args) {
    const { statusCommand } = await import('../status/command.js');
    return statusCommand(ctx, args.functions as string[] | undefined);
  },
});
