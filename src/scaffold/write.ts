import { lstatSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { FileToWrite } from './plan.js';

function exists(p: string): boolean {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    // A parent is a file: the path cannot be created, so it counts as taken.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return true;
    throw err;
  }
}

/** The planned paths (relative, as given) that already exist under `root`, dangling symlinks included. */
export function existingPaths(root: string, paths: string[]): string[] {
  return paths.filter((p) => exists(path.join(root, p)));
}

/**
 * Writes every file or none: all targets are checked before the first write, each file is
 * created exclusively (`wx`), and a failure part-way removes what this call created.
 * Returns the relative paths written.
 */
export async function writeNewFiles(root: string, files: FileToWrite[], opts: { hint?: string } = {}): Promise<string[]> {
  const taken = existingPaths(
    root,
    files.map((f) => f.path),
  );
  if (taken.length) {
    throw new UserError(`refusing to overwrite ${taken.join(', ')}`, { hint: opts.hint ?? 'move or remove those files and run again' });
  }
  const newDirs = new Set<string>();
  for (const f of files) {
    for (let d = path.dirname(path.join(root, f.path)); !exists(d) && d !== path.dirname(d); d = path.dirname(d)) newDirs.add(d);
  }
  const written: string[] = [];
  try {
    for (const f of files) {
      const abs = path.join(root, f.path);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, f.contents, { flag: 'wx' });
      written.push(abs);
    }
  } catch (err) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    // Deepest first; rmdir only removes directories that are still empty.
    for (const d of [...newDirs].sort((a, b) => b.length - a.length)) await rmdir(d).catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UserError(
        `refusing to overwrite ${path.relative(root, (err as NodeJS.ErrnoException).path ?? '')}: it appeared while writing`,
      );
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR' || code === 'EROFS') {
      throw new UserError(`cannot write into ${root}: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  return files.map((f) => f.path);
}
