import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildFunction, esbuildOptionsFor } from '../../../src/package/index.js';
import { nodeFunction } from './builders.js';
import { bundleProgram, cleanupTmp, copyFixture, REPO, tmpDir, unzip, zipNames } from './helpers.js';

/** Imports `index.mjs` from an extracted zip in a fresh node, with only @aws-sdk resolvable (as in Lambda). */
async function invoke(extracted: string, event: unknown): Promise<unknown> {
  const { symlink, mkdir } = await import('node:fs/promises');
  await mkdir(path.join(extracted, 'node_modules'), { recursive: true });
  await symlink(path.join(REPO, 'node_modules/@aws-sdk'), path.join(extracted, 'node_modules/@aws-sdk'), 'dir').catch(() => {});
  const script = `const m = await import('./index.mjs'); console.log(JSON.stringify(await m.handler(${JSON.stringify(event)})));`;
  const { stdout } = await execa('node', ['--input-type=module', '-e', script], { cwd: extracted });
  return JSON.parse(stdout);
}

let root: string;
beforeAll(async () => {
  root = await copyFixture('node-app');
});
afterAll(cleanupTmp);

describe('buildFunction (Node.js)', () => {
  it('bundles handler, local import and npm import into one index.mjs whose handler runs from the zip', async () => {
    const logs: string[] = [];
    const artifact = await buildFunction(nodeFunction(root), { root, force: true, log: (m) => logs.push(m) });
    expect(artifact).toMatchObject({
      key: 'greet',
      name: 'demo-dev-greet',
      runtime: 'nodejs22.x',
      zipPath: path.join(root, '.ops/build/greet/greet.zip'),
      files: 1,
      cached: false,
    });
    expect(artifact.codeSha256).toBe(Buffer.from(artifact.sha256, 'hex').toString('base64'));
    expect(await zipNames(artifact.zipPath)).toEqual(['index.mjs']);
    expect(logs).toEqual([expect.stringMatching(/^greet: built \.ops\/build\/greet\/greet\.zip \(.+, 1 files, .+ unzipped\) in \d+ ms$/)]);

    const out = await tmpDir('ops-node-extract-');
    await unzip(artifact.zipPath, out);
    const code = await readFile(path.join(out, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from "@aws-sdk\/client-lambda"/); // external: the runtime provides it
    expect(code).not.toMatch(/from "zod/); // bundled
    expect(code.startsWith("import { createRequire as __opsCreateRequire } from 'node:module';")).toBe(true);
    expect(await invoke(out, { name: 'ada' })).toEqual({ message: 'hello, ada', sdk: 'function', platform: process.platform });
  });

  it('needs the createRequire banner for bundled CommonJS that requires a built-in', async () => {
    const options = esbuildOptionsFor(nodeFunction(root), { root, outdir: path.join(root, 'nobanner') });
    const result = await build({ ...options, banner: undefined });
    const out = await tmpDir('ops-node-nobanner-');
    await writeFile(path.join(out, 'index.mjs'), result.outputFiles?.[0].contents ?? '');
    await expect(invoke(out, { name: 'x' })).rejects.toThrow(/Dynamic require of "node:os" is not supported/);
  });

  it('bundles @aws-sdk/* too when bundleAwsSdk is set', async () => {
    const fn = nodeFunction(root, { key: 'greet-sdk', bundle: { bundleAwsSdk: true, minify: true } });
    const artifact = await buildFunction(fn, { root, force: true });
    const out = await tmpDir('ops-node-sdk-');
    await unzip(artifact.zipPath, out);
    expect(await readFile(path.join(out, 'index.mjs'), 'utf8')).not.toMatch(/from"@aws-sdk\//);
  });

  it('adds index.mjs.map, linked from index.mjs, when sourcemap is set', async () => {
    const fn = nodeFunction(root, { key: 'greet-map', bundle: { sourcemap: true } });
    const artifact = await buildFunction(fn, { root, force: true });
    expect(await zipNames(artifact.zipPath)).toEqual(['index.mjs', 'index.mjs.map']);
    const out = await tmpDir('ops-node-map-');
    await unzip(artifact.zipPath, out);
    expect(await readFile(path.join(out, 'index.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\n$/);
    const map = JSON.parse(await readFile(path.join(out, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources).toContain('../../../src/functions/greet/handler.ts');
    expect(map.sourcesContent).toBeUndefined();
  });

  it('is deterministic: same sha256 on a rebuild and from another checkout directory', async () => {
    const a = await buildFunction(nodeFunction(root), { root, force: true });
    const b = await buildFunction(nodeFunction(root), { root, force: true });
    const other = await copyFixture('node-app');
    const c = await buildFunction(nodeFunction(other), { root: other, force: true });
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).toBe(a.sha256);
  });

  it('gives the same sha256 when built in other time zones (fresh processes)', async () => {
    const program = await bundleProgram(
      root,
      'build-tz',
      `import { buildFunction } from '../../../src/package/index.js';
       const [fnJson, root, outDir] = process.argv.slice(2);
       const a = await buildFunction(JSON.parse(fnJson), { root, outDir, force: true });
       console.log(a.sha256);`,
    );
    const fn = JSON.stringify(nodeFunction(root));
    const shas = await Promise.all(
      ['Asia/Tokyo', 'America/Los_Angeles'].map(async (TZ) => {
        const { stdout } = await execa('node', [program, fn, root, `.ops/tz-${TZ.replace('/', '-')}`], { env: { TZ } });
        return stdout.trim();
      }),
    );
    const here = await buildFunction(nodeFunction(root), { root, force: true });
    expect(shas).toEqual([here.sha256, here.sha256]);
  });
});

describe('build cache (Node.js)', () => {
  it('reuses the zip while the inputs are unchanged, and rebuilds when one changes', async () => {
    const cacheRoot = await copyFixture('node-app');
    const fn = nodeFunction(cacheRoot);
    const cold = await buildFunction(fn, { root: cacheRoot });
    expect(cold.cached).toBe(false);

    const logs: string[] = [];
    const warm = await buildFunction(fn, { root: cacheRoot, log: (m) => logs.push(m) });
    expect(warm).toMatchObject({ cached: true, sha256: cold.sha256, zipPath: cold.zipPath, size: cold.size });
    expect(warm.buildMs).toBeLessThan(cold.buildMs);
    expect(logs).toEqual([expect.stringMatching(/^greet: unchanged, reusing \.ops\/build\/greet\/greet\.zip/)]);

    const manifest = JSON.parse(await readFile(path.join(cacheRoot, '.ops/build/greet/manifest.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining(['src/functions/greet/handler.ts', 'src/lib/format.ts', 'src/lib/legacy.cjs', 'package.json']),
    );
    expect(Object.keys(manifest.inputs).some((k) => k.includes('node_modules/zod/'))).toBe(true);
    expect(manifest.inputs['src/functions/greet/tsconfig.json']).toBeNull();

    // A new mtime with the same content is still a hit: content decides.
    const lib = path.join(cacheRoot, 'src/lib/format.ts');
    await utimes(lib, new Date(), new Date(Date.now() + 60_000));
    expect((await buildFunction(fn, { root: cacheRoot })).cached).toBe(true);

    await writeFile(lib, (await readFile(lib, 'utf8')).replace('hello, ', 'hi, '));
    const edited = await buildFunction(fn, { root: cacheRoot });
    expect(edited.cached).toBe(false);
    expect(edited.sha256).not.toBe(cold.sha256);
    expect((await buildFunction(fn, { root: cacheRoot })).cached).toBe(true);

    const forced = await buildFunction(fn, { root: cacheRoot, force: true });
    expect(forced).toMatchObject({ cached: false, sha256: edited.sha256 });
  });

  it('rebuilds when a tsconfig.json appears, the options change, or the zip is tampered with', async () => {
    const cacheRoot = await copyFixture('node-app');
    const fn = nodeFunction(cacheRoot);
    const first = await buildFunction(fn, { root: cacheRoot });

    await writeFile(path.join(cacheRoot, 'src/functions/greet/tsconfig.json'), '{}\n');
    expect((await buildFunction(fn, { root: cacheRoot })).cached).toBe(false);
    expect((await buildFunction(fn, { root: cacheRoot })).cached).toBe(true);

    const minified = await buildFunction(nodeFunction(cacheRoot, { bundle: { minify: true } }), { root: cacheRoot });
    expect(minified.cached).toBe(false);
    expect(minified.size).toBeLessThan(first.size);

    await writeFile(minified.zipPath, 'not the zip');
    const repaired = await buildFunction(nodeFunction(cacheRoot, { bundle: { minify: true } }), { root: cacheRoot });
    expect(repaired).toMatchObject({ cached: false, sha256: minified.sha256 });

    await rm(repaired.zipPath);
    expect((await buildFunction(nodeFunction(cacheRoot, { bundle: { minify: true } }), { root: cacheRoot })).cached).toBe(false);
  });
});

describe('build errors (Node.js)', () => {
  it('names the function and suggests npm install for an unresolved package', async () => {
    const broken = await copyFixture('node-app');
    const file = path.join(broken, 'src/functions/greet/handler.ts');
    await writeFile(file, `import left from 'left-pad-not-installed/sub';\nexport const handler = async () => left;\n`);
    const err = await buildFunction(nodeFunction(broken), { root: broken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(
      /^greet: esbuild could not bundle src\/functions\/greet\/handler\.ts\n.*Could not resolve "left-pad-not-installed\/sub"/s,
    );
    expect((err as UserError).hint).toMatch(/npm install left-pad-not-installed\b.*bundle\.external/);
  });

  it('names a handler file that does not exist', async () => {
    const fn = nodeFunction(root, { key: 'greet-gone', handler: { file: path.join(root, 'src/functions/gone/handler.ts') } });
    await expect(buildFunction(fn, { root })).rejects.toThrow('greet-gone: the handler file src/functions/gone/handler.ts does not exist');
  });

  it("names the user's file and the missing export, never esbuild's internal entry", async () => {
    const fn = nodeFunction(root, { key: 'greet-missing', handler: { exportName: 'main', lambdaHandler: 'index.main' } });
    const err = await buildFunction(fn, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('greet-missing: src/functions/greet/handler.ts has no export named main (it exports handler)');
    expect((err as UserError).hint).toBe(
      'export a function named main from src/functions/greet/handler.ts, or name one it exports in the handler field: src/functions/greet/handler.<export>',
    );
    expect(`${(err as UserError).message}\n${(err as UserError).hint}`).not.toContain('__ops_entry__');
  });

  it('suggests the closest export, counting those re-exported from local files', async () => {
    const dir = await copyFixture('node-app');
    const file = path.join(dir, 'src/functions/greet/handler.ts');
    await writeFile(path.join(dir, 'src/functions/greet/impl.ts'), 'export const handlr = async () => 1;\nexport const other = 2;\n');
    await writeFile(file, "export * from './impl';\nexport default async () => 0;\n");
    const err = await buildFunction(nodeFunction(dir), { root: dir }).catch((e: unknown) => e);
    expect((err as UserError).message).toBe(
      'greet: src/functions/greet/handler.ts has no export named handler (it exports default, handlr, other)',
    );
    expect((err as UserError).hint).toBe('did you mean handlr? name it in the handler field: src/functions/greet/handler.handlr');
  });
});
