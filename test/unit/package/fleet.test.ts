import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildFleet } from '../../../src/package/index.js';
import { nodeFunction, pythonFunction } from './builders.js';
import { cleanupTmp, copyFixture } from './helpers.js';

afterAll(cleanupTmp);

describe('buildFleet', () => {
  it('builds Node.js and Python functions a few at a time, results in input order', async () => {
    const root = await copyFixture('node-app');
    const py = await copyFixture('python-app');
    const fns = [
      nodeFunction(root, { key: 'a' }),
      nodeFunction(root, { key: 'b', bundle: { minify: true } }),
      nodeFunction(root, { key: 'c', bundle: { sourcemap: true } }),
      pythonFunction(py, { key: 'd' }),
    ];
    const logs: string[] = [];
    const artifacts = await buildFleet(fns, { root, concurrency: 2, log: (m) => logs.push(m) });
    expect(artifacts.map((a) => a.key)).toEqual(['a', 'b', 'c', 'd']);
    expect(artifacts.map((a) => path.relative(root, a.zipPath))).toEqual([
      '.ops/build/a/a.zip',
      '.ops/build/b/b.zip',
      '.ops/build/c/c.zip',
      '.ops/build/d/d.zip',
    ]);
    expect(logs).toHaveLength(4);
    expect((await buildFleet(fns, { root })).every((a) => a.cached)).toBe(true);
  });

  it('finishes the other functions and reports every failure at once', async () => {
    const root = await copyFixture('node-app');
    const broken = path.join(root, 'src/functions/greet/broken.ts');
    await writeFile(broken, 'export const handler = ;\n');
    const fns = [
      nodeFunction(root, { key: 'bad-1', handler: { file: broken } }),
      nodeFunction(root, { key: 'good' }),
      nodeFunction(root, { key: 'bad-2', handler: { file: broken } }),
    ];
    const err = await buildFleet(fns, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      '2 functions failed to build:\n  bad-1: esbuild could not bundle src/functions/greet/broken.ts\n  bad-2: esbuild could not bundle src/functions/greet/broken.ts',
    );
    const [good] = await buildFleet([fns[1]], { root });
    expect(good.cached).toBe(true);
  });

  it('refuses the same function twice (they would share a build directory)', async () => {
    await expect(buildFleet([nodeFunction('/x'), nodeFunction('/x')], { root: '/x' })).rejects.toThrow(/greet listed twice/);
  });
});
