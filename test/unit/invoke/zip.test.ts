import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { extractZip, invokeOnce, prepareCodeDir, prepareLayersDir, readCentralDirectory } from '../../../src/invoke/local/index.js';
import { fixtures } from './helpers.js';

const projectRoot = path.resolve(fixtures, '../../..');
let work: string;
let runDir: string;

/** Zips `files` (path → content, `@link:` for a symlink) with the `zip` CLI, the way a user's tooling would. */
async function zipOf(name: string, files: Record<string, string>, modes: Record<string, number> = {}): Promise<string> {
  const source = path.join(work, `${name}-src`);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(source, file);
    await mkdir(path.dirname(target), { recursive: true });
    if (content.startsWith('@link:')) await execa('ln', ['-s', content.slice('@link:'.length), target]);
    else await writeFile(target, content, { mode: modes[file] ?? 0o644 });
  }
  const zipPath = path.join(work, `${name}.zip`);
  await execa('zip', ['-q', '-r', '-y', zipPath, '.'], { cwd: source });
  return zipPath;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ops-invoke-zip-'));
  // Inside the project, like `.ops/run`, so `@aws-sdk/*` resolves from the project's node_modules.
  runDir = path.join(projectRoot, '.ops', `test-run-${process.pid}-${randomBytes(3).toString('hex')}`);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(runDir, { recursive: true, force: true });
});

describe('extractZip', () => {
  test('extracts files, directories, modes and symlinks from a zip made by the zip CLI', async () => {
    const zipPath = await zipOf(
      'app',
      {
        'index.js': 'exports.handler = async () => 1;\n',
        'lib/util.js': 'module.exports = 2;\n',
        'bin/tool': '#!/bin/sh\necho hi\n',
        'lib/alias.js': '@link:util.js',
        'data/ünïcode.json': '{"ok":true}\n',
      },
      { 'bin/tool': 0o755 },
    );
    const into = path.join(work, 'out');
    await extractZip(zipPath, into);
    expect(await readFile(path.join(into, 'lib/util.js'), 'utf8')).toBe('module.exports = 2;\n');
    expect(await readFile(path.join(into, 'data/ünïcode.json'), 'utf8')).toBe('{"ok":true}\n');
    expect((await stat(path.join(into, 'bin/tool'))).mode & 0o777).toBe(0o755);
    expect((await stat(path.join(into, 'index.js'))).mode & 0o777).toBe(0o644);
    expect((await lstat(path.join(into, 'lib/alias.js'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(into, 'lib/alias.js'))).toBe('util.js');
  });

  test('refuses entries and links that escape the target directory', async () => {
    const evil = path.join(work, 'evil.zip');
    const script = `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('../evil.txt', 'x')\nz.close()`;
    await execa('python3', ['-c', script, evil]);
    await expect(extractZip(evil, path.join(work, 'evil-out'))).rejects.toThrow(/outside the extraction directory/);

    const link = await zipOf('link', { escape: '@link:../../etc' });
    await expect(extractZip(link, path.join(work, 'link-out'))).rejects.toThrow(/outside the extraction directory/);
  });

  test('reports a file that is not a zip', async () => {
    const notZip = path.join(work, 'not.zip');
    await writeFile(notZip, 'plain text');
    expect(() => readCentralDirectory(Buffer.from('plain text'))).toThrow(/not a readable zip/);
    await expect(extractZip(notZip, path.join(work, 'x'))).rejects.toThrow(/no end of central directory/);
  });
});

describe('prepareLayersDir', () => {
  test('extracts the layers into one directory in order, a later file (or link) replacing an earlier one, once per content', async () => {
    const a = await zipOf('layer-a', {
      'python/pkg/a.py': 'A = 1\n',
      'python/which.py': 'W = "a"\n',
      'bin/tool': '@link:../python/which.py',
    });
    const b = await zipOf('layer-b', { 'python/pkg/b.py': 'B = 2\n', 'python/which.py': 'W = "b"\n', 'bin/tool': 'plain file\n' });
    const opt = await prepareLayersDir({ zipPaths: [a, b], runDir, key: 'worker' });
    expect(opt.cached).toBe(false);
    expect(path.relative(runDir, opt.codeDir)).toBe(path.join('opt', `worker-${opt.sha256.slice(0, 8)}`));
    expect(await readFile(path.join(opt.codeDir, 'python/which.py'), 'utf8')).toBe('W = "b"\n');
    expect((await readdir(path.join(opt.codeDir, 'python/pkg'))).sort()).toEqual(['a.py', 'b.py']);
    expect((await lstat(path.join(opt.codeDir, 'bin/tool'))).isSymbolicLink()).toBe(false);
    expect(await prepareLayersDir({ zipPaths: [a, b], runDir, key: 'worker' })).toEqual({ ...opt, cached: true });

    const reversed = await prepareLayersDir({ zipPaths: [b, a], runDir, key: 'worker' });
    expect(reversed.codeDir).not.toBe(opt.codeDir);
    expect(await readFile(path.join(reversed.codeDir, 'python/which.py'), 'utf8')).toBe('W = "a"\n');
  });
});

describe('prepareCodeDir', () => {
  test('extracts once per zip content under <runDir>/<key>-<sha8> and prunes old extractions', async () => {
    const v1 = await zipOf('v1', { 'index.js': 'exports.handler = async () => "v1";\n' });
    const first = await prepareCodeDir({ zipPath: v1, runDir, key: 'tasks-api' });
    expect(first.cached).toBe(false);
    expect(path.basename(first.codeDir)).toBe(`tasks-api-${first.sha256.slice(0, 8)}`);
    expect(await prepareCodeDir({ zipPath: v1, runDir, key: 'tasks-api' })).toEqual({ ...first, cached: true });

    const v2 = await zipOf('v2', { 'index.js': 'exports.handler = async () => "v2";\n' });
    const v3 = await zipOf('v3', { 'index.js': 'exports.handler = async () => "v3";\n' });
    await prepareCodeDir({ zipPath: v2, runDir, key: 'tasks-api' });
    const third = await prepareCodeDir({ zipPath: v3, runDir, key: 'tasks-api' });
    const left = (await readdir(runDir)).filter((entry) => entry.startsWith('tasks-api-')).sort();
    expect(left).toHaveLength(2);
    expect(left).toContain(path.basename(third.codeDir));
    expect(left).not.toContain(path.basename(first.codeDir));
  });

  test('runs a CommonJS handler from the zip, resolving @aws-sdk from the project like Lambda’s runtime', async () => {
    const zipPath = await zipOf('sdk', {
      'index.js': [
        "const { STSClient } = require('@aws-sdk/client-sts');",
        'exports.handler = async () => ({ client: typeof STSClient, cjs: typeof module });',
        '',
      ].join('\n'),
    });
    const { codeDir } = await prepareCodeDir({ zipPath, runDir, key: 'sdk' });
    const result = await invokeOnce(
      { codeDir, runtime: 'nodejs22.x', handler: 'index.handler', functionName: 'sdk', memoryMB: 256, timeoutSec: 10, env: {} },
      { event: {} },
    );
    expect(result).toMatchObject({ ok: true, result: { client: 'function', cjs: 'object' } });
  });
});
