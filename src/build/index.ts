import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import {
  BUILD_FORMAT,
  type BuildManifest,
  cachedZipValid,
  fingerprint,
  hashInputs,
  type InputRecord,
  inputsUnchanged,
  readManifest,
  stableStringify,
  writeManifest,
} from './cache.js';
import { assertUnzippedSize, assertZippedSize, formatBytes, LAMBDA_LIMITS, type SizeLimits } from './limits.js';
import { bundleNode, esbuildOptionsFor, portableOptions, resolutionInputs } from './node.js';
import { assertHandlerModule, describePlan, installRequirements, readPythonSources } from './python.js';
import { unzippedSize, writeDeterministicZip, type ZipEntry } from './zip.js';

export { LAMBDA_LIMITS, LAMBDA_UNZIPPED_LIMIT, LAMBDA_ZIPPED_LIMIT, type SizeLimits } from './limits.js';
export { ESM_REQUIRE_BANNER, type EsbuildPaths, esbuildOptionsFor, nodeTarget } from './node.js';
export { LAMBDA_PYTHON_PROVIDED, planRequirements } from './requirements.js';
export { writeDeterministicZip, ZIP_COMPRESSION_LEVEL, ZIP_DATE, type ZipEntry, type ZipResult } from './zip.js';

/** A built deployment package, ready for CreateFunction / UpdateFunctionCode. */
export interface Artifact {
  /** Function key in the config. */
  key: string;
  /** Physical Lambda name. */
  name: string;
  runtime: string;
  /** Absolute path of the zip. */
  zipPath: string;
  /** sha256 of the zip, hex. */
  sha256: string;
  /** sha256 of the zip, base64: compare with Lambda's `CodeSha256` to skip an upload. */
  codeSha256: string;
  /** Zip size in bytes. */
  size: number;
  unzippedSize: number;
  /** Number of files in the zip. */
  files: number;
  /** True when the inputs were unchanged and the previous zip was reused. */
  cached: boolean;
  buildMs: number;
}

export interface BuildFunctionOptions {
  /** Project directory: the root of relative paths, esbuild's working directory. */
  root: string;
  /** Where zips go; default `<root>/.ops/build`. Each function gets `<outDir>/<key>/<key>.zip` and `manifest.json`. */
  outDir?: string;
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
  /** Build log lines (stderr talk), one call per line. */
  log?: (msg: string) => void;
  /** Python interpreter that runs pip; default `python3`. */
  python?: string;
  /** Size quotas; default Lambda's (50 MB zipped, 250 MB unzipped). */
  limits?: SizeLimits;
}

export interface BuildFleetOptions extends BuildFunctionOptions {
  /** Functions built at once, 1..4; default half the CPUs, at least 2 (esbuild is itself parallel). */
  concurrency?: number;
}

/** Builds one function's zip, or returns the previous one when nothing it was built from has changed. */
export async function buildFunction(fn: FunctionSpec, opts: BuildFunctionOptions): Promise<Artifact> {
  const started = performance.now();
  const root = path.resolve(opts.root);
  const dir = path.join(path.resolve(root, opts.outDir ?? path.join('.ops', 'build')), fn.key);
  const zipPath = path.join(dir, `${fn.key}.zip`);
  const log = opts.log ?? (() => {});
  const limits = opts.limits ?? LAMBDA_LIMITS;
  const previous = opts.force ? undefined : await readManifest(dir);
  const ctx: Finish = { fn, dir, zipPath, root, limits, log, started };

  if (fn.language === 'node') {
    const options = esbuildOptionsFor(fn, { root, outdir: dir });
    const { version } = await import('esbuild');
    const print = fingerprint({
      format: BUILD_FORMAT,
      language: 'node',
      esbuild: version,
      zlib: process.versions.zlib,
      options: portableOptions(options, root),
    });
    if (previous?.fingerprint === print && (await inputsUnchanged(root, previous.inputs)) && (await cachedZipValid(zipPath, previous))) {
      return cached(ctx, previous);
    }
    const bundle = await bundleNode(fn, options);
    for (const w of bundle.warnings) log(`${fn.key}: warning: ${w}`);
    const inputs = await hashInputs(root, [...bundle.inputs, ...resolutionInputs(fn, root)]);
    return finish(ctx, bundle.entries, inputs, print, []);
  }

  const python = opts.python ?? 'python3';
  const sources = await readPythonSources(fn, root);
  assertHandlerModule(fn, sources.entries);
  const print = fingerprint({
    format: BUILD_FORMAT,
    language: 'python',
    runtime: fn.runtime,
    architecture: fn.architecture,
    zlib: process.versions.zlib,
  });
  if (previous?.fingerprint === print && sameInputs(previous.inputs, sources.inputs) && (await cachedZipValid(zipPath, previous))) {
    return cached(ctx, previous);
  }
  const notes = sources.plan ? describePlan(sources.plan, fn) : [];
  for (const n of notes) log(`${fn.key}: ${n}`);
  const deps = sources.plan ? await installRequirements(fn, sources.plan, { python }) : [];
  return finish(ctx, mergeEntries(fn, sources.entries, deps, log), sources.inputs, print, notes);
}

/** Builds every function, a few at a time; when some fail, the others still finish and all failures are reported. */
export async function buildFleet(fns: readonly FunctionSpec[], opts: BuildFleetOptions): Promise<Artifact[]> {
  const keys = fns.map((f) => f.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new Error(`buildFleet: function ${dup} listed twice`);
  const concurrency = Math.min(4, Math.max(1, opts.concurrency ?? Math.max(2, Math.floor(os.availableParallelism() / 2))));
  const results: Artifact[] = new Array(fns.length);
  const failures: { key: string; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < fns.length) {
      const i = next++;
      try {
        results[i] = await buildFunction(fns[i], opts);
      } catch (error) {
        failures.push({ key: fns[i].key, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, fns.length) }, worker));
  if (failures.length === 0) return results;
  if (failures.length === 1) throw failures[0].error;
  const internal = failures.find((f) => !(f.error instanceof UserError));
  if (internal) throw internal.error;
  const errors = failures.map((f) => f.error as UserError);
  throw new UserError(`${failures.length} functions failed to build:\n${errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`, {
    hint: errors.find((e) => e.hint)?.hint,
  });
}

interface Finish {
  fn: FunctionSpec;
  dir: string;
  zipPath: string;
  root: string;
  limits: SizeLimits;
  log: (msg: string) => void;
  started: number;
}

async function finish(
  ctx: Finish,
  entries: ZipEntry[],
  inputs: Record<string, InputRecord>,
  print: string,
  notes: string[],
): Promise<Artifact> {
  const { fn, zipPath, limits } = ctx;
  const unzipped = unzippedSize(entries);
  assertUnzippedSize(fn.key, fn.language, unzipped, limits);
  const zip = await writeDeterministicZip(entries, zipPath);
  try {
    assertZippedSize(fn.key, fn.language, zip.size, limits);
  } catch (err) {
    // Never leave a zip behind that a later step could upload.
    await rm(zipPath, { force: true });
    await rm(path.join(ctx.dir, 'manifest.json'), { force: true });
    throw err;
  }
  const manifest: BuildManifest = {
    format: BUILD_FORMAT,
    key: fn.key,
    fingerprint: print,
    inputs,
    artifact: { zip: path.basename(zipPath), ...zip, unzippedSize: unzipped, files: entries.length },
    notes,
  };
  await writeManifest(ctx.dir, manifest);
  const artifact = toArtifact(ctx, manifest, false);
  ctx.log(
    `${fn.key}: built ${path.relative(ctx.root, zipPath) || zipPath} (${formatBytes(zip.size)}, ${entries.length} files, ${formatBytes(unzipped)} unzipped) in ${artifact.buildMs} ms`,
  );
  return artifact;
}

function cached(ctx: Finish, manifest: BuildManifest): Artifact {
  const { fn, limits } = ctx;
  assertUnzippedSize(fn.key, fn.language, manifest.artifact.unzippedSize, limits);
  assertZippedSize(fn.key, fn.language, manifest.artifact.size, limits);
  const artifact = toArtifact(ctx, manifest, true);
  ctx.log(`${fn.key}: unchanged, reusing ${path.relative(ctx.root, ctx.zipPath) || ctx.zipPath} (${formatBytes(manifest.artifact.size)})`);
  return artifact;
}

function toArtifact(ctx: Finish, m: BuildManifest, isCached: boolean): Artifact {
  return {
    key: ctx.fn.key,
    name: ctx.fn.name,
    runtime: ctx.fn.runtime,
    zipPath: ctx.zipPath,
    sha256: m.artifact.sha256,
    codeSha256: m.artifact.codeSha256,
    size: m.artifact.size,
    unzippedSize: m.artifact.unzippedSize,
    files: m.artifact.files,
    cached: isCached,
    buildMs: Math.round(performance.now() - ctx.started),
  };
}

function sameInputs(a: Record<string, InputRecord>, b: Record<string, InputRecord>): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** Sources and installed packages in one zip root; a source file wins over a package file at the same path. */
function mergeEntries(fn: FunctionSpec, sources: ZipEntry[], deps: ZipEntry[], log: (msg: string) => void): ZipEntry[] {
  const taken = new Set(sources.map((e) => e.path));
  const clashes = deps.filter((d) => taken.has(d.path)).map((d) => d.path);
  if (clashes.length)
    log(
      `${fn.key}: warning: source files shadow installed package files: ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? ', ...' : ''}`,
    );
  return [...sources, ...deps.filter((d) => !taken.has(d.path))];
}
