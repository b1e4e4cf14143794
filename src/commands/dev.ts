import { defineCommand } from '../cli/command.js';
import type { DevOptions } from '../dev/command.js';

export default defineCommand<DevOptions>({
  name: 'dev',
  description: "Serve the stage's HTTP API routes on this machine (127.0.0.1): API Gateway events, warm workers, rebuild on change",
  options: [
    { flags: '-p, --port <n>', description: 'port to listen on (0: any free port)', default: '3000' },
    { flags: '--no-watch', description: 'do not rebuild functions when their sources change' },
    { flags: '--poll', description: 'watch by polling (for file systems without change events)' },
    { flags: '--max-workers <n>', description: 'warm workers per function at most; more concurrent requests wait', default: '4' },
    { flags: '--env <KEY=VALUE...>', description: 'set or override environment variables of every function' },
    { flags: '--api <key>', description: 'serve a named API of `apis` instead of the default API (one API per server)' },
  ],
  examples: [
    'ops dev',
    'ops dev --port 0',
    'curl -s localhost:3000/api/health',
    'ops dev --stage test --env AMADEUS_BASE_URL=http://localhost:8080',
    'ops dev --api approval --port 3001',
  ],
  async run(ctx, _args, opts) {
    const { devCommand } = await import('../dev/command.js');
    return devCommand(ctx, opts);
  },
});
