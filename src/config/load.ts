import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, UserError } from '../errors.js';
import { writeFileAtomic } from '../package/files.js';
import { defineModuleFile } from './define-source.js';
import { resolveFleet } from './resolve.js';
import type { Fleet } from './types.js';
import { BUILD_ID, validateCached } from './validated.js';

export const CONFIG_FILES = ['ops.config.ts', 'ops.config.mts', 'ops.config.js', 'ops.config.mjs'];

export interface LoadOptions {
  cwd: string;
  stage: string;
  /** `--config`: a file, or a directory holding one. */
  config?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
}

/** Finds the config: `--config`, else the nearest `ops.config.*` in cwd or a parent. */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit) {
    const p = path.resolve(cwd, explicit);
    if (!existsSync(p)) throw new UserError(`config file not found: ${explicit}`, { hint: 'check the --config path' });
    if (statSync(p).isDirectory()) {
      const inDir = CONFIG_FILES.map((f) => path.join(p, f)).find((f) => existsSync(f));
      if (!inDir)
        throw new UserError(`no ${CONFIG_FILES.join(', ')} in ${explicit}`, {
          hint: "run 'ops init' there, or point --config at the file",
        });
      return inDir;
    }
    return p;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const hit = CONFIG_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (hit) return hit;
    if (path.dirname(dir) === dir) break;
  }
  throw new UserError(`no ops.config.ts in ${cwd} or any parent directory`, {
    hint: "run 'ops init' to create one, or pass --config <path>",
  });
}

/** Loads, validates and resolves the fleet for a stage. Every config problem is reported at once. */
export async function loadFleet(opts: LoadOptions): Promise<Fleet> {
  const configPath = findConfig(opts.cwd, opts.config);
  const root = path.dirname(configPath);
  const raw = await importConfig(configPath, opts.stage);
  const rel = path.relative(opts.cwd, configPath) || path.basename(configPath);
  const { fleet, problems } = await validateCached(
    raw,
    { stage: opts.stage, exists: (p) => existsSync(path.resolve(root, p)) },
    async () => (await import('./validate.js')).validateFleet,
    BUILD_ID ? { dir: path.join(root, '.ops', 'config'), build: BUILD_ID } : undefined,
  );
  if (!fleet) throw new ConfigError(rel, problems);
  return resolveFleet(fleet, { stage: opts.stage, root, configPath, region: opts.region, env: opts.env, exists: existsSync });
}

// `import { defineFleet } from 'opsfleet'` (or 'ops', what configs wrote before the package had a registry
// name) must work in a fleet that has not installed ops (a global install, npx): the config is bundled
// with esbuild and that import is served from here, never from a package of that name: ops's own define module
// (`defineFleet` and `ref`, both documented for that import), or `defineFleet` alone if that file is not found.
const DEFINE_SHIM = 'export function defineFleet(config) { return config; }\n';

function defineContents(): { contents: string; loader: 'js'; resolveDir?: string } {
  const file = defineModuleFile();
  if (!file) return { contents: DEFINE_SHIM, loader: 'js' };
  return { contents: `export * from ${JSON.stringify(file)};\n`, loader: 'js', resolveDir: path.dirname(file) };
}

interface CompiledManifest {
  config: string;
  file: string;
  /** Content hash of every file the config was bundled from. */
  inputs: Record<string, string>;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The config compiled to an ES module under `.ops/config/`. Reused without starting esbuild while
 * the config and every file it imports hash the same as when it was compiled.
 */
async function compileConfig(configPath: string): Promise<string> {
  const root = path.dirname(configPath);
  const dir = path.join(root, '.ops', 'config');
  const manifestPath = path.join(dir, 'manifest.json');
  const previous = await readFile(manifestPath, 'utf8').then(
    (t) => JSON.parse(t) as CompiledManifest,
    () => undefined,
  );
  if (previous?.config === configPath && existsSync(previous.file)) {
    const same = await Promise.all(
      Object.entries(previous.inputs).map(async ([f, h]) => sha(await readFile(f).catch(() => Buffer.alloc(0))) === h),
    );
    if (same.every(Boolean)) return previous.file;
  }
  const esbuild = await import('esbuild');
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [configPath],
      absWorkingDir: root,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          name: 'ops-define',
          setup(b) {
            b.onResolve({ filter: /^(opsfleet|ops|ops\/config|@ops\/cli)$/ }, () => ({ path: 'ops-define', namespace: 'ops-define' }));
            b.onLoad({ filter: /.*/, namespace: 'ops-define' }, defineContents);
          },
        },
      ],
    });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    const text = first?.text ?? String(err);
    throw new UserError(`cannot compile ${path.basename(configPath)}: ${where}${text}`, {
      hint: /Could not resolve/.test(text)
        ? 'check the import path, or install the package the config imports'
        : 'fix the error at that line and run again',
    });
  }
  const code = result.outputFiles?.[0]?.text ?? '';
  // Written inside the project so the config's own imports resolve from its node_modules.
  const file = path.join(dir, `config-${sha(code).slice(0, 16)}.mjs`);
  await mkdir(dir, { recursive: true }).catch((e: Error) => {
    throw new UserError(`cannot write ${path.relative(root, dir)}: ${e.message}`, {
      hint: 'ops keeps its build cache in .ops/ next to the config; make the directory writable',
    });
  });
  const inputs: Record<string, string> = {};
  for (const rel of Object.keys(result.metafile?.inputs ?? {})) {
    if (rel.includes(':')) continue; // the ops-define shim
    const abs = path.resolve(root, rel);
    inputs[abs] = sha(await readFile(abs));
  }
  // Atomic writes: another ops process may be reading these right now.
  if (!existsSync(file)) await writeFileAtomic(file, code);
  await writeFileAtomic(manifestPath, JSON.stringify({ config: configPath, file, inputs } satisfies CompiledManifest));
  await pruneOld(dir, path.basename(file));
  return file;
}

/** Bundles a TypeScript/JavaScript config with esbuild (or reuses the last build) and imports it. */
export async function importConfig(configPath: string, stage: string): Promise<unknown> {
  const file = await compileConfig(configPath);
  let mod: { default?: unknown; config?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new UserError(`${path.basename(configPath)} failed to load: ${(err as Error).message}`, { cause: err });
  }
  const exported = mod.default ?? mod.config;
  if (exported === undefined) {
    throw new UserError(`${path.basename(configPath)} has no default export`, { hint: 'end it with: export default defineFleet({ ... })' });
  }
  return typeof exported === 'function' ? await (exported as (ctx: { stage: string }) => unknown)({ stage }) : exported;
}

async function pruneOld(dir: string, keep: string) {
  const files = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    files.filter((f) => f !== keep && f.startsWith('config-') && f.endsWith('.mjs')).map((f) => rm(path.join(dir, f), { force: true })),
  );
}
