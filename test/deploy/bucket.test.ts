import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../../src/emulator/moto.js';
import { runCli } from '../support/cli.js';
import { clientConfigFor, emulatorEnv, isLeaseCall } from '../support/emulator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { edit, uniqueApp } from './fleet.js';
import { startLayerMoto } from './layer-moto.js';

/**
 * `deploy.bucket`: code staged through an existing S3 bucket (as seeds 000 and 003 upload big
 * packages), one immutable key per zip, uploaded only when that zip is not there yet. Layers too, so
 * on a moto of its own (see startLayerMoto).
 */
describe('ops deploy with deploy.bucket', () => {
  let moto: Moto;
  const emu = {
    get env() {
      return emulatorEnv(moto.url);
    },
    get clientConfig() {
      return clientConfigFor(moto.url);
    },
  };
  const app = uniqueApp('bkt');
  const bucket = `ops-code-${app}`;
  let dir: string;
  const ops = (args: string[], env = emu.env) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });
  const s3 = () => new S3Client({ ...emu.clientConfig, forcePathStyle: true });
  const keys = async () => ((await s3().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key).sort();
  const hex = async (file: string) =>
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  const writesOf = async (args: string[]) => {
    const proxy = await startFaultProxy({ target: moto.url });
    const r = await ops(args, emulatorEnv(proxy.url)).finally(() => proxy.close());
    const reads = (q: { method: string; operation: string }) =>
      ['GET', 'HEAD'].includes(q.method) || /^(Get|List|Describe|Head|Filter)/.test(q.operation);
    return { r, writes: proxy.requests.filter((q) => !reads(q) && !isLeaseCall(q)).map((q) => `${q.service}.${q.operation}`) };
  };

  beforeAll(async () => {
    moto = await startLayerMoto();
    dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
    await mkdir(path.join(dir, 'src/api'), { recursive: true });
    await mkdir(path.join(dir, 'src/py'), { recursive: true });
    await mkdir(path.join(dir, 'layers/shared/python'), { recursive: true });
    await writeFile(path.join(dir, 'layers/shared/python/shared_util.py'), 'VERSION = 1\n');
    await writeFile(path.join(dir, 'src/api/handler.ts'), "export const handler = async () => ({ v: 'one' });\n");
    await writeFile(path.join(dir, 'src/py/lambda_function.py'), 'def lambda_handler(event, context):\n    return event\n');
    await writeFile(path.join(dir, 'src/py/other.py'), 'def lambda_handler(event, context):\n    return {}\n');
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${app}',
  region: 'us-east-1',
  deploy: { bucket: '${bucket}' },
  functions: {
    api: { handler: 'src/api/handler.ts' },
    py: { handler: 'src/py/lambda_function.lambda_handler', layers: [{ path: 'layers/shared' }] },
    // Same root, requirements and layers as py: one build, one staged object (issue 12.11).
    'py-other': { handler: 'src/py/other.lambda_handler', layers: [{ path: 'layers/shared' }] },
  },
});
`,
    );
  }, 60_000);
  afterAll(() => moto?.stop());

  it('a bucket that does not exist: one line naming it and how to create it, exit 1', async () => {
    const r = await ops(['deploy', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`deploy.bucket ${bucket} does not exist in us-east-1`);
    expect(r.stderr).toContain(`aws s3 mb s3://${bucket}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('stages each zip once at ops/functions/{sha256}.zip (functions sharing a build share it) and creates the functions from there', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    const { r, writes } = await writesOf(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(writes.filter((w) => w.startsWith('s3.'))).toHaveLength(3);
    const api = path.join(dir, '.ops/build/api/api.zip');
    const py = path.join(dir, '.ops/build/py/py.zip');
    const layer = path.join(dir, '.ops/build/layer-shared/shared.zip');
    expect(await keys()).toEqual(
      [
        `ops/functions/${await hex(api)}.zip`,
        `ops/functions/${await hex(py)}.zip`,
        `ops/layers/${app}-dev-shared/${await hex(layer)}.zip`,
      ].sort(),
    );
    const lambda = new LambdaClient(emu.clientConfig);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: `${app}-dev-api` }));
    expect(got.Configuration?.CodeSha256).toBe(
      createHash('sha256')
        .update(await readFile(api))
        .digest('base64'),
    );
    const py1 = await lambda.send(new GetFunctionCommand({ FunctionName: `${app}-dev-py` }));
    expect(py1.Configuration?.Layers?.map((l) => l.Arn)).toEqual([`arn:aws:lambda:us-east-1:123456789012:layer:${app}-dev-shared:1`]);
    const other = await lambda.send(new GetFunctionCommand({ FunctionName: `${app}-dev-py-other` }));
    expect(other.Configuration).toMatchObject({ CodeSha256: py1.Configuration?.CodeSha256, Handler: 'other.lambda_handler' });
    lambda.destroy();
  });

  it('a no-op redeploy uploads nothing; a code change puts one object and updates that function from it', async () => {
    const again = await writesOf(['deploy', '--yes']);
    expect(again.r.code, again.r.stderr).toBe(0);
    expect(again.writes).toEqual([]);

    await edit(path.join(dir, 'src/api/handler.ts'), (t) => t.replace("'one'", "'two'"));
    const changed = await writesOf(['deploy', '--yes']);
    expect(changed.r.code, changed.r.stderr).toBe(0);
    expect(changed.writes.filter((w) => w.startsWith('s3.'))).toHaveLength(1);
    expect(changed.writes).toEqual(expect.arrayContaining(['lambda.UpdateFunctionCode', 'lambda.PublishVersion']));
    expect(await keys()).toHaveLength(4);
    const lambda = new LambdaClient(emu.clientConfig);
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: `${app}-dev-api` }));
    expect(got.Configuration?.CodeSha256).toBe(
      createHash('sha256')
        .update(await readFile(path.join(dir, '.ops/build/api/api.zip')))
        .digest('base64'),
    );
    lambda.destroy();
  });
});
