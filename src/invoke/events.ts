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

/** The event for an invoke, from exactly one of: a sample name, a file, a JSON string, stdin. Default `{}`. */
export async function resolveEvent(fn: FunctionSpec, src: EventSource, cwd: string): Promise<{ event: unknown; source: string }> {
  const given = [src.event, src.eventFile, src.payload, src.stdin].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('give one of --event, --event-file, --payload or - (stdin)');
  if (src.event !== undefined && src.event.includes('/') && existsSync(path.resolve(cwd, src.event))) {
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
    return { event: parseJson(await readFile(hit.file, 'utf8'), path.relative(cwd, hit.file)), source: `sample ${hit.name}` };
  }
  if (src.eventFile !== undefined) {
    const file = path.resolve(cwd, src.eventFile);
    if (!existsSync(file)) throw new UserError(`event file not found: ${src.eventFile}`);
    return { event: parseJson(await readFile(file, 'utf8'), src.eventFile), source: src.eventFile };
  }
  if (src.payload !== undefined) return { event: parseJson(src.payload, '--payload'), source: '--payload' };
  if (src.stdin) {
    const text = await src.stdin();
    return { event: text.trim() === '' ? {} : parseJson(text, 'stdin'), source: 'stdin' };
  }
  return { event: {}, source: 'empty event {}' };
}
