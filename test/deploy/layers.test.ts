import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetFunctionCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
} from '@aws-sdk/client-lambda';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../../src/emulator/moto.js';
import { runCli } from '../support/cli.js';
import { emulatorEnv, isLeaseCall } from '../support/emulator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { edit, repoRoot, uniqueApp } from './fleet.js';
import { startLayerMoto } from './layer-moto.js';

/**
 * Layers built from a directory (Node) and from a directory plus requirements (Python, pip into
 * python/), published only when the zip changes, attached by version ARN, deleted when no function
 * uses them. On its own moto: see startLayerMoto for why.
 */
describe('ops deploy: layers', () => {
  let moto: Moto;
  let env: Record<string, string | undefined>;
  let dir: string;
  let external: string;
  const app = uniqueApp('lay');
  const lambda = () =>
    new LambdaClient({ endpoint: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const ops = (args: string[], e = env) => runCli(args, { cwd: dir, env: e as NodeJS.ProcessEnv });
  const layersOf = async (fn: string) =>
    ((await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-${fn}` }))).Configuration?.Layers ?? []).map((l) => l.Arn);
  const versions = async (layer: string) =>
    ((await lambda().send(new ListLayerVersionsCommand({ LayerName: `${app}-dev-${layer}` }))).LayerVersions ?? []).map((v) => v.Version);
  const layerArn = (layer: string, version: number) => `arn:aws:lambda:us-east-1:123456789012:layer:${app}-dev-${layer}:${version}`;
  const zipNames = async (file: string) => (await execa('unzip', ['-Z1', file])).stdout.split('\n').filter(Boolean).sort();
  const deployCountingWrites = async () => {
    const proxy = await startFaultProxy({ target: moto.url });
    try {
      const r = await ops(['deploy', '--yes'], emulatorEnv(proxy.url));
      expect(r.code, r.stderr).toBe(0);
      return proxy.requests
        .filter((q) => !/^(Get|List|Describe|Head|Filter)/.test(q.operation) && !isLeaseCall(q))
        .map((q) => `${q.service}.${q.operation}`);
    } finally {
      await proxy.close();
    }
  };

  beforeAll(async () => {
    moto = await startLayerMoto();
    env = emulatorEnv(moto.url);
    // A layer ops does not build: attached by ARN as it is.
    const zip = Buffer.from(await readFile(path.join(repoRoot, 'test/fixtures/invoke/node-cjs/index.js')));
    external = (
      await lambda().send(
        new PublishLayerVersionCommand({ LayerName: 'external-tools', Content: { ZipFile: await zipOf('nodejs/tools.js', zip) } }),
      )
    ).LayerVersionArn!;

    dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
    await mkdir(path.join(dir, 'src/api'), { recursive: true });
    await mkdir(path.join(dir, 'src/py'), { recursive: true });
    await mkdir(path.join(dir, 'layers/shared/nodejs/node_modules/greeting'), { recursive: true });
    await mkdir(path.join(dir, 'layers/sdk/python'), { recursive: true });
    await writeFile(path.join(dir, 'src/api/handler.ts'), 'export const handler = async () => ({ ok: true });\n');
    await writeFile(path.join(dir, 'src/py/lambda_function.py'), 'def lambda_handler(event, context):\n    return event\n');
    await writeFile(path.join(dir, 'layers/shared/nodejs/node_modules/greeting/index.js'), "exports.greet = () => 'hello';\n");
    await writeFile(path.join(dir, 'layers/shared/.DS_Store'), 'junk');
    await writeFile(path.join(dir, 'layers/sdk/python/sdk_util.py'), 'VERSION = 1\n');
    await writeFile(path.join(dir, 'layers/sdk/requirements.txt'), 'boto3\n../../pkgs/hello_pkg\n');
    await cp(path.join(repoRoot, 'test/fixtures/build/python-app/pkgs/hello_pkg'), path.join(dir, 'pkgs/hello_pkg'), { recursive: true });
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${app}',
  region: 'us-east-1',
  functions: {
    api: { handler: 'src/api/handler.ts', layers: [{ path: 'layers/shared' }, '${external}'] },
    py: { handler: 'src/py/lambda_function.lambda_handler', layers: [{ path: 'layers/sdk', requirements: 'layers/sdk/requirements.txt' }] },
  },
});
`,
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('builds each layer deterministically, publishes it once and attaches it by version ARN', async () => {
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(await layersOf('api')).toEqual([layerArn('shared', 1), external]);
    expect(await layersOf('py')).toEqual([layerArn('sdk', 1)]);

    const sharedZip = path.join(dir, '.ops/build/layer-shared/shared.zip');
    const sdkZip = path.join(dir, '.ops/build/layer-sdk/sdk.zip');
    expect(await zipNames(sharedZip)).toEqual(['nodejs/node_modules/greeting/index.js']);
    expect(await zipNames(sdkZip)).toEqual([
      'python/hello_pkg-0.1.0.dist-info/INSTALLER',
      'python/hello_pkg-0.1.0.dist-info/METADATA',
      'python/hello_pkg-0.1.0.dist-info/REQUESTED',
      'python/hello_pkg-0.1.0.dist-info/WHEEL',
      'python/hello_pkg/__init__.py',
      'python/sdk_util.py',
    ]);
    // What Lambda holds is the local zip, and its description says which one.
    for (const [layer, zip, runtime] of [
      ['shared', sharedZip, 'nodejs22.x'],
      ['sdk', sdkZip, 'python3.12'],
    ]) {
      const sha = createHash('sha256')
        .update(await readFile(zip))
        .digest('base64');
      const v = await lambda().send(new GetLayerVersionCommand({ LayerName: `${app}-dev-${layer}`, VersionNumber: 1 }));
      expect(v.Content?.CodeSha256).toBe(sha);
      expect(v.Description).toBe(`ops ${app}/dev sha256:${sha}`);
      // Metadata for Lambda's layer lists: the runtime and architecture of the function using it.
      expect([v.CompatibleRuntimes, v.CompatibleArchitectures]).toEqual([[runtime], ['x86_64']]);
    }
  }, 120_000);

  it('a second plan is empty and a second deploy writes nothing', async () => {
    const plan = await ops(['plan']);
    expect(plan.stdout, plan.stderr).toContain('No changes');
    expect(await deployCountingWrites()).toEqual([]);
    // Status agrees with the empty plan: a function with a built layer is in sync (it showed `drift: layers`).
    const status = await ops(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    for (const f of status.json().functions) expect([f.function, f.code, f.configDrift]).toEqual([f.function, 'same', []]);
  }, 60_000);

  it('a changed layer file: one new version, and only the functions using it move to it', async () => {
    await edit(path.join(dir, 'layers/shared/nodejs/node_modules/greeting/index.js'), (t) => t.replace('hello', 'hi'));
    const writes = await deployCountingWrites();
    expect(writes.sort()).toEqual([
      'lambda.PublishLayerVersion',
      'lambda.PublishVersion',
      'lambda.UpdateAlias',
      'lambda.UpdateFunctionConfiguration',
    ]);
    expect(await layersOf('api')).toEqual([layerArn('shared', 2), external]);
    expect(await versions('shared')).toEqual([2, 1]);
    expect(await layersOf('py')).toEqual([layerArn('sdk', 1)]);
  }, 90_000);

  it('layers removed from the config are detached and deleted; the external one stays', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t.replace("layers: [{ path: 'layers/shared' }, ", 'layers: [').replace(/, layers: \[\{ path: 'layers\/sdk'.*\] \}/, ' }'),
    );
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`delete layer ${app}-dev-sdk`);
    // sdk had one version, shared two: the summary counts them in words that agree (was "1 versions deleted").
    expect(r.stderr).toMatch(/1 version deleted/);
    expect(r.stderr).toMatch(/2 versions deleted/);
    expect(await layersOf('api')).toEqual([external]);
    expect(await layersOf('py')).toEqual([]);
    expect(await versions('shared')).toEqual([]);
    expect(await versions('sdk')).toEqual([]);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  }, 90_000);
});

/** A one-file zip, made with the same writer as the builds. */
async function zipOf(name: string, data: Buffer): Promise<Buffer> {
  const { writeDeterministicZip } = await import('../../src/package/zip.js');
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'ops-layer-zip-')), 'layer.zip');
  await writeDeterministicZip([{ path: name, data }], file);
  return readFile(file);
}
