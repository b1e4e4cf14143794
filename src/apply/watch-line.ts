import type { ChalkInstance } from 'chalk';
import { ConfigError } from '../errors.js';

/** What `ops deploy --json` prints, as far as the edit loop reads it (see deployOrPlan). */
export interface DeployJson {
  changes?: { id: string; kind: string; fn?: string | null }[];
  applied?: { id: string }[];
  failed?: { id: string; error: string }[];
  skipped?: { id: string }[];
}

/** One round of the edit loop: the functions it deployed (or the whole fleet after a config edit) and what came of it. */
export interface RoundOutcome {
  /** Function keys, or undefined for the whole fleet. */
  functions?: string[];
  /** Milliseconds from the save (the newest changed file's mtime) to the end of the deploy. */
  ms: number;
  json?: DeployJson;
  error?: string;
  /** Ctrl-C stopped the round's deploy (and the loop). */
  stopped?: boolean;
}

const CODE_KINDS = new Set(['function.create', 'function.update-code']);
const CONFIG_KINDS = new Set(['function.update-config']);
const FOLLOWS = /^(alias\.|versions\.prune$)/;

/** `code`, `configuration`, both, or how many other changes were applied: the words of the round's line. */
export function pushedWhat(json: DeployJson): string {
  const applied = new Set((json.applied ?? []).map((a) => a.id));
  const kinds = (json.changes ?? []).filter((c) => applied.has(c.id)).map((c) => c.kind);
  const words: string[] = [];
  if (kinds.some((k) => CODE_KINDS.has(k))) words.push('code');
  if (kinds.some((k) => CONFIG_KINDS.has(k))) words.push('configuration');
  // Publishing a version, moving live and pruning old versions follow from the above; anything else (routes, a table...) is counted.
  const others = kinds.filter((k) => !CODE_KINDS.has(k) && !CONFIG_KINDS.has(k) && !FOLLOWS.test(k)).length;
  if (others) words.push(`${others} other change${others === 1 ? '' : 's'}`);
  return words.join(' + ');
}

/** Functions (by the changes' `fn`) a round touched: the ones whose logs the loop follows from then on. */
export function touchedFunctions(json: DeployJson | undefined): string[] {
  const applied = new Set((json?.applied ?? []).map((a) => a.id));
  return [...new Set((json?.changes ?? []).filter((c) => applied.has(c.id) && c.fn).map((c) => c.fn as string))];
}

/**
 * What a failed round says on its one line: the error's message, and for a config edit that does not validate its
 * problems with their field paths (`ops deploy` prints them under the error; the line alone would only count them).
 */
export function roundError(error: unknown): string {
  const message = (error as Error)?.message || String(error);
  if (!(error instanceof ConfigError) || !error.problems.length) return message;
  return `${message}: ${error.problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The one line a round prints: `✔ api: code live in 1.9s (save to live)`, or why it did not get there. */
export function roundLine(o: RoundOutcome, c: ChalkInstance): string {
  const who = o.functions?.length ? o.functions.join(', ') : 'ops.config.ts (whole fleet)';
  const first = (s: string) => s.split('\n')[0];
  // A build error already names its function: `api: api did not build` would say it twice.
  if (o.stopped) return `${c.red('✗')} ${who}: stopped by Ctrl-C (\`ops plan\` shows what is left)`;
  const said = o.error && first(o.error);
  const error = said?.startsWith(`${who}: `) ? said.slice(who.length + 2) : said;
  if (error) return `${c.red('✗')} ${who}: ${error} (the loop goes on; save again to retry)`;
  const failed = o.json?.failed ?? [];
  if (failed.length) return `${c.red('✗')} ${who}: ${failed[0].id} failed: ${first(failed[0].error)} (the loop goes on)`;
  const what = o.json ? pushedWhat(o.json) : '';
  if (!what) return `${c.dim('·')} ${who}: nothing to push (AWS already runs this) in ${seconds(o.ms)}`;
  return `${c.green('✔')} ${who}: ${what} live in ${seconds(o.ms)} (save to live)`;
}
