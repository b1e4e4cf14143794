import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractZip } from './zip.js';

export interface PrepareCodeDirOptions {
  /** The packaged function (the artifact ops deploys). */
  zipPath: string;
  /**
   * Where extracted code is cached: `<project>/.ops/run`. It must sit inside the project: Lambda ships
   * `@aws-sdk/*`, the zip leaves it out, and Node resolves it by walking up to `<project>/node_modules`.
   */
  runDir: string;
  /** Function key (`tasks-api`): the directory is `<runDir>/<key>-<sha8>`. */
  key: string;
  /** Extractions of other zips of the same key to keep besides this one (default 1, for a worker still on it). */
  keepPrevious?: number;
}

export interface CodeDir {
  codeDir: string;
  /** Hex sha256 of the zip. */
  sha256: string;
  /** False when this call extracted the zip. */
  cached: boolean;
}

// Without it a handler's `index.js` would be read as ESM: Node takes the module type from the nearest
// package.json, which would be the project's ("type": "module"). In Lambda /var/task has none.
const SCOPE_PACKAGE_JSON = `${JSON.stringify(
  { private: true, type: 'commonjs', description: 'Written by ops: local invokes run code extracted here like Lambda does.' },
  null,
  2,
)}\n`;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Extracts a function zip once per content: `<runDir>/<key>-<sha8>/`, reused while the zip is
 * unchanged. Extraction goes to a temporary sibling renamed into place, so a half-written directory
 * is never mistaken for a cached one and concurrent runs do not collide.
 */
export async function prepareCodeDir(opts: PrepareCodeDirOptions): Promise<CodeDir> {
  const runDir = path.resolve(opts.runDir);
  const sha256 = await sha256File(opts.zipPath);
  await mkdir(runDir, { recursive: true });
  const scope = path.join(runDir, 'package.json');
  if (!(await exists(scope))) await writeFile(scope, SCOPE_PACKAGE_JSON);
  const { dir, cached } = await extractOnce(runDir, opts.key, sha256, opts.keepPrevious ?? 1, (into) => extractZip(opts.zipPath, into));
  return { codeDir: dir, sha256, cached };
}

export interface PrepareLayersDirOptions {
  /** The function's layer zips, in the function's layer order. */
  zipPaths: readonly string[];
  /** `<project>/.ops/run`: the directory is `<runDir>/opt/<key>-<sha8>`. */
  runDir: string;
  /** Function key: one directory per function and set of layer zips. */
  key: string;
}

/**
 * What Lambda mounts at /opt for a function: its layer zips extracted into one directory in order,
 * a later layer's file replacing an earlier one's. Cached like code directories, by the zips' content.
 */
export async function prepareLayersDir(opts: PrepareLayersDirOptions): Promise<CodeDir> {
  const shas = await Promise.all(opts.zipPaths.map(sha256File));
  const sha256 = createHash('sha256').update(shas.join('\n')).digest('hex');
  // Under opt/ so that a function named `opt-x` never meets another function's layers.
  const optRoot = path.join(path.resolve(opts.runDir), 'opt');
  await mkdir(optRoot, { recursive: true });
  const { dir, cached } = await extractOnce(optRoot, opts.key, sha256, 1, async (into) => {
    for (const zip of opts.zipPaths) await extractZip(zip, into, { overwrite: true });
  });
  return { codeDir: dir, sha256, cached };
}

/** `<parent>/<key>-<sha8>/`, filled by `extract` unless it is already there; older ones of the key pruned. */
async function extractOnce(
  parent: string,
  key: string,
  sha256: string,
  keepPrevious: number,
  extract: (into: string) => Promise<void>,
): Promise<{ dir: string; cached: boolean }> {
  const name = `${key}-${sha256.slice(0, 8)}`;
  const dir = path.join(parent, name);
  if (await exists(dir)) return { dir, cached: true };
  const temporary = path.join(parent, `.tmp-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await extract(temporary);
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another run extracted the same content first: theirs is as good as ours.
    if (!(await exists(dir))) throw error;
    return { dir, cached: true };
  }
  await prunePrevious(parent, key, name, keepPrevious);
  return { dir, cached: false };
}

async function prunePrevious(runDir: string, key: string, current: string, keep: number): Promise<void> {
  const pattern = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{8}$`);
  const others = (await readdir(runDir)).filter((entry) => entry !== current && pattern.test(entry));
  const dated = await Promise.all(others.map(async (entry) => ({ entry, mtime: (await stat(path.join(runDir, entry))).mtimeMs })));
  dated.sort((a, b) => b.mtime - a.mtime);
  for (const { entry } of dated.slice(keep)) {
    await rm(path.join(runDir, entry), { recursive: true, force: true });
  }
}

/**
 * Lambda's Node runtimes ship `@aws-sdk/*` and the zip leaves it out. When the project has no copy
 * of its own (a fleet with no package.json), local runs get ops's own: `<runDir>/node_modules/@aws-sdk`
 * links to the SDK ops is installed with, and Node resolves its dependencies from there. A project's
 * own copy always wins (it is not shadowed: the link is made only when there is none).
 */
export async function provideAwsSdk(runDir: string, projectRoot: string, sdkDir: string | undefined): Promise<void> {
  if (!sdkDir) return;
  const { existsSync } = await import('node:fs');
  const { symlink } = await import('node:fs/promises');
  if (existsSync(path.join(projectRoot, 'node_modules', '@aws-sdk'))) return;
  const link = path.join(runDir, 'node_modules', '@aws-sdk');
  if (existsSync(link)) return;
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(sdkDir, link, 'dir').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
