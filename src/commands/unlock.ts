import { defineCommand } from '../cli/command.js';

export default defineCommand({
  name: 'unlock',
  description: "Break the stage's lease left by a deploy, rollback or destroy that died (shows the holder, then asks)",
  examples: ['ops unlock --stage prod', 'ops unlock --stage pr-42 --yes'],
  async run(ctx) {
    const { unlockCommand } = await import('../apply/unlock.js');
    return unlockCommand(ctx);
  },
});
