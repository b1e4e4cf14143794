import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { layerArtifactKey } from '../config/naming.js';
import { DEFAULTS } from '../config/resolve.js';
import type { FunctionSpec, LayerSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { type Artifact, type BuildTarget, cached, type Finish, finish } from './artifact.js';
import { BUILD_FORMAT, fingerprint, newInputMemo, readManifest, reusable, stableStringify } from './cache.js';
import { readIfExists, type SkipFn, walkFiles } from './files.js';
import { LAMBDA_LIMITS, type SizeLimits } from './limits.js';
import { describePlan, installRequirements, readEntries, requirementInputs } from './python.js';
import { planRequirements } from './requirements.js';

export type BuiltLayerSpec = Extract<LayerSpec, { kind: 'build' }>;

/** Where a layer's installed Python packages go: Lambda puts /opt/python on the Python path. */
const PYTHON_DIR = 'python';

/** Left out of a layer directory: dotfiles and bytecode. */
const skipLayerSource: SkipFn = (name, _rel, isDir) =>
  name.startsWith('.') || (isDir ? name === '__pycache__' : name.endsWith('.pyc') || name.endsWith('.pyo'));

export interface BuildLayerOptions {
  root: string;
  outDir?: string;
  force?: boolean;
  log?: (msg: string) => void;
  python?: string;
  /** Size quotas; default Lambda's for a direct upload. */
  limits?: SizeLimits;
}

/**
 * The built layers `fns` use, each with the Python runtime and architecture its requirements are
 * installed for: those of the first Python function using it (else the default Python runtime).
 */
export function layersOf(
  fns: readonly FunctionSpec[],
): { layer: BuiltLayerSpec; runtime: FunctionSpec['runtime']; architecture: FunctionSpec['architecture'] }[] {
  const out = new Map<string, { layer: BuiltLayerSpec; users: FunctionSpec[] }>();
  for (const fn of fns) {
    for (const l of fn.layers) {
      if (l.kind !== 'build') continue;
      const entry = out.get(l.name) ?? { layer: l, users: [] };
      entry.users.push(fn);
      out.set(l.name, entry);
    }
  }
  return [...out.values()].map(({ layer, users }) => {
    const py = users.find((u) => u.language === 'python') ?? users[0];
    return {
      layer,
      runtime: py.language === 'python' ? py.runtime : DEFAULTS.pythonRuntime,
      architecture: py.architecture,
    };
  });
}

/**
 * A layer zip, deterministic like function zips: the directory's files as they are (the layer's
 * root, /opt), plus the requirements installed into python/ with pip. Reused while its inputs
 * (files, requirements, local packages, runtime and architecture for pip) are unchanged.
 */
export async function buildLayer(
  target: { layer: BuiltLayerSpec; runtime: FunctionSpec['runtime']; architecture: FunctionSpec['architecture'] },
  opts: BuildLayerOptions,
): Promise<Artifact> {
  const started = performance.now();
  const { layer, runtime, architecture } = target;
  const root = path.resolve(opts.root);
  const dir = path.join(path.resolve(root, opts.outDir ?? path.join('.ops', 'build')), `layer-${layer.key}`);
  const zipPath = path.join(dir, `${layer.key}.zip`);
  const log = opts.log ?? (() => {});
  const language = layer.requirements ? 'python' : 'node';
  const id: BuildTarget = { key: layerArtifactKey(layer.key), name: layerArtifactKey(layer.name), runtime: 'layer', language };
  const ctx: Finish = { fn: id, dir, zipPath, root, limits: opts.limits ?? LAMBDA_LIMITS, log, started };

  const files = await walkFiles(layer.path, skipLayerSource).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') throw err;
    throw new UserError(`layer ${layer.key}: the directory ${layer.path} does not exist`);
  });
  const ownFiles = layer.requirements ? files.filter((f) => path.resolve(f.abs) !== layer.requirements) : files;
  const { entries, inputs } = await readEntries(ownFiles, root);
  const reqText = layer.requirements ? (await readIfExists(layer.requirements))?.toString('utf8') : undefined;
  if (layer.requirements && reqText === undefined) throw new UserError(`layer ${layer.key}: ${layer.requirements} does not exist`);
  const plan = reqText === undefined ? undefined : planRequirements(reqText, path.dirname(layer.requirements!));
  Object.assign(inputs, await requirementInputs(root, layer.requirements, plan));

  const print = fingerprint({
    format: BUILD_FORMAT,
    kind: 'layer',
    zlib: process.versions.zlib,
    ...(plan ? { runtime, architecture } : {}),
  });
  const previous = opts.force ? undefined : await readManifest(dir);
  if (
    previous?.fingerprint === print &&
    stableStringify(previous.inputs) === stableStringify(inputs) &&
    (await reusable(root, zipPath, previous, newInputMemo(), { checkInputs: false }))
  ) {
    return cached(ctx, previous);
  }
  const pipTarget = { key: `layer ${layer.key}`, runtime, architecture, handler: { requirements: layer.requirements } };
  const notes = plan ? describePlan(plan, pipTarget) : [];
  for (const n of notes) log(`layer ${layer.key}: ${n}`);
  const installed = plan ? await installRequirements(pipTarget, plan, { python: opts.python ?? 'python3' }) : [];
  const taken = new Set(entries.map((e) => e.path));
  for (const d of installed) {
    const p = `${PYTHON_DIR}/${d.path}`;
    // A file of the directory wins over an installed one at the same place.
    if (!taken.has(p)) entries.push({ ...d, path: p });
  }
  if (!entries.length) throw new UserError(`layer ${layer.key}: ${layer.path} has no files and no requirements to install`);
  return finish(ctx, entries, inputs, print, notes);
}
