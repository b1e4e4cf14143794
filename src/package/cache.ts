import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readIfExists, sha256Hex, writeFileAtomic } from './files.js';

/** Bumped whenever the build output for the same inputs changes (zip layout, pip flags, banner...). */
export const BUILD_FORMAT = 1;

/** A content hash, or `null` for a path whose absence was part of the build (a tsconfig.json that may appear). */
export type InputRecord = { sha256: string; size: number } | null;

/** `.ops/build/<key>/manifest.json`: what the zip next to it was built from. */
export interface BuildManifest {
  format: number;
  key: string;
  /** Hash of everything that is not a file: runtime, architecture, esbuild options and version, zlib version. */
  fingerprint: string;
  /** Every input file, by path relative to the project root (forward slashes). */
  inputs: Record<string, InputRecord>;
  artifact: { zip: string; sha256: string; codeSha256: string; size: number; unzippedSize: number; files: number };
  /** Build-log lines worth repeating on a cache hit (packages skipped, pip mode). */
  notes: string[];
}

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function fingerprint(value: unknown): string {
  return sha256Hex(stableStringify(value));
}

export async function readManifest(dir: string): Promise<BuildManifest | undefined> {
  const raw = await readIfExists(path.join(dir, 'manifest.json'));
  if (!raw) return undefined;
  try {
    const m = JSON.parse(raw.toString('utf8')) as BuildManifest;
    return m.format === BUILD_FORMAT && m.inputs && m.artifact ? m : undefined;
  } catch {
    return undefined; // a corrupt manifest is a cache miss, not an error
  }
}

export async function writeManifest(dir: string, manifest: BuildManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Bundles read hundreds of files (the AWS SDK, when bundled): hash them a few dozen at a time.
const IO_CONCURRENCY = 32;

/** Hashes each path (relative to `root`); a missing file is recorded as `null`. */
export async function hashInputs(root: string, rels: Iterable<string>): Promise<Record<string, InputRecord>> {
  const sorted = [...new Set(rels)].sort();
  const records = await mapLimit(sorted, IO_CONCURRENCY, async (rel): Promise<InputRecord> => {
    const data = await readIfExists(path.resolve(root, rel));
    return data ? { sha256: sha256Hex(data), size: data.length } : null;
  });
  return Object.fromEntries(sorted.map((rel, i) => [rel, records[i]]));
}

/**
 * True when every recorded input still has the recorded content. A size change (or a file
 * appearing or disappearing) answers without reading; otherwise the content hash decides,
 * so a `touch` or a fresh clone with new mtimes is still a hit.
 */
export async function inputsUnchanged(
  root: string,
  recorded: Record<string, InputRecord>,
  memo: InputMemo = newInputMemo(),
): Promise<boolean> {
  const same = await mapLimit(Object.entries(recorded), IO_CONCURRENCY, async ([rel, want]) => {
    const abs = path.resolve(root, rel);
    const size = await memoized(memo.sizes, abs, () =>
      stat(abs).then(
        (st) => (st.isFile() ? st.size : undefined),
        () => undefined,
      ),
    );
    if (!want || size === undefined) return !want && size === undefined;
    if (size !== want.size) return false;
    const sha = await memoized(memo.hashes, abs, () => readIfExists(abs).then((data) => data && sha256Hex(data)));
    return sha === want.sha256;
  });
  return same.every(Boolean);
}

/**
 * One build check's look at its inputs, by absolute path: what many functions bundle (a shared module, the
 * package.json and tsconfig.json files up the tree) is looked at once, not once per function (7 of the 11 inputs
 * of a function of a generated 200-function fleet are shared). Made anew for each build of the fleet.
 */
export interface InputMemo {
  sizes: Map<string, Promise<number | undefined>>;
  hashes: Map<string, Promise<string | undefined>>;
}

export const newInputMemo = (): InputMemo => ({ sizes: new Map(), hashes: new Map() });

function memoized<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) map.set(key, (p = make()));
  return p;
}

/** sha256 (hex) of a file, streamed; `undefined` when it does not exist. */
export async function fileSha256(file: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(file), hash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return hash.digest('hex');
}

/** Reads the recorded zip back and checks it: a hit needs the very bytes the manifest describes. */
export async function cachedZipValid(zipPath: string, manifest: BuildManifest): Promise<boolean> {
  const st = await stat(zipPath).catch(() => undefined);
  if (!st || st.size !== manifest.artifact.size) return false;
  return (await fileSha256(zipPath)) === manifest.artifact.sha256;
}
