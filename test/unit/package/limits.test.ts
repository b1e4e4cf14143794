import { randomBytes } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildFunction, LAMBDA_LIMITS, LAMBDA_UNZIPPED_LIMIT, LAMBDA_ZIPPED_LIMIT } from '../../../src/package/index.js';
import { formatBytes, limitsFor } from '../../../src/package/limits.js';
import { nodeFunction, pythonFunction } from './builders.js';
import { cleanupTmp, copyFixture } from './helpers.js';

afterAll(cleanupTmp);

async function buildError(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('Lambda size limits', () => {
  it('are the real quotas: 50 MB zipped for a direct upload, 250 MB unzipped', () => {
    expect(LAMBDA_ZIPPED_LIMIT).toBe(52_428_800);
    expect(LAMBDA_UNZIPPED_LIMIT).toBe(262_144_000);
    expect(LAMBDA_LIMITS).toEqual({ zipped: LAMBDA_ZIPPED_LIMIT, unzipped: LAMBDA_UNZIPPED_LIMIT });
    expect(formatBytes(LAMBDA_ZIPPED_LIMIT)).toBe('50.0 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12)).toBe('12 B');
  });

  it('refuses a zip over the zipped limit, naming function, size, limit and what to do, and leaves no zip behind', async () => {
    const root = await copyFixture('node-app');
    const fn = nodeFunction(root);
    const ok = await buildFunction(fn, { root });
    const err = await buildError(buildFunction(fn, { root, force: true, limits: { zipped: 1000, unzipped: LAMBDA_UNZIPPED_LIMIT } }));
    expect(err.message).toBe(`greet: the zip is ${formatBytes(ok.size)}, over Lambda's 1000 B limit for a direct upload`);
    expect(err.hint).toMatch(/bundle\.external.*layer/);
    await expect(access(ok.zipPath)).rejects.toThrow();
    await expect(access(path.join(root, '.ops/build/greet/manifest.json'))).rejects.toThrow();
  });

  it('refuses code over the unzipped limit before writing a zip', async () => {
    const root = await copyFixture('python-app');
    const err = await buildError(buildFunction(pythonFunction(root), { root, limits: { zipped: LAMBDA_ZIPPED_LIMIT, unzipped: 100 } }));
    expect(err.message).toMatch(/^analyze: the code is \d+ B unzipped, over Lambda's 100 B limit for a deployment package$/);
    expect(err.hint).toMatch(/requirements\.txt.*layer/);
    await expect(access(path.join(root, '.ops/build/analyze/analyze.zip'))).rejects.toThrow();
  });

  it('checks a cached zip against the limits too', async () => {
    const root = await copyFixture('python-app');
    await buildFunction(pythonFunction(root), { root });
    await buildError(buildFunction(pythonFunction(root), { root, limits: { zipped: 10, unzipped: LAMBDA_UNZIPPED_LIMIT } }));
  });

  it('refuses a real 51 MB incompressible function with the real limits', async () => {
    const root = await copyFixture('python-app');
    await writeFile(path.join(root, 'src/functions/analyze/model.bin'), randomBytes(51 * 1024 * 1024));
    const err = await buildError(buildFunction(pythonFunction(root), { root }));
    expect(err.message).toMatch(/^analyze: the zip is 51\.0 MB, over Lambda's 50\.0 MB limit for a direct upload$/);
    expect(err.hint).toContain('deploy.bucket');
    // Staged through S3 (deploy.bucket), the same function builds: only the unzipped quota holds.
    const staged = await buildFunction(pythonFunction(root), { root, limits: limitsFor({ bucket: 'code' }) });
    expect(staged.size).toBeGreaterThan(LAMBDA_ZIPPED_LIMIT);
    expect(limitsFor({})).toEqual(LAMBDA_LIMITS);
  }, 60_000);
});
