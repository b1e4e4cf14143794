import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../cli/context.js';
import type { Fleet } from '../config/types.js';
import { UsageError, UserError } from '../errors.js';
import { askSecret } from '../ui/prompt.js';
import { paramSetHint } from './check.js';
import type { ParamTarget } from './declared.js';

/** Where `ops params set` may take a value from; at most one of them. */
export interface ValueSources {
  /** The `[value]` argument: plain params only. */
  value?: string;
  stdin?: boolean;
  fromFile?: string;
}

/** One trailing newline is what `echo` and editors add, not part of the value. */
const chompNewline = (s: string) => s.replace(/\r?\n$/, '');

/**
 * The value to store, from the one source given, or from a masked prompt on a terminal. A secure
 * value on the command line is refused (exit 2) without repeating it: shell history and `ps` keep it.
 */
export async function readParamValue(ctx: Context, fleet: Fleet, target: ParamTarget, sources: ValueSources): Promise<string> {
  const given = [sources.value !== undefined && '[value]', sources.stdin && '--stdin', sources.fromFile !== undefined && '--from-file'];
  const used = given.filter((g): g is string => typeof g === 'string');
  if (used.length > 1) throw new UsageError(`give the value one way, not ${used.join(' and ')}`);
  const pipe = `pipe it with \`… | ${paramSetHint(fleet, target.name)} --stdin\` or pass --from-file <path>`;
  if (sources.value !== undefined) {
    if (target.secure) {
      throw new UsageError(`refusing the value of secure param ${target.name} from the command line (shell history and ps keep it)`, {
        hint: `run \`${paramSetHint(fleet, target.name)}\` and type it at the masked prompt, or ${pipe}`,
      });
    }
    return sources.value;
  }
  if (sources.stdin) return chompNewline(await readAll(ctx.io.stdin));
  if (sources.fromFile !== undefined) {
    const file = path.resolve(ctx.cwd, sources.fromFile);
    try {
      return chompNewline(await readFile(file, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read ${sources.fromFile}${code ? ` (${code})` : ''}`, { hint: 'check the path given to --from-file' });
    }
  }
  return askSecret(ctx, `Value of ${target.name} (${fleet.stage})`, pipe);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
