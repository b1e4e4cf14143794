import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { layerArtifactKey } from '../config/naming.js';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { type Artifact, cached, type Finish, finish } from './artifact.js';
import {
  BUILD_FORMAT,
  fingerprint,
  type InputMemo,
  type InputRecord,
  newInputMemo,
  readManifest,
  recordInputs,
  reusable,
  stableStringify,
} from './cache.js';
import { buildLayer, layersOf } from './layers.js';
import { LAMBDA_LIMITS, type SizeLimits } from './limits.js';
import { bundleNode, esbuildOptionsFor, esbuildVersion, portableOptions, resolutionInputs } from './node.js';
import { assertHandlerModule, describePlan, installRequirements, providedNote, readPythonSources } from './python.js';
import { assertPythonSyntax } from './python-syntax.js';
import type { ZipEntry } from './zip.js';

export type { Artifact } from './artifact.js';
export { LAMBDA_LIMITS, LAMBDA_UNZIPPED_LIMIT, LAMBDA_ZIPPED_LIMIT, limitsFor, type SizeLimits } from './limits.js';
export { ESM_REQUIRE_BANNER, type EsbuildPaths, esbuildOptionsFor, nodeTarget } from './node.js';
export { LAMBDA_PYTHON_PROVIDED, planRequirements } from './requirements.js';
export { writeDeterministicZip, ZIP_COMPRESSION_LEVEL, ZIP_DATE, type ZipEntry, type ZipResult } from './zip.js';

export interface BuildFunctionOptions {
  /** Project directory: the root of relative paths, esbuild's working directory. */
  root: string;
  /** Where zips go; default `<root>/.ops/build`. Each function gets `<outDir>/<key>/<key>.zip` and `manifest.json`. */
  outDir?: string;
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
  /** Build log lines (stderr talk), one call per line. */
  log?: (msg: string) => void;
  /** Lines the user should see without --debug (requirements the runtime provides, not packaged); default `log`. */
  notice?: (msg: string) => void;
  /** Python interpreter that runs pip; default `python3`. */
  python?: string;
  /** Size quotas; default Lambda's (50 MB zipped, 250 MB unzipped). */
  limits?: SizeLimits;
  /** The inputs already looked at by this build of the fleet (buildFleet shares one across its functions). */
  inputs?: InputMemo;
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
  const memo = opts.inputs ?? newInputMemo();
  const ctx: Finish = { fn, dir, zipPath, root, limits, log, started };

  if (fn.language === 'node') {
    const options = esbuildOptionsFor(fn, { root, outdir: dir });
    const version = esbuildVersion();
    const print = fingerprint({
      format: BUILD_FORMAT,
      language: 'node',
      esbuild: version,
      zlib: process.versions.zlib,
      options: portableOptions(options, root),
    });
    if (previous?.fingerprint === print && (await reusable(root, zipPath, previous, memo, { checkInputs: true }))) {
      return cached(ctx, previous);
    }
    const bundle = await bundleNode(fn, options);
    for (const w of bundle.warnings) log(`${fn.key}: warning: ${w}`);
    const { inputs, stat } = await recordInputs(root, [...bundle.inputs, ...resolutionInputs(fn, root)]);
    return finish(ctx, bundle.entries, inputs, print, [], stat);
  }

  const python = opts.python ?? 'python3';
  const sources = await readPythonSources(fn, root);
  assertHandlerModule(fn, sources.entries, root);
  // Said where the user sees it whenever the zip is built (a cached one repeats the same decision: --debug).
  const dropped = sources.plan && providedNote(sources.plan, fn);
  const print = fingerprint({
    format: BUILD_FORMAT,
    language: 'python',
    runtime: fn.runtime,
    architecture: fn.architecture,
    zlib: process.versions.zlib,
  });
  if (
    previous?.fingerprint === print &&
    sameInputs(previous.inputs, sources.inputs) &&
    (await reusable(root, zipPath, previous, memo, { checkInputs: false }))
  ) {
    if (dropped) log(`${fn.key}: ${dropped}`);
    return cached(ctx, previous);
  }
  if (dropped) (opts.notice ?? log)(`${fn.key}: ${dropped}`);
  const notes = sources.plan ? describePlan(sources.plan, fn) : [];
  for (const n of notes) if (n !== dropped) log(`${fn.key}: ${n}`);
  await assertPythonSyntax(fn, sources.entries, { python, root, log, warn: opts.notice ?? log });
  const deps = sources.plan ? await installRequirements(fn, sources.plan, { python }) : [];
  return finish(ctx, mergeEntries(fn, sources.entries, deps, log), sources.inputs, print, notes);
}

/**
 * Builds every function, a few at a time, then the layers they use; when some fail, the others
 * still finish and all failures are reported.
 */
export async function buildFleet(fns: readonly FunctionSpec[], opts: BuildFleetOptions): Promise<Artifact[]> {
  const keys = fns.map((f) => f.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new Error(`buildFleet: function ${dup} listed twice`);
  const concurrency = Math.min(4, Math.max(1, opts.concurrency ?? Math.max(2, Math.floor(os.availableParallelism() / 2))));
  const failures: { key: string; error: unknown }[] = [];
  // Functions with identical build inputs (seed 000's root '.') share the first one's build: one zip, one upload.
  const leaderOf = new Map<string, FunctionSpec>();
  const leaders: FunctionSpec[] = [];
  const sharing = new Map<FunctionSpec, FunctionSpec>();
  for (const fn of fns) {
    const id = sharedBuildId(fn);
    const leader = id ? leaderOf.get(id) : undefined;
    if (leader) sharing.set(fn, leader);
    else {
      if (id) leaderOf.set(id, fn);
      leaders.push(fn);
    }
  }
  const built = new Map<FunctionSpec, Artifact>();
  const inputs = opts.inputs ?? newInputMemo();
  // Notices wait for every build, then go out in the functions' order: builds run at once, and output that
  // depends on which finished first would differ from run to run.
  const notices = new Map<FunctionSpec, string[]>();
  let next = 0;
  const worker = async () => {
    while (next < leaders.length) {
      const fn = leaders[next++];
      const notice = (msg: string) => notices.set(fn, [...(notices.get(fn) ?? []), msg]);
      try {
        built.set(fn, await buildFunction(fn, { ...opts, notice, inputs }));
      } catch (error) {
        failures.push({ key: fn.key, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, leaders.length) }, worker));
  for (const fn of leaders) for (const msg of notices.get(fn) ?? []) (opts.notice ?? opts.log)?.(msg);
  const results: Artifact[] = [];
  for (const fn of fns) {
    const leader = sharing.get(fn);
    const own = built.get(leader ?? fn);
    if (!own) continue;
    if (leader) opts.log?.(`${fn.key}: same build inputs as ${leader.key}, sharing its zip`);
    results.push(leader ? { ...own, key: fn.key, name: fn.name, runtime: fn.runtime } : own);
  }
  // The layers the functions use, once each (`layer:{name}` keys next to the function keys).
  for (const target of layersOf(fns)) {
    try {
      results.push(await buildLayer(target, opts));
    } catch (error) {
      failures.push({ key: layerArtifactKey(target.layer.key), error });
    }
  }
  if (failures.length === 0) return results;
  if (failures.length === 1) throw failures[0].error;
  const internal = failures.find((f) => !(f.error instanceof UserError));
  if (internal) throw internal.error;
  const errors = failures.map((f) => f.error as UserError);
  throw new UserError(`${failures.length} functions failed to build:\n${errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`, {
    hint: errors.find((e) => e.hint)?.hint,
  });
}

/**
 * What a Python zip is built from besides file contents: equal ids give equal zips (the handler's
 * module is configuration, not zip content). Undefined for Node: each bundle starts at its own entry.
 */
function sharedBuildId(fn: FunctionSpec): string | undefined {
  if (fn.language !== 'python') return undefined;
  const layerDirs = fn.layers.flatMap((l) => (l.kind === 'build' ? [l.path] : [])).sort();
  const { root, requirements } = fn.handler;
  return stableStringify({
    root,
    requirements,
    runtime: fn.runtime,
    architecture: fn.architecture,
    include: fn.include,
    exclude: fn.exclude,
    layerDirs,
  });
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
