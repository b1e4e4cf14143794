import { defineCommand } from '../cli/command.js';
import type { PackageOptions } from '../package/command.js';

export default defineCommand<PackageOptions>({
  name: 'package',
  description: 'Build each function to a deterministic zip under .ops/build (unchanged inputs are not rebuilt)',
  args: [{ name: 'functions', variadic: true, description: 'functions to build (default: all)' }],
  options: [{ flags: '--force', description: 'rebuild even when the inputs are unchanged' }],
  examples: ['ops package', 'ops package tasks-api --json', 'ops package --force'],
  async run(ctx, args, opts) {
    const { packageCommand } = await import('../package/command.js');
    return packageCommand(ctx, args.functions as string[] | undefined, opts);
  },
});
