import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDeterministicZip, ZIP_DATE, type ZipEntry } from '../../../src/package/index.js';
import { normalizeEntries, unzippedSize } from '../../../src/package/zip.js';
import { bundleProgram, cleanupTmp, linkNodeModules, tmpDir, unzip, zipNames } from './helpers.js';

const entries: ZipEntry[] = [
  { path: 'lib/util.py', data: 'def f():\n    return 1\n' },
  { path: 'index.mjs', data: Buffer.from('export const handler = async () => 42;\n') },
  { path: 'bin/run', data: '#!/bin/sh\necho hi\n', mode: 0o775 },
  { path: 'Zeta.txt', data: 'upper case sorts first in byte order\n' },
  { path: 'data/blob.bin', data: Buffer.alloc(4096, 7) },
];

let dir: string;
beforeAll(async () => {
  dir = await tmpDir('ops-zip-');
});
afterAll(cleanupTmp);

describe('writeDeterministicZip', () => {
  it('writes sorted entries and reports sha256 (hex), CodeSha256 (base64) and size of the bytes on disk', async () => {
    const zipPath = path.join(dir, 'a.zip');
    const result = await writeDeterministicZip(entries, zipPath);
    const bytes = await readFile(zipPath);
    const digest = createHash('sha256').update(bytes).digest();
    expect(result).toEqual({ sha256: digest.toString('hex'), codeSha256: digest.toString('base64'), size: bytes.length });
    expect(await zipNames(zipPath)).toEqual(['Zeta.txt', 'bin/run', 'data/blob.bin', 'index.mjs', 'lib/util.py']);
  });

  it('gives the same bytes whatever the order entries come in', async () => {
    const a = await writeDeterministicZip(entries, path.join(dir, 'order-a.zip'));
    const b = await writeDeterministicZip([...entries].reverse(), path.join(dir, 'order-b.zip'));
    expect(b.sha256).toBe(a.sha256);
  });

  it('changes when a byte of content changes', async () => {
    const a = await writeDeterministicZip(entries, path.join(dir, 'c1.zip'));
    const changed = entries.map((e) => (e.path === 'index.mjs' ? { ...e, data: 'export const handler = async () => 43;\n' } : e));
    expect((await writeDeterministicZip(changed, path.join(dir, 'c2.zip'))).sha256).not.toBe(a.sha256);
  });

  it('stores a fixed date and fixed modes: 644, or 755 for executables', async () => {
    const zipPath = path.join(dir, 'modes.zip');
    await writeDeterministicZip(entries, zipPath);
    const { stdout } = await execa('unzip', ['-Z', '-l', zipPath]);
    const lines = stdout.split('\n').filter((l) => /^-/.test(l));
    expect(lines).toHaveLength(entries.length);
    for (const line of lines) {
      expect(line).toMatch(line.endsWith('bin/run') ? /^-rwxr-xr-x/ : /^-rw-r--r--/);
      expect(line).toMatch(/ 00-Jan-01 00:00 /);
    }
    expect(ZIP_DATE.toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  it('round-trips through unzip', async () => {
    const zipPath = path.join(dir, 'round.zip');
    await writeDeterministicZip(entries, zipPath);
    const out = path.join(dir, 'round');
    await unzip(zipPath, out);
    for (const e of entries) expect(await readFile(path.join(out, e.path))).toEqual(Buffer.from(e.data));
  });

  it('refuses duplicate, absolute and parent-relative paths', () => {
    expect(() =>
      normalizeEntries([
        { path: 'a', data: '' },
        { path: './a', data: '' },
      ]),
    ).toThrow(/duplicate/);
    expect(() => normalizeEntries([{ path: '/etc/passwd', data: '' }])).toThrow(/invalid/);
    expect(() => normalizeEntries([{ path: 'a/../../b', data: '' }])).toThrow(/invalid/);
    expect(
      unzippedSize([
        { path: 'a', data: 'é' },
        { path: 'b', data: Buffer.alloc(3) },
      ]),
    ).toBe(5);
  });

  it('gives the same sha256 in every time zone (fresh processes, since TZ is read at start)', async () => {
    const work = await tmpDir('ops-zip-tz-');
    await linkNodeModules(work);
    const program = await bundleProgram(
      work,
      'zip-tz',
      `import { writeDeterministicZip } from '../../../src/package/zip.js';
       const [zipPath] = process.argv.slice(2);
       const entries = JSON.parse(process.env.ENTRIES ?? '[]');
       const r = await writeDeterministicZip(entries, zipPath);
       console.log(JSON.stringify({ ...r, offset: new Date(2000, 0, 1).getTimezoneOffset() }));`,
    );
    const plain = entries.map((e) => ({ ...e, data: Buffer.from(e.data).toString('latin1') }));
    const zones = ['UTC', 'Asia/Tokyo', 'America/Los_Angeles'];
    const results = await Promise.all(
      zones.map(async (TZ) => {
        const { stdout } = await execa('node', [program, path.join(work, `${TZ.replace('/', '-')}.zip`)], {
          env: { TZ, ENTRIES: JSON.stringify(plain) },
        });
        return JSON.parse(stdout) as { sha256: string; offset: number };
      }),
    );
    expect(results.map((r) => r.offset)).toEqual([0, -540, 480]); // the zones really differ
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
  });
});
