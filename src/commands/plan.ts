import { defineCommand } from '../cli/command.js';

export default defineCommand({
  name: 'plan',
  description: 'Show what a deploy would change; exit 0 when nothing, 2 when there are changes',
  args: [{ name: 'functions', variadic: true, description: 'plan only these functions' }],
  examples: ['ops plan', 'ops plan --stage prod --json'],
  async run(ctx, args) {
    const { deployCommand } = await import('../apply/deploy.js');
    return deployCommand(ctx, { functions: args.functions as string[] | undefined, planOnly: true });
  },
});
