import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { loadFleet } from '../../src/config/load.js';
import { runSmoke } from '../../src/smoke/index.js';
import { createDeployedFunction, queueLambdaResults, tempFleet, unique } from '../invoke/remote-helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults, type Responder } from '../support/fault-proxy.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('ops smoke --local on the repo fleet', () => {
  it('runs every sample with expectations, from the packaged zips, and passes', async () => {
    const r = await runCli(['smoke', '--local', '--json'], { cwd: root });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // Three Node functions share one local caveat (another Node than the runtime's, where it differs): said once.
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([...new Set(warnings)]);
    const report = r.json();
    expect(report.passed).toBe(true);
    expect(report.results.map((x: { fn: string; sample: string }) => `${x.fn}/${x.sample}`).sort()).toEqual(
      [
        'gateway/echo-body',
        'gateway/echo-body-base64',
        'gateway/echo-query',
        'gateway/health',
        'gateway/not-found',
        'gateway/wrong-method',
        'health-check/manual',
        'health-check/scheduled',
        'search-flights/invalid-request',
        'tasks-api/create-task-bad-json',
        'tasks-api/create-task-missing-description',
      ].sort(),
    );
    // Samples that need DynamoDB or Amadeus carry no expectations: not run, and counted.
    expect(report.skipped).toHaveLength(8);
  });

  it('prints a pass/fail table for the functions asked for', async () => {
    const r = await runCli(['smoke', 'gateway', '--local'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^function\s+sample\s+result\s+duration$/);
    expect(lines.slice(1, -1).every((l) => /^gateway\s+\S+\s+pass\s+\d+ms$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('6 passed');
  });
});

describe('ops smoke on a fleet with a failing sample', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempFleet({
      app: 'shop',
      region: 'us-east-1',
      functions: {
        api: {
          handler: `export const handler = async (event: any) => ({
  statusCode: event.status ?? 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: event.health ?? 'ok', items: [1, 2] }),
});\n`,
        },
      },
      samples: {
        api: {
          healthy: { health: 'ok' },
          degraded: { health: 'degraded', status: 503 },
          inline: { payload: { health: 'ok' }, expect: { statusCode: 200, body: { items: [1, 2] } } },
          'no-expectations': {},
        },
      },
    });
    const events = path.join(dir, 'src/functions/api/events');
    await writeFile(path.join(events, 'healthy.expect.json'), '{"statusCode": 200, "body": {"status": "ok"}}');
    await writeFile(path.join(events, 'degraded.expect.json'), '{"statusCode": 200, "body": {"status": "ok", "items": [1]}}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 1 and shows what differs, expected vs actual, per field path', async () => {
    const r = await runCli(['smoke', '--local'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout.replace(/ +\d+ms$/gm, '');
    expect(out).toMatch(/^api\s+degraded\s+FAIL\n/m);
    expect(out).toContain(
      [
        '    ✘ statusCode: expected 200, got 503',
        '    ✘ body.status: expected "ok", got "degraded"',
        '    ✘ body.items: expected 1 items, got 2: [1,2]',
      ].join('\n'),
    );
    expect(out).toMatch(/^api\s+healthy\s+pass$/m);
    expect(out).toMatch(/^api\s+inline\s+pass$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed, 1 sample without expectations not run');
  });

  it('a malformed expectation stops everything with every problem listed', async () => {
    const bad = path.join(dir, 'src/functions/api/events/no-expectations.expect.json');
    await writeFile(bad, '{"status": 200, "maxDurationMs": 0}');
    try {
      const r = await runCli(['smoke', '--local'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        [
          'smoke: shop locally',
          'error: 2 problems in the smoke expectations',
          '  src/functions/api/events/no-expectations.expect.json: status: unknown expectation; known: noError, statusCode, body, maxDurationMs',
          '  src/functions/api/events/no-expectations.expect.json: maxDurationMs: must be a positive number',
          '  hint: fix the fields above and run the command again',
          '',
        ].join('\n'),
      );
    } finally {
      await rm(bad);
    }
  });
});

describe('smoke against deployed versions (the deploy gate API)', () => {
  const emu = useEmulator();
  const REGION = 'eu-north-1'; // a queue of moto results of its own
  const app = unique('smk');
  let dir: string;

  beforeAll(async () => {
    dir = await tempFleet({
      app,
      region: REGION,
      functions: { api: {} },
      samples: { api: { health: { payload: { rawPath: '/health' }, expect: { statusCode: 200, body: { status: 'ok' } } } } },
    });
    await createDeployedFunction(emu.clientConfig, REGION, `${app}-dev-api`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function smoke(endpoint: string, version: string) {
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    const aws = createAws({ region: REGION, endpointUrl: endpoint, env: emu.env as NodeJS.ProcessEnv });
    try {
      return await runSmoke({ fleet, fns: fleet.functions, target: { kind: 'remote', aws, qualifierFor: () => version } });
    } finally {
      aws.destroy();
    }
  }

  it('invokes the version it is given and passes on a good answer', async () => {
    const proxy = await emu.proxy();
    const qualifiers: (string | null)[] = [];
    const spy: Responder = {
      label: 'spy',
      action: (q) => {
        qualifiers.push(q.query.get('Qualifier'));
        return { kind: 'delay', ms: 0 };
      },
    };
    proxy.addFault({ match: { service: 'lambda', operation: 'Invoke' }, respond: spy });
    await queueLambdaResults(emu.url, REGION, [JSON.stringify({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) })]);
    const report = await smoke(proxy.url, '7');
    expect(report).toMatchObject({ passed: true, results: [{ fn: 'api', sample: 'health', ok: true }], skipped: [] });
    expect(qualifiers).toEqual(['7']);
  });

  it("`ops smoke` invokes 'live' and prints the table", async () => {
    const proxy = await emu.proxy();
    await queueLambdaResults(emu.url, REGION, [JSON.stringify({ statusCode: 200, body: JSON.stringify({ status: 'ok' }) })]);
    const r = await runCli(['smoke'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^api\s+health\s+pass\s+\d+ms$/m);
    expect(r.stderr).toContain(`smoke: ${app}/dev in ${REGION}, 'live'`);
    expect(proxy.requests.map((q) => `${q.operation} ${q.status}`)).toEqual(['Invoke 200']);
  });

  it("fails on moto's echo (no statusCode), on a function error, and on an unreachable function", async () => {
    // moto's Lambda echoes the payload: no statusCode, and the whole echo is the (non-HTTP) result.
    const echo = await smoke(emu.url, '1');
    expect(echo.passed).toBe(false);
    expect(echo.results[0].diff).toEqual(['statusCode: expected 200, got nothing', 'body.status: expected "ok", got nothing (missing)']);

    const proxy = await emu.proxy();
    const fault = proxy.addFault({
      match: { service: 'lambda', operation: 'Invoke' },
      times: 1,
      respond: faults.raw(200, '{"errorType":"Runtime.ImportModuleError","errorMessage":"Cannot find module \'x\'"}', {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
      }),
    });
    const failing = await smoke(proxy.url, '2');
    expect(fault.hits).toBe(1);
    expect(failing.passed).toBe(false);
    expect(failing.results[0]).toMatchObject({
      ok: false,
      error: "Runtime.ImportModuleError: Cannot find module 'x'",
      diff: [
        "function error: expected none, got Runtime.ImportModuleError: Cannot find module 'x'",
        expect.stringMatching(/^statusCode/),
        expect.stringMatching(/^body/),
      ],
    });

    proxy.addFault({
      match: { service: 'lambda', operation: 'Invoke' },
      respond: faults.awsError({ status: 404, code: 'ResourceNotFoundException', message: 'Function not found' }),
    });
    const missing = await smoke(proxy.url, '9');
    expect(missing.results[0]).toMatchObject({ ok: false, error: `${app}-dev-api:9 was not found in ${REGION}` });
  });
});
