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
  const name = `${opts.key}-${sha256.slice(0, 8)}`;
  const codeDir = path.join(runDir, name);
  await mkdir(runDir, { recursive: true });
  const scope = path.join(runDir, 'package.json');
  if (!(await exists(scope))) await writeFile(scope, SCOPE_PACKAGE_JSON);
  if (await exists(codeDir)) return { codeDir, sha256, cached: true };

  const temporary = path.join(runDir, `.tmp-${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await extractZip(opts.zipPath, temporary);
    await rename(temporary, codeDir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another run extracted the same zip first: theirs is as good as ours.
    if (!(await exists(codeDir))) throw error;
    return { codeDir, sha256, cached: true };
  }
  await prunePrevious(runDir, opts.key, name, opts.keepPrevious ?? 1);
  return { codeDir, sha256, cached: false };
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
