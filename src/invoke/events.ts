import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionSpec } from '../config/types.js';
import { UsageError, UserError } from '../errors.js';

/** Where a function's sample events live: `events/` next to its handler (or in its Python root). */
export function eventsDirs(fn: FunctionSpec): string[] {
  const dirs = [path.join(path.dirname(fn.handler.file), 'events'), path.join(fn.handler.root, 'events')];
  return [...new Set(dirs)].filter((d) => existsSync(d));
}

/** Sample names (file names without `.json`), excluding `*.expect.json` expectation files. */
export async function listSamples(fn: FunctionSpec): Promise<{ name: string; file: string }[]> {
  const out: { name: string; file: string }[] = [];
  for (const dir of eventsDirs(fn)) {
    for (const f of (await readdir(dir)).sort()) {
      if (f.endsWith('.json') && !f.endsWith('.expect.json')) out.push({ name: f.slice(0, -'.json'.length), file: path.join(dir, f) });
    }
  }
  return out;
}

/** Parses JSON or throws a one-line error naming where it broke. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg)?.[1];
    let where = '';
    if (pos !== undefined) {
      const before = text.slice(0, Number(pos));
      const line = before.split('\n').length;
      const col = Number(pos) - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new UsageError(`${source} is not valid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/^.*?: /, '')}`, {
      hint: 'check the payload; strings need double quotes and no trailing commas',
    });
  }
}

export interface EventSource {
  event?: string;
  eventFile?: string;
  payload?: string;
  /** The payload text from stdin (when `-` was given or stdin is piped). */
  stdin?: () => Promise<string>;
}

/** Keys a sample file may hold when it carries its expectations: `{ "payload": ..., "expect": {...} }`. */
const SAMPLE_WITH_EXPECT_KEYS = new Set(['payload', 'expect', 'description']);

/**
 * Splits a sample into its payload and inline expectations. A sample is taken as carrying them only
 * when it has both `payload` and `expect` and nothing else but a `description`; any other JSON is
 * the payload itself.
 */
export function splitSample(value: unknown): { payload: unknown; expect?: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { payload: value };
  const keys = Object.keys(value);
  if (!keys.includes('payload') || !keys.includes('expect') || !keys.every((k) => SAMPLE_WITH_EXPECT_KEYS.has(k)))
    return { payload: value };
  const { payload, expect } = value as { payload: unknown; expect: unknown };
  return { payload, expect };
}

/** A resolved event: the parsed value, the JSON text to send, and where it came from. */
export interface ResolvedEvent {
  event: unknown;
  /** The payload bytes as given (a file's or flag's text unchanged), for remote invokes. */
  text: string;
  source: string;
}

/** The event for an invoke, from exactly one of: a sample name, a file, a JSON string, stdin. Default `{}`. */
export async function resolveEvent(fn: FunctionSpec, src: EventSource, cwd: string): Promise<ResolvedEvent> {
  const given = [src.event, src.eventFile, src.payload, src.stdin].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('give one of --event, --event-file, --payload or - (stdin)');
  if (src.event?.includes('/') && existsSync(path.resolve(cwd, src.event))) {
    // A path given to --event: take it as a file, as users coming from `aws lambda invoke` expect.
    return resolveEvent(fn, { eventFile: src.event }, cwd);
  }
  if (src.event !== undefined) {
    const samples = await listSamples(fn);
    const want = src.event.replace(/\.json$/, '');
    const hit = samples.find((s) => s.name === want);
    if (!hit) {
      throw new UserError(`no sample event '${want}' for ${fn.key}`, {
        hint: samples.length
          ? `samples: ${samples.map((s) => s.name).join(', ')}`
          : `add one as ${path.relative(cwd, path.join(path.dirname(fn.handler.file), 'events', `${want}.json`))}`,
      });
    }
    const text = await readFile(hit.file, 'utf8');
    const value = parseJson(text, path.relative(cwd, hit.file));
    const { payload, expect } = splitSample(value);
    // A sample carrying its expectations is sent without them; its payload is re-serialised.
    return { event: payload, text: expect === undefined ? text : JSON.stringify(payload), source: `sample ${hit.name}` };
  }
  if (src.eventFile !== undefined) {
    const file = path.resolve(cwd, src.eventFile);
    if (!existsSync(file)) throw new UserError(`event file not found: ${src.eventFile}`);
    const text = await readFile(file, 'utf8');
    return { event: parseJson(text, src.eventFile), text, source: src.eventFile };
  }
  if (src.payload !== undefined) return { event: parseJson(src.payload, '--payload'), text: src.payload, source: '--payload' };
  if (src.stdin) {
    const text = await src.stdin();
    if (text.trim() === '') return { event: {}, text: '{}', source: 'stdin' };
    return { event: parseJson(text, 'stdin'), text, source: 'stdin' };
  }
  return { event: {}, text: '{}', source: 'empty event {}' };
}
