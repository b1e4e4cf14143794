// biome-ignore-all lint/suspicious/noTemplateCurlyInString: an example is a zsh line (${fpath[1]}), not a template
import { defineCommand } from '../cli/command.js';
import { COMPLETE_COMMAND } from '../completion/scripts.js';

export const completion = defineCommand({
  name: 'completion',
  description: 'Print the shell completion script for bash, zsh or fish (commands, options, function and sample names)',
  args: [{ name: 'shell', required: true, description: 'bash, zsh or fish' }],
  examples: [
    'source <(ops completion bash)        # in ~/.bashrc',
    'ops completion zsh > "${fpath[1]}/_ops"',
    'ops completion fish > ~/.config/fish/completions/ops.fish',
  ],
  async run(ctx, args) {
    const { completionCommand } = await import('../completion/command.js');
    return completionCommand(ctx, String(args.shell));
  },
});

/** What the completion scripts call: `ops __complete -- <words before the cursor> <word at the cursor>`. */
export const complete = defineCommand({
  name: COMPLETE_COMMAND,
  description: 'Completion candidates for the words given (called by the completion scripts)',
  hidden: true,
  args: [{ name: 'words', variadic: true }],
  async run(ctx, args, _opts, cmd) {
    const { completeCommand } = await import('../completion/command.js');
    const words = args.words;
    if (!cmd) return 0; // called outside commander: nothing to walk
    return completeCommand(ctx, Array.isArray(words) ? words : words ? [words] : [], cmd);
  },
});
