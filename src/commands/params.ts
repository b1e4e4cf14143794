import { defineCommand } from '../cli/command.js';
import type { ParamsForceOptions, ParamsGetOptions, ParamsSetOptions } from '../params/commands.js';

const force = { flags: '--force', description: 'act on a name the config does not declare' };

const set = defineCommand<ParamsSetOptions>({
  name: 'set',
  description: "Set a param's value for the stage (secure values from a masked prompt, --stdin or --from-file, never argv)",
  args: [
    { name: 'name', required: true, description: 'declared param name, e.g. amadeus/client-secret' },
    { name: 'value', description: 'value of a plain (non-secure) param' },
  ],
  options: [
    { flags: '--stdin', description: 'read the value from stdin' },
    { flags: '--from-file <path>', description: 'read the value from a file' },
    { flags: '--kms-key <id>', description: 'KMS key for a secure param (default: alias/aws/ssm)' },
    force,
  ],
  examples: [
    'ops params set amadeus/client-secret --stage prod',
    'pass show amadeus | ops params set amadeus/client-secret --stdin --stage prod',
    'ops params set tasks-table tasks-prod --stage prod',
  ],
  async run(ctx, args, opts) {
    const { paramsSet } = await import('../params/commands.js');
    return paramsSet(ctx, String(args.name), args.value as string | undefined, opts);
  },
});

const get = defineCommand<ParamsGetOptions>({
  name: 'get',
  description: "Print a param's value (secure values masked unless --reveal)",
  args: [{ name: 'name', required: true }],
  options: [{ flags: '--reveal', description: 'print a secure value in plain text' }, force],
  examples: ['ops params get tasks-table', 'ops params get amadeus/client-secret --reveal --stage prod'],
  async run(ctx, args, opts) {
    const { paramsGet } = await import('../params/commands.js');
    return paramsGet(ctx, String(args.name), opts);
  },
});

const list = defineCommand({
  name: 'list',
  description: 'Every declared param: set or missing, type, version, last modified, readers',
  examples: ['ops params list --stage prod', 'ops params list --json'],
  async run(ctx) {
    const { paramsList } = await import('../params/commands.js');
    return paramsList(ctx);
  },
});

const unset = defineCommand<ParamsForceOptions>({
  name: 'unset',
  description: "Delete a param's value for the stage (asks first)",
  args: [{ name: 'name', required: true }],
  options: [force],
  examples: ['ops params unset tasks-table --stage dev'],
  async run(ctx, args, opts) {
    const { paramsUnset } = await import('../params/commands.js');
    return paramsUnset(ctx, String(args.name), opts);
  },
});

const importCommand = defineCommand<ParamsForceOptions>({
  name: 'import',
  description: 'Set params from a dotenv file (keys: param names or their UPPER_SNAKE form); values are never printed',
  args: [{ name: 'file', required: true, description: 'dotenv file, e.g. .env.prod' }],
  options: [{ flags: '--force', description: 'also set keys the config does not declare (as SecureStrings)' }],
  examples: ['ops params import .env.prod --stage prod'],
  async run(ctx, args, opts) {
    const { paramsImport } = await import('../params/commands.js');
    return paramsImport(ctx, String(args.file), opts);
  },
});

const check = defineCommand({
  name: 'check',
  description: 'Exit 1 naming each param without a value for the stage (all params, or those the given functions read)',
  args: [{ name: 'functions', variadic: true, description: 'only params these functions read' }],
  examples: ['ops params check --stage prod', 'ops params check search-flights'],
  async run(ctx, args) {
    const { paramsCheck } = await import('../params/commands.js');
    return paramsCheck(ctx, (args.functions as string[] | undefined) ?? []);
  },
});

export default defineCommand({
  name: 'params',
  description: 'Parameters and secrets in SSM Parameter Store: set, get, list, unset, import, check',
  subcommands: [set, get, list, unset, importCommand, check],
});
