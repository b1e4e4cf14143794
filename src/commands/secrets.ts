import { defineCommand } from '../cli/command.js';
import type { SecretsSetOptions } from '../secrets/commands.js';

const set = defineCommand<SecretsSetOptions>({
  name: 'set',
  description: "Set a declared secret's value for the stage (from --stdin, --from-file or a masked prompt, never argv)",
  args: [
    { name: 'key', required: true, description: "the secret's key in the config's resources, e.g. creds" },
    // Declared only to refuse it with one line: a value on the command line stays in shell history and ps.
    { name: 'value', description: 'refused: give the value on stdin, in a file or at the prompt' },
  ],
  options: [
    { flags: '--stdin', description: 'read the value from stdin' },
    { flags: '--from-file <path>', description: 'read the value from a file' },
  ],
  examples: ['pass show cognito | ops secrets set creds --stdin --stage prod', 'ops secrets set creds --stage prod'],
  async run(ctx, args, opts) {
    const { secretsSet } = await import('../secrets/commands.js');
    return secretsSet(ctx, String(args.key), args.value as string | undefined, opts);
  },
});

const list = defineCommand({
  name: 'list',
  description: 'Every declared secret: set, empty or missing, and the functions that read it (never a value)',
  examples: ['ops secrets list --stage prod', 'ops secrets list --json'],
  async run(ctx) {
    const { secretsList } = await import('../secrets/commands.js');
    return secretsList(ctx);
  },
});

export default defineCommand({
  name: 'secrets',
  description: "The fleet's Secrets Manager secrets (resources of type secret): set a value, list",
  subcommands: [set, list],
});
