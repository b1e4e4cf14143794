import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A temporary name beside `file`, unique to this call: two runs in one directory (two processes, or two
 * in one process as the tests run them) never write the same temporary file.
 */
export const temporaryBeside = (file: string) => `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;

/** Writes `file` whole or not at all: a temporary file renamed into place. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporaryBeside(file);
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file found by `walkFiles`: its path relative to the walked directory (forward slashes). */
export interface WalkedFile {
  rel: string;
  abs: string;
  size: number;
  executable: boolean;
}

/** Decides whether a directory entry is skipped; `rel` is relative to the walk root, with forward slashes. */
export type SkipFn = (name: string, rel: string, isDir: boolean) => boolean;

/**
 * Every regular file under `dir`, sorted by relative path. Symlinked files are followed;
 * symlinked directories are skipped (no loops, and the zip holds no links).
 */
export async function walkFiles(dir: string, skip: SkipFn): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  async function visit(abs: string, rel: string): Promise<void> {
    const entries = await readdir(abs, { withFileTypes: true });
    for (const ent of entries) {
      const childAbs = path.join(abs, ent.name);
      const childRel = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (!skip(ent.name, childRel, true)) await visit(childAbs, childRel);
        continue;
      }
      if (!ent.isFile() && !ent.isSymbolicLink()) continue;
      const st = await stat(childAbs).catch(() => undefined);
      if (!st?.isFile() || skip(ent.name, childRel, false)) continue;
      out.push({ rel: childRel, abs: childAbs, size: st.size, executable: (st.mode & 0o111) !== 0 });
    }
  }
  await visit(dir, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Reads a file, or `undefined` when it does not exist. */
export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** `a/b` relative path with forward slashes, whatever the platform. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
