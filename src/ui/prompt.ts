import type { Context } from '../cli/context.js';
import { UserError } from '../errors.js';

/**
 * Asks a yes/no question on the terminal. `--yes` answers yes; without a TTY (or with CI set)
 * and without `--yes` it refuses with a hint instead of hanging.
 */
export async function confirm(ctx: Context, message: string, opts: { refuse: string; default?: boolean }): Promise<boolean> {
  if (ctx.global.yes) return true;
  if (!ctx.interactive) {
    throw new UserError(`${opts.refuse}: no terminal to confirm on`, { hint: 'pass --yes to confirm non-interactively (CI)' });
  }
  const { confirm: ask } = await import('@inquirer/prompts');
  return ask({ message, default: opts.default ?? false }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
}

/** Asks for a secret with a masked prompt; refuses without a TTY. */
export async function askSecret(ctx: Context, message: string, hint: string): Promise<string> {
  if (!ctx.interactive) throw new UserError(`cannot prompt for ${message}: no terminal`, { hint });
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '•' }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
}

/** Asks for the stage name to be typed back, for destructive commands. */
export async function confirmByTyping(ctx: Context, expected: string, message: string, refuse: string): Promise<boolean> {
  if (ctx.global.yes) return true;
  if (!ctx.interactive) {
    throw new UserError(`${refuse}: no terminal to confirm on`, { hint: 'pass --yes to confirm non-interactively (CI)' });
  }
  const { input } = await import('@inquirer/prompts');
  const typed = await input({ message }, { input: ctx.io.stdin, output: ctx.io.stderr as NodeJS.WritableStream });
  return typed.trim() === expected;
}
