import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { hashInputs, type InputRecord } from './cache.js';
import { isInside, readIfExists, type SkipFn, sha256Hex, toPosix, type WalkedFile, walkFiles } from './files.js';
import { pythonHandlerProblem } from './python-handler.js';
import {
  indexRequirementsText,
  lambdaPlatforms,
  needsIndexInstall,
  pipIndexArgs,
  pipLocalArgs,
  planRequirements,
  pythonVersion,
  type RequirementsPlan,
} from './requirements.js';
import { mayMatchUnder, selectFiles } from './select.js';
import type { ZipEntry } from './zip.js';

const SKIP_ANYWHERE = new Set(['__pycache__', 'node_modules', '.venv', 'venv']);
// Only at the top of the function directory: `events/` holds sample payloads, but a package may have an `events` module.
const SKIP_TOP = new Set(['tests', 'events']);

/** What is left out when the function directory is copied into the zip. */
export function skipPythonSource(name: string, rel: string, isDir: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (isDir) return SKIP_ANYWHERE.has(name) || (!rel.includes('/') && SKIP_TOP.has(name));
  return name.endsWith('.pyc') || name.endsWith('.pyo');
}

/** Left out of a local package before building it (and of its build inputs): build leftovers are not sources. */
export const skipLocalPackage: SkipFn = (name, rel, isDir) =>
  skipPythonSource(name, rel, isDir) || (isDir && (name === 'build' || name === 'dist' || name.endsWith('.egg-info')));

/**
 * Left out of pip's target directory: bytecode, console scripts (their shebang is the builder's
 * python), and the dist-info files that name the builder's temporary paths (direct_url.json) or
 * hash them (RECORD). Without these the output is the same on every build.
 */
export function skipInstalled(name: string, rel: string, isDir: boolean): boolean {
  if (isDir) return name === '__pycache__' || rel === 'bin';
  if (name.endsWith('.pyc')) return true;
  return /\.dist-info\/(RECORD|direct_url\.json)$/.test(rel);
}

export interface PythonSources {
  /** Files of `handler.root`, zip paths relative to it, contents read. */
  entries: ZipEntry[];
  plan?: RequirementsPlan;
  /** Every input file with its hash, by path relative to the project root. */
  inputs: Record<string, InputRecord>;
}

/** Reads everything a Python build depends on; cheap enough to run before each cache check. */
export async function readPythonSources(fn: FunctionSpec, root: string): Promise<PythonSources> {
  const { handler } = fn;
  const reqText = handler.requirements ? (await readIfExists(handler.requirements))?.toString('utf8') : undefined;
  const plan = reqText === undefined ? undefined : planRequirements(reqText, path.dirname(handler.requirements!));
  // A local package kept inside the function directory is installed, not copied as source.
  const localDirs = (plan?.local ?? []).filter((p) => isInside(handler.root, p)).map((p) => toPosix(path.relative(handler.root, p)));
  const skip: SkipFn = (name, rel, isDir) => skipPythonSource(name, rel, isDir) || localDirs.includes(rel);
  const include = fn.include ?? [];
  // A directory the rules skip is still walked when an include glob may reach into it.
  const walkSkip: SkipFn = (name, rel, isDir) => skip(name, rel, isDir) && !(isDir && include.length && mayMatchUnder(rel, include));

  const walked = await walkFiles(handler.root, walkSkip).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new UserError(`${fn.key}: the function directory ${handler.root} does not exist`);
  });
  const layerDirs = fn.layers.flatMap((l) => (l.kind === 'build' ? [l.path] : []));
  const files = selectFiles(walked, { root: handler.root, layerDirs, include, exclude: fn.exclude ?? [], skip });
  const { entries, inputs } = await readEntries(files, root);
  Object.assign(inputs, await requirementInputs(root, handler.requirements, plan));
  return { entries, plan, inputs };
}

/** Files as zip entries (contents read, modes kept), and their hashes by path relative to `root`. */
export async function readEntries(
  files: readonly WalkedFile[],
  root: string,
): Promise<{ entries: ZipEntry[]; inputs: Record<string, InputRecord> }> {
  const entries: ZipEntry[] = [];
  const inputs: Record<string, InputRecord> = {};
  for (const f of files) {
    const data = await readFile(f.abs);
    entries.push({ path: f.rel, data, mode: f.executable ? 0o755 : 0o644 });
    inputs[toPosix(path.relative(root, f.abs))] = { sha256: sha256Hex(data), size: data.length };
  }
  return { entries, inputs };
}

/** The hashes of what a requirements file pulls in: itself, the files it includes, local packages' sources. */
export async function requirementInputs(
  root: string,
  requirements: string | undefined,
  plan: RequirementsPlan | undefined,
): Promise<Record<string, InputRecord>> {
  const extra = [...(requirements ? [requirements] : []), ...(plan?.nested ?? [])];
  for (const local of plan?.local ?? []) {
    const st = await stat(local).catch(() => undefined);
    if (st?.isDirectory()) extra.push(...(await walkFiles(local, skipLocalPackage)).map((f) => f.abs));
    else extra.push(local);
  }
  return hashInputs(
    root,
    extra.map((p) => toPosix(path.relative(root, p))),
  );
}

/**
 * Throws when the handler's module would not be at the place in the zip Lambda imports it from, or
 * when the module plainly defines no function of the handler's name (else Lambda's Runtime.HandlerNotFound
 * at the first invoke). `root` (the project) only makes the message name the file as the user sees it.
 */
export function assertHandlerModule(fn: FunctionSpec, entries: readonly ZipEntry[], root?: string): void {
  const mod = fn.handler.lambdaHandler.slice(0, fn.handler.lambdaHandler.lastIndexOf('.'));
  const expected = `${mod.replace(/\./g, '/')}.py`;
  const module = entries.find((e) => e.path === expected);
  if (module) {
    const shown = root ? toPosix(path.relative(root, path.join(fn.handler.root, expected))) : expected;
    const problem = pythonHandlerProblem(module.data.toString('utf8'), fn.handler.exportName, shown);
    if (problem) throw new UserError(`${fn.key}: ${problem.message}`, { hint: problem.hint });
    return;
  }
  throw new UserError(
    `${fn.key}: the handler ${fn.handler.lambdaHandler} needs ${expected} at the zip root, but ${fn.handler.root} has no such file`,
    {
      hint: 'check the handler path and the function root in the config (a file skipped as a test, a dotfile or bytecode is not packaged)',
    },
  );
}

/** What pip installs for: a function, or a layer (its requirements file stands in for the handler's). */
export type PipTarget = Pick<FunctionSpec, 'key' | 'runtime' | 'architecture'> & { handler: { requirements?: string } };

export interface PipOptions {
  /** Python interpreter that runs pip (default `python3`). */
  python: string;
}

/**
 * The line that says which requirements are not packaged because the runtime has them (boto3 and
 * its dependencies: the runtime's own versions, whatever the pin), or undefined when none are.
 */
export function providedNote(plan: RequirementsPlan, fn: Pick<PipTarget, 'runtime'>): string | undefined {
  if (!plan.provided.length) return undefined;
  const them = plan.provided.length === 1 ? 'it' : 'them';
  return `not packaging ${plan.provided.join(', ')} from requirements.txt: the Lambda ${fn.runtime} runtime provides ${them} (its own version${plan.provided.length === 1 ? '' : 's'})`;
}

/** Human summary of what the requirements lead to, for the build log. */
export function describePlan(plan: RequirementsPlan, fn: PipTarget): string[] {
  const notes: string[] = [];
  const dropped = providedNote(plan, fn);
  if (dropped) notes.push(dropped);
  if (needsIndexInstall(plan)) {
    notes.push(
      `pip: ${plan.index.length} package(s) as ${lambdaPlatforms(fn.architecture, fn.runtime)[0]} wheels for CPython ${pythonVersion(fn.runtime)}`,
    );
  }
  if (plan.local.length) notes.push(`pip: ${plan.local.length} local package(s) built here, without platform targeting (pure Python only)`);
  return notes;
}

/**
 * Installs the requirements into a temporary directory with pip and returns its files as zip entries
 * (paths relative to the zip root). Returns no entries, and runs nothing, when only runtime-provided
 * packages are listed.
 */
export async function installRequirements(fn: PipTarget, plan: RequirementsPlan, opts: PipOptions): Promise<ZipEntry[]> {
  const index = needsIndexInstall(plan);
  if (!index && plan.local.length === 0) return [];
  const tmp = await mkdtemp(path.join(os.tmpdir(), `ops-pip-${fn.key}-`));
  try {
    const target = path.join(tmp, 'target');
    if (index) {
      const reqFile = path.join(tmp, 'requirements.txt');
      await writeFile(reqFile, indexRequirementsText(plan));
      await runPip(fn, opts, pipIndexArgs(reqFile, target, fn.runtime, fn.architecture), path.dirname(fn.handler.requirements!), 'index');
    }
    if (plan.local.length) {
      const sources = await Promise.all(plan.local.map((p, i) => stageLocalPackage(fn, p, path.join(tmp, 'local', String(i)))));
      await runPip(fn, opts, pipLocalArgs(sources, target), tmp, 'local');
    }
    const files = await walkFiles(target, skipInstalled).catch(() => []);
    const entries: ZipEntry[] = [];
    for (const f of files) entries.push({ path: f.rel, data: await readFile(f.abs), mode: f.executable ? 0o755 : 0o644 });
    return entries;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Copies a local package directory so pip's in-tree build leaves no `build/` or `*.egg-info` in the user's tree. */
async function stageLocalPackage(fn: PipTarget, src: string, dest: string): Promise<string> {
  const st = await stat(src).catch(() => undefined);
  if (!st)
    throw new UserError(`${fn.key}: the local requirement ${src} does not exist`, {
      hint: 'paths in requirements.txt are relative to the requirements file',
    });
  if (!st.isDirectory()) return src; // a wheel or an sdist
  for (const f of await walkFiles(src, skipLocalPackage)) {
    await mkdir(path.dirname(path.join(dest, f.rel)), { recursive: true });
    await copyFile(f.abs, path.join(dest, f.rel));
  }
  return dest;
}

async function runPip(fn: PipTarget, opts: PipOptions, args: string[], cwd: string, mode: 'index' | 'local'): Promise<void> {
  const { execa } = await import('execa');
  const result = await execa(opts.python, args, {
    cwd,
    reject: false,
    all: true,
    env: { PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (result.exitCode === 0 && !result.failed) return;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new UserError(`${fn.key}: ${opts.python} was not found, and requirements.txt lists packages to install`, {
      hint: 'install Python 3 with pip, or list only packages the Lambda runtime ships (boto3, botocore)',
    });
  }
  const tail = (result.all ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .slice(-15)
    .join('\n');
  throw new UserError(`${fn.key}: pip install failed (exit ${result.exitCode ?? 'none'})\n${tail}`, {
    hint:
      mode === 'index'
        ? `pip needs a package index (PIP_INDEX_URL) with ${lambdaPlatforms(fn.architecture, fn.runtime)[0]} wheels for CPython ${pythonVersion(fn.runtime)}: packages without binary wheels cannot be targeted at Lambda`
        : `local packages are built offline with ${opts.python}'s own setuptools: ${opts.python} -m pip install setuptools wheel`,
  });
}
