// Bundles the CLI into dist/: one small entry (commander, chalk and the command
// definitions) plus lazily loaded chunks for everything a command's handler needs.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

/**
 * What the build is made of: every source file and the lockfile (the versions of zod and the SDK). Keys the
 * caches that depend on ops's own code (a config's validation result, src/config/validated.ts), so that a
 * build never trusts what another build's code decided.
 */
async function buildId() {
  const hash = createHash('sha256');
  const files = (await readdir(path.join(root, 'src'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
  for (const file of [...files, path.join(root, 'package-lock.json')]) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(await readFile(file).catch(() => ''));
  }
  return hash.digest('hex').slice(0, 32);
}

const dist = path.join(root, 'dist');
// Built next to dist/ and swapped in at the end: a failed build leaves the previous one working.
const out = path.join(root, `.dist-${process.pid}`);
await rm(out, { recursive: true, force: true });
await esbuild
  .build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts', define: 'src/config/define.ts', emulator: 'src/emulator/moto.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Everything is bundled but esbuild (a native binary): one file loads far faster than the
    // hundreds of modules of the AWS SDK and zod, and the chunks load only when a command needs them.
    external: ['esbuild'],
    // The SDK's packages ship ES modules beside CommonJS (`module`): bundled from those, a client's modules
    // are hoisted into one scope and what a command does not import is left out, where each CommonJS file
    // is a wrapped function run at load. Loading the Logs client went from ~70-100 ms to ~25-30 ms.
    mainFields: ['module', 'main'],
    define: { __OPS_VERSION__: JSON.stringify(pkg.version), __OPS_BUILD__: JSON.stringify(await buildId()) },
    // commander is CommonJS: give the ESM bundle a require for node builtins.
    banner: { js: "import { createRequire as __opsRequire } from 'node:module'; const require = __opsRequire(import.meta.url);" },
    // Less to parse at every start; the linked source maps keep --debug stacks readable.
    minify: !process.env.NO_MINIFY,
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  })
  .catch(async (err) => {
    await rm(out, { recursive: true, force: true });
    throw err;
  });

// Files the runtime needs as files (runtime shims run in child processes).
const shims = path.join(root, 'src/invoke/local/runtime');
if (existsSync(shims)) {
  await mkdir(path.join(out, 'runtime'), { recursive: true });
  await cp(shims, path.join(out, 'runtime'), { recursive: true });
}
const old = path.join(root, `.dist-old-${process.pid}`);
if (existsSync(dist)) await rename(dist, old);
await rename(out, dist);
await rm(old, { recursive: true, force: true });
