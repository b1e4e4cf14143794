import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { existingPaths, writeNewFiles } from '../../../src/scaffold/write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ops-scaffold-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tree = (d = dir): string[] =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

describe('writeNewFiles', () => {
  it('creates files and their directories', async () => {
    const written = await writeNewFiles(dir, [
      { path: 'a.txt', contents: 'A' },
      { path: 'src/functions/x/handler.ts', contents: 'X' },
    ]);
    expect(written).toEqual(['a.txt', 'src/functions/x/handler.ts']);
    expect(readFileSync(path.join(dir, 'src/functions/x/handler.ts'), 'utf8')).toBe('X');
  });

  it('writes nothing when any target exists, and names every one', async () => {
    writeFileSync(path.join(dir, 'b.txt'), 'mine');
    symlinkSync(path.join(dir, 'missing'), path.join(dir, 'c.txt'));
    const err = await writeNewFiles(dir, [
      { path: 'a.txt', contents: 'A' },
      { path: 'b.txt', contents: 'B' },
      { path: 'c.txt', contents: 'C' },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('refusing to overwrite b.txt, c.txt');
    expect(tree()).toEqual(['b.txt', 'c.txt']);
    expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('mine');
  });

  it('counts a path under an existing file as taken', () => {
    writeFileSync(path.join(dir, 'src'), '');
    expect(existingPaths(dir, ['src/x.ts', 'y.ts'])).toEqual(['src/x.ts']);
  });

  it('removes what it created when a write fails part-way', async () => {
    mkdirSync(path.join(dir, 'keep'));
    // The same path twice: the second exclusive create fails after the first succeeded.
    const err = await writeNewFiles(dir, [
      { path: 'keep/new/a.txt', contents: 'A' },
      { path: 'keep/new/a.txt', contents: 'again' },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(tree()).toEqual(['keep']);
  });
});
