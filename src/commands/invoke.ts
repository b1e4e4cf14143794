import { defineCommand } from '../cli/command.js';
import type { InvokeOptions } from '../invoke/command.js';

export default defineCommand<InvokeOptions>({
  name: 'invoke',
  description: "Invoke a function with a sample event: the deployed 'live' alias, or locally from its packaged zip (--local)",
  args: [
    { name: 'function', required: true, description: 'function to invoke' },
    { name: 'stdin', description: "'-' to read the payload from stdin" },
  ],
  options: [
    { flags: '--local', description: 'run the handler on this machine from its packaged zip' },
    { flags: '-e, --event <sample>', description: "a sample's name from the function's events/ directory, or a path to a JSON file" },
    { flags: '--event-file <path>', description: 'event from a JSON file' },
    { flags: '-p, --payload <json>', description: 'event as a JSON string' },
    { flags: '-q, --qualifier <alias|version>', description: "remote: the alias or version to invoke (default 'live')" },
    { flags: '--async', description: 'remote: queue the invoke (InvocationType Event) and print its request id' },
    { flags: '--env <KEY=VALUE...>', description: 'with --local: set or override environment variables of the function' },
  ],
  examples: [
    'ops invoke tasks-api --event get-task',
    'ops invoke gateway --payload \'{"rawPath":"/api/health"}\' --qualifier 7',
    'ops invoke tasks-worker --event process-task --async',
    'ops invoke tasks-api --local --event create-task',
    'echo \'{"taskId":"t-1"}\' | ops invoke tasks-worker --local -',
  ],
  async run(ctx, args, opts) {
    const { invokeCommand } = await import('../invoke/command.js');
    return invokeCommand(ctx, String(args.function), args.stdin === '-', opts);
  },
});
