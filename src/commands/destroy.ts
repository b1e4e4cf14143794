import { defineCommand } from '../cli/command.js';

export default defineCommand<{ wait?: string; allowDataLoss?: boolean }>({
  name: 'destroy',
  description: 'Remove everything ops deployed for the stage (only what carries its ops:app/ops:stage tags)',
  args: [{ name: 'functions', variadic: true, description: 'remove only these functions' }],
  options: [
    {
      flags: '--wait <seconds>',
      description: "how long to wait while another run holds the stage's lease (default: deploy.leaseWaitSeconds, 120)",
    },
    {
      flags: '--allow-data-loss',
      description: "allow emptying a bucket with removal: 'destroy' that still holds objects: its data is lost",
    },
  ],
  examples: ['ops destroy --stage pr-42', 'ops destroy --stage pr-42 --yes'],
  async run(ctx, args, opts) {
    const { deployCommand } = await import('../apply/deploy.js');
    return deployCommand(ctx, {
      functions: args.functions as string[] | undefined,
      destroy: true,
      wait: opts.wait,
      allowDataLoss: opts.allowDataLoss,
    });
  },
});
