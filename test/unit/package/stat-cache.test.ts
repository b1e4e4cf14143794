import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BuildManifest,
  type CacheIo,
  type InputMemo,
  newInputMemo,
  nodeCacheIo,
  RACY_MS,
  type StatId,
  statTrusted,
} from '../../../src/package/cache.js';
import { buildFunction } from '../../../src/package/index.js';
import { nodeFunction } from './builders.js';
import { cleanupTmp, copyFixture } from './helpers.js';

afterAll(cleanupTmp);

/** The real file system, listing every file the build check reads (by path relative to `root`). */
function countingIo(root: string, overrides: Partial<CacheIo> = {}): { io: CacheIo; reads: string[] } {
  const reads: string[] = [];
  const read = (f: string) => reads.push(path.relative(root, f));
  const io: CacheIo = {
    stat: (f) => nodeCacheIo.stat(f),
    readFile: (f) => {
      read(f);
      return nodeCacheIo.readFile(f);
    },
    sha256File: (f) => {
      read(f);
      return nodeCacheIo.sha256File(f);
    },
    ...overrides,
  };
  return { io, reads };
}

/** A check made `seconds` from now: what the test wrote before it has then long settled. */
const later = (io: CacheIo, seconds = 10): InputMemo => ({ ...newInputMemo(io), at: Date.now() + seconds * 1000 });

const manifestOf = async (root: string): Promise<BuildManifest> =>
  JSON.parse(await readFile(path.join(root, '.ops/build/greet/manifest.json'), 'utf8')) as BuildManifest;

/** A fixture project, built once, then checked once (later) so that every stat record is settled. */
async function settledBuild() {
  const root = await copyFixture('node-app');
  const fn = nodeFunction(root);
  const cold = await buildFunction(fn, { root });
  const { io, reads } = countingIo(root);
  const check = (memo: InputMemo = later(io)) => buildFunction(fn, { root, inputs: memo });
  // Just copied and just built: every file is too recent to trust, and each is hashed once more.
  expect((await check()).cached).toBe(true);
  expect(reads).toEqual(expect.arrayContaining(['src/lib/format.ts', '.ops/build/greet/greet.zip']));
  reads.length = 0;
  const lib = path.join(root, 'src/lib/format.ts');
  return { root, fn, cold, io, reads, check, lib };
}

describe('build check by stat (Node.js)', () => {
  it('trusts files whose stat is the recorded one, reading nothing and writing no manifest', async () => {
    const { root, check, reads } = await settledBuild();
    const manifestPath = path.join(root, '.ops/build/greet/manifest.json');
    const before = await stat(manifestPath);
    const first = await check();
    expect(first.cached).toBe(true);
    expect(reads).toEqual([]);
    // Not rewritten (a rewrite is a rename into place: another inode).
    expect((await stat(manifestPath)).ino).toBe(before.ino);
    expect((await stat(manifestPath)).mtimeMs).toBe(before.mtimeMs);
    const m = await manifestOf(root);
    expect(Object.keys(m.stat?.inputs ?? {})).toEqual(Object.keys(m.inputs).filter((k) => m.inputs[k] !== null));
  });

  it('reads a touched but unchanged file once (a hit by its hash), then trusts its new stat', async () => {
    const { root, check, reads, lib } = await settledBuild();
    await utimes(lib, new Date(), new Date());
    expect((await check()).cached).toBe(true);
    expect(reads).toEqual(['src/lib/format.ts']);
    expect((await manifestOf(root)).stat?.inputs['src/lib/format.ts']?.mtimeMs).toBe((await stat(lib)).mtimeMs);
    reads.length = 0;
    expect((await check()).cached).toBe(true);
    expect(reads).toEqual([]);
  });

  it('sees an edit that keeps the size and puts the mtime back (utimes): the ctime moved', async () => {
    const { cold, check, reads, lib } = await settledBuild();
    const mtime = new Date('2024-01-02T03:04:05Z');
    await utimes(lib, mtime, mtime);
    expect((await check()).cached).toBe(true);
    reads.length = 0;
    const recorded = await stat(lib);
    // The clock this test fakes (a check 10 s on) is not the file system's: let its tick pass.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(lib, (await readFile(lib, 'utf8')).replace('hello, ', 'HELLO, '));
    await utimes(lib, mtime, mtime);
    const edited = await stat(lib);
    expect([edited.size, edited.mtimeMs, edited.ino]).toEqual([recorded.size, recorded.mtimeMs, recorded.ino]);
    expect(edited.ctimeMs).not.toBe(recorded.ctimeMs);
    const rebuilt = await check();
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.sha256).not.toBe(cold.sha256);
  });

  it('reads a file recorded within the racy window even when its stat is unchanged', async () => {
    const root = await copyFixture('node-app');
    const fn = nodeFunction(root);
    const cold = await buildFunction(fn, { root });
    const lib = path.join(root, 'src/lib/format.ts');
    const recorded = (await manifestOf(root)).stat?.inputs['src/lib/format.ts'] as StatId;
    expect(recorded.mtimeMs).toBeGreaterThan((await manifestOf(root)).stat!.at - RACY_MS);
    // Written again in the clock tick it was hashed in: same size, and a stat that says nothing moved.
    await writeFile(lib, (await readFile(lib, 'utf8')).replace('hello, ', 'HELLO, '));
    const sameTick: CacheIo['stat'] = async (f) => {
      const st = await nodeCacheIo.stat(f);
      return f === lib ? { isFile: () => true, ...recorded } : st;
    };
    const { io, reads } = countingIo(root, { stat: sameTick });
    const rebuilt = await buildFunction(fn, { root, inputs: newInputMemo(io) });
    expect(reads).toContain('src/lib/format.ts');
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.sha256).not.toBe(cold.sha256);
  });

  it('misses when the zip is rewritten in place with the same size, even with its mtime put back', async () => {
    const { cold, check, reads } = await settledBuild();
    expect((await check()).cached).toBe(true);
    expect(reads).toEqual([]);
    const zip = await stat(cold.zipPath);
    const bytes = await readFile(cold.zipPath);
    bytes[bytes.length - 30] ^= 0xff;
    await writeFile(cold.zipPath, bytes);
    await utimes(cold.zipPath, zip.atime, zip.mtime);
    expect((await stat(cold.zipPath)).ino).toBe(zip.ino);
    const repaired = await check();
    expect(repaired).toMatchObject({ cached: false, sha256: cold.sha256 });
  });

  it('reads every file of a manifest without stat records (the format before them), then records them', async () => {
    const { root, check, reads } = await settledBuild();
    const manifestPath = path.join(root, '.ops/build/greet/manifest.json');
    const { stat: _dropped, ...older } = await manifestOf(root);
    await writeFile(manifestPath, `${JSON.stringify(older, null, 2)}\n`);
    expect((await check()).cached).toBe(true);
    expect(reads).toEqual(expect.arrayContaining(['src/lib/format.ts', 'package.json', '.ops/build/greet/greet.zip']));
    expect((await manifestOf(root)).stat).toBeDefined();
    reads.length = 0;
    expect((await check()).cached).toBe(true);
    expect(reads).toEqual([]);
  });

  it('keeps a manifest another ops process wrote while this one checked', async () => {
    const { root, check } = await settledBuild();
    const manifestPath = path.join(root, '.ops/build/greet/manifest.json');
    const theirs = { ...(await manifestOf(root)), notes: ['built by the other process'] };
    const { io } = countingIo(root, {
      // The other process's build lands while this check hashes the zip.
      sha256File: async (f) => {
        const sha = await nodeCacheIo.sha256File(f);
        await writeFile(manifestPath, JSON.stringify(theirs));
        return sha;
      },
    });
    // No stat records: every file is hashed, and the records would be written.
    await writeFile(manifestPath, JSON.stringify({ ...(await manifestOf(root)), stat: undefined }));
    expect((await check(later(io))).cached).toBe(true);
    expect(await manifestOf(root)).toEqual(theirs);
  });
});

describe('statTrusted', () => {
  const at = 1_700_000_000_000;
  const old: StatId = { size: 10, mtimeMs: at - 60_000, ctimeMs: at - 60_000, ino: 7 };
  it.each<[string, StatId | undefined, StatId | undefined, number | undefined, boolean]>([
    ['the recorded stat, settled', old, old, at, true],
    ['no record (a manifest from before)', undefined, old, undefined, false],
    ['another size', old, { ...old, size: 11 }, at, false],
    ['another mtime', old, { ...old, mtimeMs: old.mtimeMs + 1 }, at, false],
    ['another ctime (utimes put the mtime back)', old, { ...old, ctimeMs: old.ctimeMs + 1 }, at, false],
    ['another inode (replaced by a rename)', old, { ...old, ino: 8 }, at, false],
    ['modified within the racy window before the record', { ...old, mtimeMs: at - 1 }, { ...old, mtimeMs: at - 1 }, at, false],
    ['changed (ctime) within the racy window', { ...old, ctimeMs: at - 1 }, { ...old, ctimeMs: at - 1 }, at, false],
    ['an mtime in the future', { ...old, mtimeMs: at + 60_000 }, { ...old, mtimeMs: at + 60_000 }, at, false],
  ])('%s', (_what, recorded, now, recordedAt, trusted) => {
    expect(statTrusted(recorded, now, recordedAt)).toBe(trusted);
  });
});
