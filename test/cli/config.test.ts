import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// `ops config` reads no AWS: no emulator, and an endpoint nothing listens on to prove it.
const env = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_PROFILE: '' };
const config = {
  app: 'shop',
  params: {
    'table-name': {},
    'api-key': { secure: true, plaintextEnv: true },
    'db-url': { secure: true },
  },
  resources: { alerts: { type: 'table', partitionKey: 'id' } },
  functions: {
    orders: {
      handler: 'src/orders.ts',
      environment: { LOG_LEVEL: 'debug', MAILER_ARN: { ref: 'function.mailer.arn' } },
      params: [{ name: 'table-name', resolve: true, env: 'TABLE' }, { name: 'api-key', resolve: true }, 'db-url'],
      invokes: ['mailer'],
      uses: { alerts: 'readwrite' },
    },
    mailer: { handler: 'src/orders.ts' },
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ops-config-cli-'));
  await mkdir(path.join(dir, 'src'));
  await writeFile(path.join(dir, 'src/orders.ts'), 'export const handler = async () => ({ ok: true });\n');
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';\nexport default defineFleet(${JSON.stringify(config, null, 2)});\n`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ops config: the environment each function gets, with where each variable comes from', () => {
  it('lists the variables resolve: true params, references and resources in uses produce, never a value', async () => {
    const r = await runCli(['config'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const at = r.stdout.split('\n').indexOf('orders: invokes mailer');
    expect(at).toBeGreaterThan(0);
    const block = r.stdout.split('\n').slice(at + 1, at + 9);
    expect(block).toEqual([
      '  environment              from',
      '  ALERTS_TABLE             uses alerts: table shop-dev-alerts (readwrite)',
      '  LOG_LEVEL                config',
      '  MAILER_ARN               function.mailer.arn, filled in at deploy time',
      '  MAILER_FUNCTION_NAME     invokes mailer',
      '  OPS_PARAM_DB_URL         param db-url: its SSM name (the value is read at run time)',
      '  OPS_PARAM_VALUE_API_KEY  param api-key: its value, read at deploy time (secure, in plain text: plaintextEnv)',
      '  TABLE                    param table-name: its value, read at deploy time',
    ]);
  });

  it('--json carries the same sources beside the environment', async () => {
    const r = await runCli(['config', '--json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const orders = r.json().functions.find((f: { key: string }) => f.key === 'orders');
    expect(orders.environmentSources).toEqual([
      { name: 'ALERTS_TABLE', from: 'uses', resource: 'alerts', type: 'table', physicalName: 'shop-dev-alerts', access: 'readwrite' },
      { name: 'LOG_LEVEL', from: 'config' },
      { name: 'MAILER_ARN', from: 'ref', ref: 'function.mailer.arn' },
      { name: 'MAILER_FUNCTION_NAME', from: 'invokes', function: 'mailer' },
      { name: 'OPS_APP', from: 'ops' },
      { name: 'OPS_PARAM_DB_URL', from: 'param', param: 'db-url', secure: true },
      { name: 'OPS_PARAM_VALUE_API_KEY', from: 'param', param: 'api-key', resolvedAtDeploy: true, secure: true },
      { name: 'OPS_STAGE', from: 'ops' },
      { name: 'TABLE', from: 'param', param: 'table-name', resolvedAtDeploy: true },
    ]);
  });
});
