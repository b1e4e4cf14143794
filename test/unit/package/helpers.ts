import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { execa } from 'execa';
import { ESM_REQUIRE_BANNER } from '../../../src/package/index.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/build');

const made: string[] = [];

export async function tmpDir(prefix = 'ops-build-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory `tmpDir` made (call from afterAll). */
export async function cleanupTmp(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Links the repo's node_modules into `dir`, as an installed project would have them. */
export async function linkNodeModules(dir: string): Promise<void> {
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** A fresh copy of a fixture project in a temp dir (tests edit it and write .ops/ into it). */
export async function copyFixture(name: 'node-app' | 'python-app'): Promise<string> {
  const root = await tmpDir(`ops-${name}-`);
  await cp(path.join(FIXTURES, name), root, { recursive: true });
  if (name === 'node-app') await linkNodeModules(root);
  return root;
}

export async function unzip(zipPath: string, dest: string): Promise<void> {
  await execa('unzip', ['-o', '-q', zipPath, '-d', dest]);
}

/** Entry names in zip order. */
export async function zipNames(zipPath: string): Promise<string[]> {
  const { stdout } = await execa('unzip', ['-Z1', zipPath]);
  return stdout.split('\n').filter(Boolean);
}

/**
 * Bundles a small TypeScript program that imports src/package into `<dir>/<name>.mjs`, so tests can run
 * it in a child process (a fresh TZ, say). Packages stay external and resolve through a node_modules link.
 */
export async function bundleProgram(dir: string, name: string, contents: string): Promise<string> {
  const outfile = path.join(dir, `${name}.mjs`);
  await build({
    stdin: { contents, resolveDir: path.join(REPO, 'test/unit/package'), sourcefile: `${name}.ts`, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'silent',
  });
  return outfile;
}

/** Writes a file, creating its directory. */
export async function put(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}
