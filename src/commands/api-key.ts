import type { ApiKeySetOptions, ApiKeyShowOptions } from '../api-keys/commands.js';
import { defineCommand } from '../cli/command.js';

const set = defineCommand<ApiKeySetOptions>({
  name: 'set',
  description: 'Give a REST API key of the config (api.keys) its value for the stage (--stdin, --from-file or a masked prompt, never argv)',
  args: [
    { name: 'name', required: true, description: 'the key in api.keys, e.g. partner' },
    // Declared only to refuse it with one line: a value on the command line stays in shell history and ps.
    { name: 'value', description: 'refused: give the value on stdin, in a file or at the prompt' },
  ],
  options: [
    { flags: '--stdin', description: 'read the value from stdin' },
    { flags: '--from-file <path>', description: 'read the value from a file' },
  ],
  examples: ['pass show partner-key | ops api-key set partner --stdin --stage prod'],
  async run(ctx, args, opts) {
    const { apiKeySet } = await import('../api-keys/commands.js');
    return apiKeySet(ctx, String(args.name), args.value as string | undefined, opts);
  },
});

const show = defineCommand<ApiKeyShowOptions>({
  name: 'show',
  description: 'A REST API key of the stage: its id, state and usage plans; its value only with --reveal',
  args: [{ name: 'name', required: true, description: 'the key in api.keys' }],
  options: [{ flags: '--reveal', description: "print the key's value (a secret: clients send it as x-api-key)" }],
  examples: ['ops api-key show partner --stage prod', 'ops api-key show partner --reveal --stage prod'],
  async run(ctx, args, opts) {
    const { apiKeyShow } = await import('../api-keys/commands.js');
    return apiKeyShow(ctx, String(args.name), opts);
  },
});

export default defineCommand({
  name: 'api-key',
  description: "The REST API's keys (api.keys): set a value from stdin, show one (value with --reveal)",
  subcommands: [set, show],
});
