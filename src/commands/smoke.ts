import { defineCommand } from '../cli/command.js';
import type { SmokeOptions } from '../smoke/command.js';

export default defineCommand<SmokeOptions>({
  name: 'smoke',
  description: 'Run every sample event that carries expectations (events/<name>.expect.json) and check the results',
  args: [{ name: 'functions', variadic: true, description: 'functions to smoke (default: all)' }],
  options: [
    { flags: '--local', description: 'run the handlers on this machine from their packaged zips instead of the deployed ones' },
    { flags: '-q, --qualifier <alias|version>', description: "remote: the alias or version to invoke (default 'live')" },
  ],
  examples: ['ops smoke --local', 'ops smoke gateway tasks-api', 'ops smoke --stage prod --json'],
  async run(ctx, args, opts) {
    const { smokeCommand } = await import('../smoke/command.js');
    return smokeCommand(ctx, args.functions as string[] | undefined, opts);
  },
});
