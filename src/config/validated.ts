import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex, writeFileAtomic } from '../package/files.js';
import type { ParsedFleet } from './schema.js';
import type { Problem, ValidateEnv } from './validate.js';

/**
 * The last valid result of `validateFleet` for a stage, kept under `.ops/config/`, so that a command whose
 * config evaluates to the same value as last time skips the schema: building zod's schemas and its code
 * costs ~50 ms at every start, and checking a 200-function fleet as much again.
 *
 * A hit needs the same ops build (its sources' hash, inlined by the build: running from source never
 * caches), the same stage, the same evaluated config (every value, `undefined` included, in the same key
 * order), and the same answer for every file-existence check the validation made. Only plain data is kept:
 * a config holding anything else (a function, a Date, a class instance, NaN) is validated every time.
 * Only valid results are kept; a config with problems is checked, and reported, every time.
 */

declare const __OPS_BUILD__: string | undefined;

export interface ValidatedCache {
  /** The directory the entries live in (`.ops/config/`). */
  dir: string;
  /** Identifies the validation code: a different build never reads another's entries. */
  build: string;
}

/** The running build's identity, or undefined when running from source (no cache). */
export const BUILD_ID: string | undefined = typeof __OPS_BUILD__ === 'string' ? __OPS_BUILD__ : undefined;

type Validate = (raw: unknown, env: ValidateEnv) => { fleet?: ParsedFleet; problems: Problem[] };

interface Entry {
  key: string;
  /** Each existence check the validation made, with its answer then. */
  exists: [string, boolean][];
  fleet: unknown;
}

const UNDEFINED = '__opsUndefined';

/**
 * `validate(raw, env)`, or its cached result when nothing it depends on changed. `validate` is only
 * called (and its module only loaded) on a miss.
 */
export async function validateCached(
  raw: unknown,
  env: ValidateEnv,
  validate: () => Promise<Validate>,
  cache: ValidatedCache | undefined,
): Promise<{ fleet?: ParsedFleet; problems: Problem[] }> {
  const text = cache ? plainText(raw) : undefined;
  if (!cache || text === undefined) return (await validate())(raw, env);
  const key = sha256Hex(`${cache.build}\0${env.stage}\0${text}`);
  const file = path.join(cache.dir, `validated-${sha256Hex(env.stage).slice(0, 16)}.json`);
  const hit = await readEntry(file, key, env);
  if (hit) return { fleet: hit as ParsedFleet, problems: [] };
  const checked = new Map<string, boolean>();
  const result = (await validate())(raw, {
    ...env,
    exists(p) {
      const found = env.exists(p);
      checked.set(p, found);
      return found;
    },
  });
  if (result.fleet) {
    const fleet = encode(result.fleet);
    if (fleet !== undefined) {
      const entry = `{"key":${JSON.stringify(key)},"exists":${JSON.stringify([...checked])},"fleet":${fleet}}`;
      // Best effort: a read-only project only loses the shortcut.
      await writeFileAtomic(file, entry).catch(() => {});
    }
  }
  return result;
}

async function readEntry(file: string, key: string, env: ValidateEnv): Promise<unknown> {
  let entry: Entry;
  try {
    entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry?.key !== key || !Array.isArray(entry.exists) || typeof entry.fleet !== 'object' || entry.fleet === null) return undefined;
  for (const check of entry.exists) {
    if (!Array.isArray(check) || typeof check[0] !== 'string' || env.exists(check[0]) !== check[1]) return undefined;
  }
  return revive(entry.fleet);
}

const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The config as text that differs whenever the value differs (insertion order and `undefined` members
 * included), or undefined when it holds anything but plain data or is circular (an object used twice is
 * written twice).
 */
export function plainText(value: unknown): string | undefined {
  const open = new Set<object>();
  const write = (v: unknown): string | undefined => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (v === undefined) return 'u';
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? String(v) : undefined;
    if (typeof v !== 'object' || open.has(v)) return undefined;
    open.add(v);
    let out: string;
    if (Array.isArray(v)) {
      if (!isPlainArray(v)) return undefined;
      const parts: string[] = [];
      for (const item of v) {
        const s = write(item);
        if (s === undefined) return undefined;
        parts.push(s);
      }
      out = `[${parts.join(',')}]`;
    } else {
      if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length) return undefined;
      const parts: string[] = [];
      for (const k of Object.keys(v)) {
        const s = write((v as Record<string, unknown>)[k]);
        if (s === undefined) return undefined;
        parts.push(`${JSON.stringify(k)}:${s}`);
      }
      out = `{${parts.join(',')}}`;
    }
    open.delete(v);
    return out;
  };
  return write(value);
}

const isPlainArray = (a: unknown[]) => Object.getPrototypeOf(a) === Array.prototype && Object.keys(a).length === a.length;

/** The validated fleet as JSON that `revive` turns back into an equal value (`undefined` members kept), or undefined. */
function encode(fleet: unknown): string | undefined {
  if (plainText(fleet) === undefined || JSON.stringify(fleet).includes(UNDEFINED)) return undefined;
  return JSON.stringify(fleet, (_k, v: unknown) => (v === undefined ? { [UNDEFINED]: true } : v));
}

const isUndefinedMark = (v: unknown) => typeof v === 'object' && v !== null && (v as Record<string, unknown>)[UNDEFINED] === true;

function revive(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = isUndefinedMark(o[k]) ? undefined : revive(o[k]);
  return v;
}
