import type { Command } from 'commander';
import type { Context } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { candidates, type FleetValues, locate } from './complete.js';
import { COMPLETE_COMMAND, completionScript, SHELLS, type Shell } from './scripts.js';
import { rootOf, treeOf } from './tree.js';

/** `ops completion <shell>`: prints the script on stdout. */
export function completionCommand(ctx: Context, shell: string): number {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`no completion for shell '${shell}'`, { hint: `shells: ${SHELLS.join(', ')}` });
  }
  ctx.io.stdout.write(completionScript(shell as Shell));
  return 0;
}

/**
 * `ops __complete -- <words...>`: one candidate a line for the last word, the others being what is typed
 * before it. Reads the fleet config only when a function or sample name is wanted (no AWS call, no build),
 * and stays silent on any error: a broken config must not print into the user's command line.
 */
export async function completeCommand(ctx: Context, words: string[], cmd: Command): Promise<number> {
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const point = locate(treeOf(rootOf(cmd)), before);
  const values = fleetValues(ctx, point.given);
  const found = await candidates(point, current, values).catch(() => []);
  if (found.length) ctx.io.stdout.write(`${found.join('\n')}\n`);
  return 0;
}

/** Function keys and sample names from the config the typed `--stage` / `--config` point at. */
function fleetValues(ctx: Context, given: Record<string, string>): FleetValues {
  const fleet = async () => {
    const { loadFleet } = await import('../config/load.js');
    return loadFleet({ cwd: ctx.cwd, stage: given.stage ?? ctx.global.stage, config: given.config ?? ctx.global.config, env: ctx.env });
  };
  return {
    functions: async () => (await fleet()).functions.map((f) => f.key),
    samples: async (name) => {
      const fn = (await fleet()).functions.find((f) => f.key === name || f.name === name);
      if (!fn) return [];
      const { listSamples } = await import('../invoke/events.js');
      return (await listSamples(fn)).map((s) => s.name);
    },
    params: async () => (await fleet()).params.map((p) => p.name),
  };
}

export { COMPLETE_COMMAND };
