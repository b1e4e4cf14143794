import { defineCommand } from '../cli/command.js';
import type { ImportOptions } from '../import/command.js';

export default defineCommand<ImportOptions>({
  name: 'import',
  description: 'Write ops.config.ts and the code of functions already running on AWS, kept by name, to adopt them',
  args: [{ name: 'dir', description: 'directory to write into (default: the current one)' }],
  options: [
    { flags: '--prefix <prefix>', description: 'functions whose name starts with this (also gives the app name)' },
    { flags: '--names <a,b,c>', description: 'functions by name, comma-separated' },
    { flags: '--tag <key=value>', description: 'functions carrying this tag' },
    { flags: '--app <name>', description: 'app name (default: from --prefix)' },
    { flags: '--force', description: 'replace an existing ops.config.ts and function directories' },
  ],
  examples: ['ops import --prefix autorescue- --stage prod', 'ops import --names fn-a,fn-b --app shop --stage prod'],
  async run(ctx, args, opts) {
    const { importCommand } = await import('../import/command.js');
    await importCommand(ctx, args.dir as string | undefined, opts);
  },
});
