import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildFailure, BuildOptions, Message } from 'esbuild';
import { didYouMean } from '../config/did-you-mean.js';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { toPosix } from './files.js';
import type { ZipEntry } from './zip.js';

/**
 * Bundled CommonJS that calls `require('fs')` needs a real `require` in an ES module;
 * the alias avoids clashing with a bundled `createRequire` import.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __opsCreateRequire } from 'node:module';\nconst require = __opsCreateRequire(import.meta.url);";

/** Name of the virtual entry module that re-exports the handler under the name Lambda calls. */
export const ENTRY_SOURCEFILE = '__ops_entry__.js';

let esbuildVersionCache: string | undefined;

/**
 * The installed esbuild's version (part of every Node build's fingerprint), read from its package.json: importing
 * esbuild for it would load ~95 KB of JavaScript on every deploy, also when every zip is reused.
 */
export function esbuildVersion(): string {
  esbuildVersionCache ??= (
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version: string }
  ).version;
  return esbuildVersionCache;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `nodejs22.x` → `node22`. */
export function nodeTarget(runtime: string): string {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new Error(`not a Node.js runtime: ${runtime}`);
  return `node${m[1]}`;
}

/** `index.handler` → module `index`, export `handler`: the file and export Lambda loads. */
export function splitLambdaHandler(lambdaHandler: string): { module: string; exportName: string } {
  const dot = lambdaHandler.lastIndexOf('.');
  const module = lambdaHandler.slice(0, dot);
  const exportName = lambdaHandler.slice(dot + 1);
  if (dot <= 0 || !IDENTIFIER.test(exportName) || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(module)) {
    throw new UserError(`invalid Lambda handler "${lambdaHandler}"`, { hint: 'a Node.js handler looks like index.handler' });
  }
  return { module, exportName };
}

/** Where the output and the project are: the only inputs of `esbuildOptionsFor` besides the function. */
export interface EsbuildPaths {
  /** Project root: esbuild's working directory, so paths in the bundle and metafile are relative to it. */
  root: string;
  /** Directory the output is named in (nothing is written there: `write: false`). */
  outdir: string;
}

/**
 * The esbuild options for a Node.js function. Pure: the same function and paths give the same options.
 *
 * The entry is a one-line virtual module re-exporting `handler.exportName` from `handler.file` under
 * the export named in `handler.lambdaHandler`, written to `<module>.mjs` (`index.mjs`); the resolver
 * sets `lambdaHandler` to `index.<exportName>`, so usually the name is kept as is.
 */
export function esbuildOptionsFor(fn: FunctionSpec, paths: EsbuildPaths): BuildOptions {
  const { module, exportName: lambdaExport } = splitLambdaHandler(fn.handler.lambdaHandler);
  const source = fn.handler.exportName;
  if (source !== 'default' && !IDENTIFIER.test(source)) {
    throw new UserError(`${fn.key}: "${source}" is not a valid export name`, {
      hint: 'name an exported function: path/to/handler.ts#handler',
    });
  }
  const from = JSON.stringify(`./${path.basename(fn.handler.file)}`);
  const contents =
    source === lambdaExport ? `export { ${source} } from ${from};\n` : `export { ${source} as ${lambdaExport} } from ${from};\n`;
  const external = [...new Set([...(fn.bundle.bundleAwsSdk ? [] : ['@aws-sdk/*']), ...fn.bundle.external])];
  return {
    stdin: { contents, resolveDir: path.dirname(fn.handler.file), sourcefile: ENTRY_SOURCEFILE, loader: 'js' },
    absWorkingDir: paths.root,
    outfile: path.join(paths.outdir, `${module}.mjs`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: nodeTarget(fn.runtime),
    // ESM builds of dependencies first: smaller bundles through tree shaking.
    mainFields: ['module', 'main'],
    external,
    banner: { js: ESM_REQUIRE_BANNER },
    // `linked` adds the sourceMappingURL comment that `--enable-source-maps` follows; sources stay
    // out of the map (stack traces need only the mappings) to keep the zip small.
    sourcemap: fn.bundle.sourcemap ? 'linked' : false,
    sourcesContent: false,
    minify: fn.bundle.minify,
    keepNames: fn.bundle.minify,
    charset: 'utf8',
    metafile: true,
    write: false,
    logLevel: 'silent',
  };
}

/** The options with absolute paths made relative to the root: moving the project keeps the cache. */
export function portableOptions(options: BuildOptions, root: string): unknown {
  const rel = (p: string | undefined) => (p === undefined ? undefined : toPosix(path.relative(root, p)));
  return {
    ...options,
    absWorkingDir: '.',
    outfile: rel(options.outfile),
    stdin: options.stdin && { ...options.stdin, resolveDir: rel(options.stdin.resolveDir) },
  };
}

/**
 * Files besides the metafile inputs that change what esbuild produces: the tsconfig.json and
 * package.json of every directory from the entry up to the root (a missing one is recorded as absent).
 */
export function resolutionInputs(fn: FunctionSpec, root: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(fn.handler.file);
  for (;;) {
    for (const name of ['tsconfig.json', 'jsconfig.json', 'package.json']) out.push(toPosix(path.relative(root, path.join(dir, name))));
    const rel = path.relative(root, dir);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) break;
    dir = path.dirname(dir);
  }
  return out;
}

export interface NodeBundle {
  entries: ZipEntry[];
  /** Files esbuild read, relative to the root (forward slashes). */
  inputs: string[];
  warnings: string[];
}

/** Runs esbuild with the options from `esbuildOptionsFor`; failures become a UserError naming the function. */
export async function bundleNode(fn: FunctionSpec, options: BuildOptions): Promise<NodeBundle> {
  const esbuild = await import('esbuild');
  const outdir = path.dirname(options.outfile ?? '');
  const root = options.absWorkingDir ?? process.cwd();
  const entry = toPosix(path.relative(root, fn.handler.file));
  if (!(await stat(fn.handler.file).catch(() => undefined))?.isFile()) {
    throw new UserError(`${fn.key}: the handler file ${entry} does not exist`, { hint: 'check the handler path in the config' });
  }
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build(options);
  } catch (err) {
    const errors = (err as Partial<BuildFailure>).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw err;
    const missing = errors.find((e) => isMissingEntryExport(e));
    if (missing) throw await missingExportError(fn, entry, options);
    const details = (await esbuild.formatMessages(errors, { kind: 'error', color: false })).join('').trimEnd();
    throw new UserError(`${fn.key}: esbuild could not bundle ${entry}\n${details}`, {
      hint: hintFor(errors),
    });
  }
  const entryKey = toPosix(path.relative(root, path.join(options.stdin?.resolveDir ?? root, ENTRY_SOURCEFILE)));
  const inputs = Object.keys(result.metafile?.inputs ?? {}).filter((k) => k !== entryKey && !/^[a-z-]+:/.test(k) && !k.startsWith('<'));
  const entries: ZipEntry[] = (result.outputFiles ?? []).map((f) => ({
    path: toPosix(path.relative(outdir, f.path)),
    data: Buffer.from(f.contents),
  }));
  const warnings = result.warnings.length
    ? (await esbuild.formatMessages(result.warnings, { kind: 'warning', color: false })).map((w) => w.trimEnd())
    : [];
  return { entries, inputs, warnings };
}

/** esbuild's complaint about our virtual entry (`export { x } from './handler.ts'`): the user's file lacks the export. */
function isMissingEntryExport(e: Message): boolean {
  return e.text.startsWith('No matching export') && (e.location?.file ?? '').endsWith(ENTRY_SOURCEFILE);
}

/**
 * The handler names an export its file does not have. esbuild reports it at the virtual entry, a file
 * the user never wrote: say it about the user's file instead, with the exports it does have.
 */
async function missingExportError(fn: FunctionSpec, entry: string, options: BuildOptions): Promise<UserError> {
  const name = fn.handler.exportName;
  const exports = await exportsOf(fn.handler.file, options);
  const has = exports === undefined ? '' : exports.length ? ` (it exports ${exports.join(', ')})` : ' (it has no exports)';
  const guess = exports && didYouMean(name, exports);
  const base = entry.replace(/\.[cm]?[jt]sx?$/, '');
  return new UserError(`${fn.key}: ${entry} has no export named ${name}${has}`, {
    hint: guess
      ? `did you mean ${guess}? name it in the handler field: ${base}.${guess}`
      : `export a function named ${name} from ${entry}, or name one it exports in the handler field: ${base}.<export>`,
  });
}

/** The names a file exports, as esbuild sees them; `undefined` when it cannot tell. */
async function exportsOf(file: string, options: BuildOptions): Promise<string[] | undefined> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      absWorkingDir: options.absWorkingDir,
      // Local files bundled so `export * from './impl'` counts; packages stay out (cheap, and never fail here).
      bundle: true,
      packages: 'external',
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      outdir: 'out',
      logLevel: 'silent',
    });
    const out = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
    return out ? [...out.exports].sort() : undefined;
  } catch {
    return undefined;
  }
}

function hintFor(errors: Message[]): string {
  const unresolved = errors
    .map((e) => /^Could not resolve "([^"]+)"/.exec(e.text)?.[1])
    .find((s) => s && !s.startsWith('.') && !s.startsWith('/'));
  if (unresolved) {
    const pkg = unresolved
      .split('/')
      .slice(0, unresolved.startsWith('@') ? 2 : 1)
      .join('/');
    return `install it (npm install ${pkg}) or, if the runtime or a layer provides it, add it to bundle.external`;
  }
  if (errors.some((e) => e.text.startsWith('No matching export')))
    return 'the handler names an export the file does not have: check the export name in the config';
  return 'fix the errors above in the function source';
}
