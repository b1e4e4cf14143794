import { defineCommand } from '../cli/command.js';

export default defineCommand({
  name: 'doctor',
  description:
    'Check this machine and the stage: local Node/Python against the fleet runtimes, credentials (one STS call), params set, deprecated runtimes, functions without alarms',
  examples: ['ops doctor', 'ops doctor --stage prod --json'],
  async run(ctx) {
    const { doctorCommand } = await import('../doctor/command.js');
    return doctorCommand(ctx);
  },
});
