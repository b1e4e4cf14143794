import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { temporaryBeside } from './files.js';

/** One file of a zip: a forward-slash path relative to the zip root. */
export interface ZipEntry {
  path: string;
  data: Buffer | string;
  /** Unix permission bits; 0o644 unless the file is executable (then 0o755). */
  mode?: number;
}

export interface ZipResult {
  /** sha256 of the zip bytes, hex. */
  sha256: string;
  /** The same digest in base64: what Lambda reports as `CodeSha256`. */
  codeSha256: string;
  /** Zip size in bytes. */
  size: number;
}

/**
 * Every entry gets this timestamp. compress-commons 7 encodes the DOS date with UTC getters
 * (`forceLocalTime: false`), so the bytes do not depend on the builder's time zone.
 * 1980-01-01 is the earliest DOS date; some unzip tools warn on it, 2000-01-01 is safe everywhere.
 */
export const ZIP_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/**
 * zlib level 6 (zlib's default, fixed here): within about 1% of level 9 on bundles and
 * site-packages, and much faster on large dependency trees. Changing it changes every CodeSha256.
 */
export const ZIP_COMPRESSION_LEVEL = 6;

const FILE_MODE = 0o644;
const EXEC_MODE = 0o755;

/** Normalized, sorted entries; throws on absolute, parent-relative or duplicate paths (a bug upstream). */
export function normalizeEntries(entries: readonly ZipEntry[]): Required<ZipEntry>[] {
  const seen = new Set<string>();
  const out = entries.map((e) => {
    const p = e.path.split(path.sep).join('/').replace(/^\.\//, '');
    if (p === '' || p.startsWith('/') || p.split('/').includes('..') || p.endsWith('/')) {
      throw new Error(`invalid zip entry path: ${JSON.stringify(e.path)}`);
    }
    if (seen.has(p)) throw new Error(`duplicate zip entry: ${p}`);
    seen.add(p);
    return { path: p, data: e.data, mode: (e.mode ?? FILE_MODE) & 0o111 ? EXEC_MODE : FILE_MODE };
  });
  // Byte order, not locale order: the same on every machine.
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Sum of the uncompressed entry sizes, in bytes. */
export function unzippedSize(entries: readonly ZipEntry[]): number {
  return entries.reduce((n, e) => n + (typeof e.data === 'string' ? Buffer.byteLength(e.data) : e.data.length), 0);
}

/**
 * Writes a zip whose bytes depend only on the entries: sorted paths, one fixed date, fixed modes,
 * fixed compression, no directory entries. Written to a temporary file and renamed into place,
 * so a crash never leaves a half-written zip at `zipPath`.
 */
export async function writeDeterministicZip(entries: readonly ZipEntry[], zipPath: string): Promise<ZipResult> {
  const sorted = normalizeEntries(entries);
  await mkdir(path.dirname(zipPath), { recursive: true });
  const tmp = temporaryBeside(zipPath);

  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });

  // archiver (and its streams, ~270 KB) loads only when a zip is written: a deploy that reuses every zip never needs it.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: ZIP_COMPRESSION_LEVEL }, forceLocalTime: false });
  try {
    const written = pipeline(archive, tap, createWriteStream(tmp));
    // Buffers appended in order go through archiver's queue one at a time, in that order.
    for (const e of sorted) {
      const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
      archive.append(data, { name: e.path, date: ZIP_DATE, mode: e.mode });
    }
    await Promise.all([archive.finalize(), written]);
    await rename(tmp, zipPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const digest = hash.digest();
  return { sha256: digest.toString('hex'), codeSha256: digest.toString('base64'), size };
}
