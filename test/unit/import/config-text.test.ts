import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../../src/config/load.js';
import { configText } from '../../../src/import/config-text.js';
import type { ImportedFleet, ImportedFunction } from '../../../src/import/model.js';
import { planFunctions } from '../../../src/import/run.js';

/** `ops import`'s config writer: from a read model to text, which the real config loader accepts. */

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const fn = (name: string, over: Partial<ImportedFunction> = {}): ImportedFunction => ({
  name,
  arn: `${ARN}${name}`,
  packageType: 'Zip',
  runtime: 'python3.12',
  handler: 'lambda_function.lambda_handler',
  memory: 256,
  timeout: 30,
  architecture: 'x86_64',
  environment: {},
  roleName: 'AutoRescueLambdaExecutionRole',
  layers: [],
  tags: {},
  aliases: [],
  rules: [],
  sns: [],
  mappings: [],
  routes: [],
  hasUrl: false,
  hasDestinations: false,
  callers: [],
  ...over,
});

const fleet = (functions: ImportedFunction[], over: Partial<ImportedFleet> = {}): ImportedFleet => ({
  app: 'autorescue',
  region: 'us-east-1',
  stage: 'prod',
  functions,
  apis: [],
  ...over,
});

const text = (f: ImportedFleet) => configText(f, planFunctions(f.functions, 'autorescue-').planned);

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Writes the config and a handler file for each function, then loads it for the stage as `ops plan` does. */
async function load(f: ImportedFleet, stage = 'prod') {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-import-text-'));
  dirs.push(dir);
  for (const p of planFunctions(f.functions, 'autorescue-').planned) {
    const file = p.place.handler.replace(/\.[A-Za-z_]+$/, p.language === 'python' ? '.py' : '.js');
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(
      path.join(dir, file),
      p.language === 'python' ? 'def lambda_handler(e, c):\n    return 1\n' : 'exports.handler = async () => 1;\n',
    );
  }
  await writeFile(path.join(dir, 'ops.config.ts'), text(f).text);
  return loadFleet({ cwd: dir, stage, env: {} });
}

describe('ops import: the config text', () => {
  it('keeps names for the stage, adopts, names the shared role, and keeps Lambda settings as they run', async () => {
    const f = fleet([
      fn('autorescue-search-flights', { environment: { AMADEUS_BASE_URL: 'https://test.api', AMADEUS_CLIENT_SECRET: 's3cr3t-value' } }),
      fn('autorescue-notify', { runtime: 'nodejs22.x', handler: 'index.handler', memory: 128, timeout: 3, logRetentionDays: 14 }),
    ]);
    const out = text(f);
    expect(out.text).toContain("import { defineFleet } from 'opsfleet';");
    expect(out.text).toContain("role: 'AutoRescueLambdaExecutionRole',");
    expect(out.text).toContain("name: { prod: 'autorescue-search-flights' },");
    expect(out.text).toContain("handler: 'src/functions/search_flights/lambda_function.lambda_handler',");
    expect(out.text).toContain("handler: 'src/functions/notify/index.handler',");
    expect(out.text).toContain("AMADEUS_BASE_URL: 'https://test.api',");
    expect(out.text).not.toContain('s3cr3t-value');
    // The secret-looking variable is a secure param resolved into the same variable at deploy: no value written.
    expect(out.text).toContain("params: [{ name: 'amadeus-client-secret', env: 'AMADEUS_CLIENT_SECRET', resolve: true }]");
    expect(out.text).toMatch(/'amadeus-client-secret': \{\s*secure: true,\s*plaintextEnv: true,/);
    expect(out.text).not.toMatch(/AMADEUS_CLIENT_SECRET: '/);
    expect(out.secrets).toEqual(['search-flights: AMADEUS_CLIENT_SECRET (param amadeus-client-secret)']);
    // Fields in the README's order.
    const entry = out.text.slice(out.text.indexOf("'search-flights'"));
    const order = ['name:', 'adopt:', 'handler:', 'runtime:', 'memory:', 'timeout:', 'environment:', 'logRetentionDays:'].map((k) =>
      entry.indexOf(k),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));

    const loaded = await load(f);
    const byKey = Object.fromEntries(loaded.functions.map((x) => [x.key, x]));
    expect(byKey['search-flights']?.name).toBe('autorescue-search-flights');
    expect(byKey['search-flights']?.handler.lambdaHandler).toBe('lambda_function.lambda_handler');
    expect(byKey.notify?.handler.lambdaHandler).toBe('index.handler');
    expect(byKey.notify).toMatchObject({ memory: 128, timeout: 3 });
  });

  it('another stage gets the derived names (the kept ones belong to the imported stage)', async () => {
    const loaded = await load(fleet([fn('autorescue-search-flights')]), 'dev');
    expect(loaded.functions[0]?.name).toBe('autorescue-dev-search-flights');
  });

  it('writes the API with its kept name and routes, and leaves alone an API ops cannot own whole', () => {
    const f = fleet(
      [
        fn('autorescue-search-flights', {
          routes: [
            { apiId: 'a1', routeKey: 'POST /search' },
            { apiId: 'b2', routeKey: 'GET /admin' },
          ],
        }),
      ],
      {
        apis: [
          { id: 'a1', name: 'autorescue-api', cors: { allowOrigins: ['*'] } },
          { id: 'b2', name: 'admin', unsupported: 'route GET /admin has JWT authorization' },
        ],
      },
    );
    const out = text(f);
    expect(out.text).toContain("api: { name: { prod: 'autorescue-api' }, adopt: true, cors: { allowOrigins: ['*'] } },");
    expect(out.text).toContain("routes: ['POST /search'],");
    expect(out.text).not.toContain('GET /admin');
    expect(out.leftAlone).toEqual(['search-flights: route GET /admin of API admin: route GET /admin has JWT authorization']);
  });

  it('schedules keep their rule names; what ops cannot keep is listed, and an image is not imported', () => {
    const f = fleet([
      fn('autorescue-nightly', {
        rules: [
          { name: 'autorescue-nightly-run', schedule: 'rate(1 day)', enabled: true, input: { full: true } },
          { name: 'shared-rule', schedule: 'rate(1 hour)', enabled: true, unsupported: 'it has 2 targets' },
        ],
        sns: [{ topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }],
        mappings: [{ uuid: 'u', sourceArn: 'arn:aws:sqs:us-east-1:123456789012:jobs', kind: 'sqs', reportBatchItemFailures: false }],
        aliases: ['blue'],
        hasUrl: true,
        callers: [
          {
            sid: 'daily',
            principal: 'events.amazonaws.com',
            sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/autorescue-nightly-run',
          },
          { sid: 'up', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::uploads' },
        ],
      }),
      fn('autorescue-render', { packageType: 'Image', runtime: undefined }),
    ]);
    const { planned, skipped } = planFunctions(f.functions, 'autorescue-');
    expect(skipped).toEqual(['autorescue-render: a container image; not imported, left as it is']);
    const out = configText(f, planned);
    expect(out.text.replace(/\s+/g, ' ')).toContain(
      "{ schedule: 'rate(1 day)', ruleName: { prod: 'autorescue-nightly-run' }, adopt: true, input: { full: true }, }",
    );
    expect(out.text).not.toContain('sns:');
    expect(out.text).not.toContain('shared-rule');
    expect(out.text).not.toContain('render');
    expect(out.leftAlone).toEqual([
      'nightly: EventBridge rule shared-rule: it has 2 targets',
      'nightly: SNS subscription to arn:aws:sns:us-east-1:123456789012:alerts (kept as it is: an sns trigger would subscribe live beside it, a second delivery)',
      'nightly: SQS queue mapping from arn:aws:sqs:us-east-1:123456789012:jobs (declare the source under resources with name and adopt to manage it)',
      'nightly: s3.amazonaws.com may invoke it from arn:aws:s3:::uploads (statement up): not in the config, kept as it is',
      'nightly: aliases blue (kept as they are; ops adds and moves live)',
      'nightly: its Function URL (on the function as it is; not managed)',
    ]);
  });
  it('a config with a kept rule name loads through the loader', async () => {
    const loaded = await load(
      fleet([
        fn('autorescue-nightly', {
          rules: [{ name: 'autorescue-nightly-run', schedule: 'rate(1 day)', enabled: false }],
        }),
      ]),
    );
    expect(JSON.stringify(loaded.functions[0]?.triggers)).toContain('autorescue-nightly-run');
  });
});
