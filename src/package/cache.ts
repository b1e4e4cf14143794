import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readIfExists, sha256Hex, writeFileAtomic } from './files.js';

/** Bumped whenever the build output for the same inputs changes (zip layout, pip flags, banner...). */
export const BUILD_FORMAT = 1;

/** A content hash, or `null` for a path whose absence was part of the build (a tsconfig.json that may appear). */
export type InputRecord = { sha256: string; size: number } | null;

/**
 * What stat says of a file, recorded next to its hash: while it says the same, and the file had last changed well
 * before it was hashed, the file is trusted without being read (git's index does the same). The change time is in
 * it because no user can set it: `touch -r` or utimes put an mtime back, never a ctime.
 */
export interface StatId {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** The stat of the files a build check reads (a Node function's inputs, the zip), and when it was taken. */
export interface StatRecord {
  /** `Date.now()` before any of these files was looked at (stat, then read and hashed). */
  at: number;
  inputs: Record<string, StatId>;
  zip?: StatId;
}

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
  /** Absent from manifests written before it, and for a file without one the content decides, as then. */
  stat?: StatRecord;
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
  // Read at once: a few KB, once per function per build, where a promise's four round trips through the
  // thread pool (open, fstat, read, close) cost the main thread more than the read itself.
  let raw: string;
  try {
    raw = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    const m = JSON.parse(raw) as BuildManifest;
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

/** Stats each path (relative to `root`), then hashes it; a missing file is recorded as `null`, with no stat. */
export async function recordInputs(
  root: string,
  rels: Iterable<string>,
): Promise<{ inputs: Record<string, InputRecord>; stat: StatRecord }> {
  const at = Date.now();
  const sorted = [...new Set(rels)].sort();
  const records = await mapLimit(sorted, IO_CONCURRENCY, async (rel): Promise<[InputRecord, StatId | undefined]> => {
    const abs = path.resolve(root, rel);
    // Stat before reading: a change in between leaves a stat that no longer matches (hashed next time), never
    // the new stat next to the old content.
    const st = await statOf(nodeCacheIo, abs);
    const data = await readIfExists(abs);
    return data ? [{ sha256: sha256Hex(data), size: data.length }, st?.size === data.length ? st : undefined] : [null, undefined];
  });
  const stats: Record<string, StatId> = {};
  sorted.forEach((rel, i) => {
    const st = records[i][1];
    if (st) stats[rel] = st;
  });
  return { inputs: Object.fromEntries(sorted.map((rel, i) => [rel, records[i][0]])), stat: { at, inputs: stats } };
}

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
 * How long before the time of its hash a file must have last changed for its stat to be trusted: a file changed
 * again within the clock tick it was hashed in keeps its stat. File system clocks tick by a few ms (the kernel's
 * coarse clock), a second (HFS+, some network file systems) or two (FAT). A file changed later is hashed once more.
 */
export const RACY_MS = 3_000;

const settled = (st: StatId, at: number) => st.mtimeMs < at - RACY_MS && st.ctimeMs < at - RACY_MS;
const sameStat = (a: StatId, b: StatId) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

/** True when a file's stat is the recorded one, recorded (at `at`) long enough after the file last changed. */
export function statTrusted(recorded: StatId | undefined, now: StatId | undefined, at: number | undefined): boolean {
  return !!recorded && !!now && at !== undefined && sameStat(recorded, now) && settled(recorded, at);
}

/** The file system as the build check sees it (tests count what it reads). */
export interface CacheIo {
  /** `undefined` when there is no such file. */
  stat(file: string): Promise<{ isFile(): boolean; size: number; mtimeMs: number; ctimeMs: number; ino: number } | undefined>;
  readFile(file: string): Promise<Buffer>;
  /** sha256 (hex) of a file, streamed; `undefined` when it does not exist. */
  sha256File(file: string): Promise<string | undefined>;
}

export const nodeCacheIo: CacheIo = {
  // A stat at once: a check makes about five per function, each a few µs, which a promise through the thread
  // pool would make tens (the main thread's cost, measured on a 200-function fleet).
  stat: async (file) => statSync(file, { throwIfNoEntry: false }),
  readFile,
  sha256File: (file) => fileSha256(file),
};

/** A regular file's stat identity; `undefined` when there is none (or it is not a file). */
async function statOf(io: CacheIo, file: string): Promise<StatId | undefined> {
  const st = await io.stat(file).catch(() => undefined);
  return st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } : undefined;
}

/**
 * One build check's look at its inputs, by absolute path: what many functions bundle (a shared module, the
 * package.json and tsconfig.json files up the tree) is looked at once, not once per function (7 of the 11 inputs
 * of a function of a generated 200-function fleet are shared). Made anew for each build of the fleet.
 */
export interface InputMemo {
  /** `Date.now()` when made, before any file was looked at: the time of the stat records this check refreshes. */
  at: number;
  io: CacheIo;
  stats: Map<string, Promise<StatId | undefined>>;
  hashes: Map<string, Promise<string | undefined>>;
}

export const newInputMemo = (io: CacheIo = nodeCacheIo): InputMemo => ({ at: Date.now(), io, stats: new Map(), hashes: new Map() });

function memoized<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) map.set(key, (p = make()));
  return p;
}

/** What a check found of one file: the recorded content or not, its stat to keep, whether keeping it saves a read. */
export interface Look {
  same: boolean;
  stat?: StatId;
  refresh: boolean;
}

/**
 * Whether `abs` still has the content `want`: its recorded stat when trusted, else its size, then its hash.
 * A hash that confirms a file whose stat changed gives the stat to record (the stat was taken before the read).
 */
async function look(
  memo: InputMemo,
  abs: string,
  want: { sha256: string; size: number },
  recorded: StatId | undefined,
  at: number | undefined,
  hash: () => Promise<string | undefined>,
): Promise<Look> {
  const st = await memoized(memo.stats, abs, () => statOf(memo.io, abs));
  if (!st || st.size !== want.size) return { same: false, refresh: false };
  if (statTrusted(recorded, st, at)) return { same: true, stat: recorded, refresh: false };
  const same = (await memoized(memo.hashes, abs, hash)) === want.sha256;
  return { same, stat: st, refresh: same && settled(st, memo.at) };
}

/** A check of recorded files: all unchanged or not, the stats to record, and whether recording them saves reads. */
export interface Verdict {
  same: boolean;
  stats: Record<string, StatId>;
  refresh: boolean;
}

/**
 * Whether every recorded input still has the recorded content. A size change (or a file appearing or
 * disappearing) answers without reading, and so does a stat identical to the recorded one (see `statTrusted`);
 * otherwise the content hash decides, so a `touch` or a fresh clone with new mtimes is still a hit.
 */
export async function inputsUnchanged(root: string, manifest: BuildManifest, memo: InputMemo = newInputMemo()): Promise<Verdict> {
  const looks = await mapLimit(Object.entries(manifest.inputs), IO_CONCURRENCY, async ([rel, want]): Promise<Look> => {
    const abs = path.resolve(root, rel);
    if (!want) {
      const st = await memoized(memo.stats, abs, () => statOf(memo.io, abs));
      return { same: st === undefined, refresh: false };
    }
    const readHash = () =>
      memo.io.readFile(abs).then(sha256Hex, (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
        throw err;
      });
    return look(memo, abs, want, manifest.stat?.inputs[rel], manifest.stat?.at, readHash);
  });
  const stats: Record<string, StatId> = {};
  Object.keys(manifest.inputs).forEach((rel, i) => {
    const st = looks[i].stat;
    if (st) stats[rel] = st;
  });
  return { same: looks.every((l) => l.same), stats, refresh: looks.some((l) => l.refresh) };
}

/** Whether the recorded zip is the very bytes the manifest describes: its trusted stat, else its hash. */
export async function cachedZipValid(zipPath: string, manifest: BuildManifest, memo: InputMemo = newInputMemo()): Promise<Look> {
  const { size, sha256 } = manifest.artifact;
  return look(memo, zipPath, { size, sha256 }, manifest.stat?.zip, manifest.stat?.at, () => memo.io.sha256File(zipPath));
}

/**
 * True when the zip of `manifest` can be reused: its inputs (unless the caller compared them itself, having read
 * them anyway) and the zip itself unchanged. When hashes confirmed files whose stat changed, the manifest is
 * rewritten with their new stat, so that the next check trusts them without reading.
 */
export async function reusable(
  root: string,
  zipPath: string,
  manifest: BuildManifest,
  memo: InputMemo,
  opts: { checkInputs: boolean },
): Promise<boolean> {
  const inputs = opts.checkInputs ? await inputsUnchanged(root, manifest, memo) : undefined;
  if (inputs && !inputs.same) return false;
  const zip = await cachedZipValid(zipPath, manifest, memo);
  if (!zip.same) return false;
  if (inputs?.refresh || zip.refresh) {
    await refreshStat(path.dirname(zipPath), manifest, { at: memo.at, inputs: inputs?.stats ?? {}, zip: zip.stat });
  }
  return true;
}

/**
 * Rewrites the manifest with `stat`, unless another ops process has rewritten it since it was read (its build
 * stands). Only a shortcut for the next check: a manifest that cannot be written leaves the hit as it is.
 */
async function refreshStat(dir: string, manifest: BuildManifest, stat: StatRecord): Promise<void> {
  const build = (m: BuildManifest) => stableStringify({ ...m, stat: undefined });
  try {
    const current = await readManifest(dir);
    if (current && build(current) === build(manifest)) await writeManifest(dir, { ...manifest, stat });
  } catch {
    // a read-only checkout, say: the next check hashes again
  }
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
