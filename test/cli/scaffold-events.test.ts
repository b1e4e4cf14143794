import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { startDevServer } from '../../src/dev/server.js';
import { runCli } from '../support/cli.js';

const base = mkdtempSync(path.join(tmpdir(), 'ops-scaffold-events-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
// Nothing may reach AWS: samples run locally only.
const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_ENDPOINT_URL: '' };
const dir = path.join(base, 'fleet');
const ops = (args: string[]) => runCli(args, { cwd: dir, env });

/** The SQS sample with a second message whose body is not JSON: the scaffolded handler throws on it. */
function withBadMessage(sampleFile: string): string {
  const sample = JSON.parse(readFileSync(sampleFile, 'utf8'));
  sample.Records.push({ ...sample.Records[0], messageId: 'bad-1', body: 'not json', md5OfBody: '83e12cc6068a0f3c5555be0d55fb01bb' });
  const file = path.join(base, `${path.basename(path.dirname(path.dirname(sampleFile)))}-bad.json`);
  writeFileSync(file, JSON.stringify(sample));
  return file;
}

/** Issue 14 item 3: `ops new function --event sqs|dynamodb|s3|eventbridge`, and local runs of their samples. */
describe('ops new function for an event source', () => {
  beforeAll(async () => {
    expect((await runCli(['init', dir], { cwd: base, env })).code).toBe(0);
    for (const [name, event, runtime] of [
      ['jobs', 'sqs', 'nodejs22.x'],
      ['py-jobs', 'sqs', 'python3.12'],
      ['changes', 'dynamodb', 'nodejs22.x'],
      ['uploads', 's3', 'python3.12'],
      ['orders', 'eventbridge', 'nodejs22.x'],
    ]) {
      const r = await ops(['new', 'function', name, '--event', event, '--runtime', runtime]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 60_000);

  it('writes the trigger as a commented line the config still loads with, and the sample with its expectation', async () => {
    const config = readFileSync(path.join(dir, 'ops.config.ts'), 'utf8');
    expect(config).toContain("      // triggers: [{ sqs: '<queue key in resources>' }],");
    expect(config).toContain("// triggers: [{ s3: '<bucket key in resources>', events: ['s3:ObjectCreated:*'] }],");
    const fleet = (await ops(['config', '--json'])).json();
    expect(fleet.functions.map((f: any) => f.key)).toEqual(['hello', 'jobs', 'py-jobs', 'changes', 'uploads', 'orders']);
    const sqs = JSON.parse(readFileSync(path.join(dir, 'src/functions/jobs/events/sqs.json'), 'utf8'));
    expect(sqs.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:fleet-dev-jobs',
      body: '{"hello":"world"}',
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'src/functions/jobs/events/sqs.expect.json'), 'utf8'))).toEqual({
      body: { batchItemFailures: [] },
    });
    // The batch helper the TypeScript handler imports is written beside the params helper.
    expect(readFileSync(path.join(dir, 'src/functions/_shared/sqs.ts'), 'utf8')).toBe(
      readFileSync(path.resolve('src/functions/_shared/sqs.ts'), 'utf8'),
    );
  });

  it('an SQS handler in TypeScript and in Python reports only the failing message of its sample', async () => {
    for (const [fn, sample] of [
      ['jobs', 'src/functions/jobs/events/sqs.json'],
      ['py-jobs', 'src/functions/py_jobs/events/sqs.json'],
    ]) {
      const ok = await ops(['invoke', fn, '--local', '--json', '--event-file', sample]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.json().result, fn).toEqual({ batchItemFailures: [] });
      const bad = await ops(['invoke', fn, '--local', '--json', '--event-file', withBadMessage(path.join(dir, sample))]);
      expect(bad.code, bad.stderr).toBe(0);
      expect(bad.json().result, fn).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
    }
  }, 60_000);

  it('ops smoke --local runs every new sample and passes', async () => {
    const r = await ops(['smoke', '--local', 'jobs', 'py-jobs', 'changes', 'uploads', 'orders', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const results = r.json().results as { fn: string; sample: string; ok: boolean }[];
    expect(results.map((x) => [x.fn, x.sample, x.ok])).toEqual([
      ['jobs', 'sqs', true],
      ['py-jobs', 'sqs', true],
      ['changes', 'dynamodb', true],
      ['uploads', 's3', true],
      ['orders', 'eventbridge', true],
    ]);
  }, 60_000);

  it('the S3 handler decodes the URL-encoded key; the stream handler reads the attribute-value images', async () => {
    const s3 = await ops(['invoke', 'uploads', '--local', '--json', '--event-file', 'src/functions/uploads/events/s3.json']);
    expect(s3.code, s3.stderr).toBe(0);
    expect(s3.json().logs).toContain('"key": "reports/March report (2025).csv"');
    const ddb = await ops(['invoke', 'changes', '--local', '--json', '--event-file', 'src/functions/changes/events/dynamodb.json']);
    expect(ddb.code, ddb.stderr).toBe(0);
    expect(ddb.json().logs).toContain(
      '"event":"MODIFY","keys":{"pk":"item-101"},"new":{"pk":"item-101","message":"changed item","count":2}',
    );
  }, 60_000);
});

/** Issue 14 item 7: a local run gets the variables of the function's `uses` as deployed, and says where they point. */
describe('a local run of a function that uses a resource', () => {
  it('has ALERTS_TABLE set to the stage table, named once on stderr', async () => {
    const config = path.join(dir, 'ops.config.ts');
    const text = readFileSync(config, 'utf8');
    writeFileSync(
      config,
      text
        .replace("region: 'eu-west-1',", "region: 'eu-west-1',\n  resources: { alerts: { type: 'table', partitionKey: 'id' } },")
        .replace(
          "handler: 'src/functions/orders/handler.ts',",
          "handler: 'src/functions/orders/handler.ts',\n      uses: { alerts: 'read' },",
        ),
    );
    writeFileSync(
      path.join(dir, 'src/functions/orders/handler.ts'),
      'export const handler = async () => ({ table: process.env.ALERTS_TABLE });\n',
    );
    const r = await ops(['invoke', 'orders', '--local', '--json', '--event-file', 'src/functions/orders/events/eventbridge.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().result).toEqual({ table: 'fleet-dev-alerts' });
    expect(r.stderr.match(/orders uses: alerts -> table fleet-dev-alerts\n/g)).toHaveLength(1);
  }, 30_000);

  it('ops dev serves it with the same variable and says so once, at start', async () => {
    const config = path.join(dir, 'ops.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace("uses: { alerts: 'read' },", "uses: { alerts: 'read' },\n      routes: ['GET /orders'],"),
    );
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    const info: string[] = [];
    const server = await startDevServer({ fleet, port: 0, env, watch: false, hooks: { info: (m) => info.push(m) } });
    try {
      expect(await (await fetch(`${server.url}/orders`)).json()).toEqual({ table: 'fleet-dev-alerts' });
      await server.rebuild(['orders']);
      expect(info.filter((m) => m.includes('uses:'))).toEqual(['orders uses: alerts -> table fleet-dev-alerts']);
    } finally {
      await server.close();
    }
  }, 30_000);
});
