import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import { validateFleet } from '../../../src/config/validate.js';
import { desiredAlarms } from '../../../src/resources/alarm/plan.js';

const root = '/proj';
// Handlers named `path/module.function` are Python files here unless a .ts file is named.
const exists = (p: string) => !/\.[mc]?[jt]s$/.test(p) || p.endsWith('/handler.ts');
const resolve = (raw: unknown) => resolveFleet(fleetSchema.parse(raw), { stage: 'dev', root, configPath: '/proj/ops.config.ts', exists });
const problemsOf = (raw: unknown) =>
  Object.fromEntries(validateFleet(raw, { stage: 'dev', exists: () => true }).problems.map((p) => [p.path, p.message]));

const SDK_LAYER = { path: 'layers/sdk', name: 'sdk' };
const LAYER_ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:otel:3';

/** Seed 001's shape: three Python services that read the same connection params and share one layer. */
const seed001 = (fns: Record<string, unknown>) => ({
  app: 'motadata',
  params: { 'database-url': { secure: true }, 'redis-url': { secure: true }, 'llm/api-key': { secure: true }, 'rag-url': {} },
  defaults: {
    runtime: 'python3.12',
    root: 'services',
    params: ['database-url', 'redis-url'],
    layers: [SDK_LAYER],
    permissions: [{ Action: 'xray:PutTraceSegments', Resource: '*' }],
    vpc: { subnetIds: ['subnet-0a1'], securityGroupIds: ['sg-0b2'] },
    exclude: ['**/*.md'],
  },
  functions: fns,
});

describe('defaults: params, layers, permissions, vpc, root and globs for every function (issue 12.9)', () => {
  it("adds the defaults' params, layers, permissions and globs to each function's own, and gives vpc and root to those without", () => {
    const f = resolve(
      seed001({
        agent: {
          handler: 'services/agent/lambda_handler.handler',
          params: [{ name: 'rag-url', env: 'RAG_SERVICE_URL', resolve: true }],
          layers: [LAYER_ARN],
          exclude: ['agent/fixtures/**'],
        },
        gateway: {
          handler: 'services/gateway/lambda_handler.handler',
          params: ['llm/api-key'],
          permissions: [{ Action: 'bedrock:InvokeModel', Resource: '*' }],
          vpc: { subnetIds: ['subnet-0c3'], securityGroupIds: ['sg-0d4'] },
        },
      }),
    );
    const [agent, gateway] = f.functions;
    expect(agent.params.map((p) => `${p.name}:${p.env}`)).toEqual([
      'database-url:OPS_PARAM_DATABASE_URL',
      'redis-url:OPS_PARAM_REDIS_URL',
      'rag-url:RAG_SERVICE_URL',
    ]);
    expect(agent.environment).toMatchObject({ OPS_PARAM_DATABASE_URL: '/motadata/dev/database-url' });
    expect(agent.layers.map((l) => (l.kind === 'arn' ? l.arn : l.name))).toEqual(['motadata-dev-sdk', LAYER_ARN]);
    expect(agent.vpc).toEqual({ subnetIds: ['subnet-0a1'], securityGroupIds: ['sg-0b2'] });
    expect(agent.handler.root).toBe('/proj/services');
    expect(agent.handler.lambdaHandler).toBe('agent.lambda_handler.handler');
    expect(agent.exclude).toEqual(['**/*.md', 'agent/fixtures/**']);
    expect(gateway.params.map((p) => p.name)).toEqual(['database-url', 'redis-url', 'llm/api-key']);
    expect(gateway.permissions.map((s) => s.Action)).toEqual(['xray:PutTraceSegments', 'bedrock:InvokeModel']);
    expect(gateway.vpc?.subnetIds).toEqual(['subnet-0c3']);
    // Params read through defaults count as readers (the role grant and `ops params check` use them).
    expect(f.params.find((p) => p.name === 'database-url')?.readers).toEqual(['agent', 'gateway']);
  });

  it("a function's entry for a default param replaces it rather than reading it twice", () => {
    const [fn] = resolve(seed001({ a: { handler: 'services/a/h.handler', params: [{ name: 'redis-url', env: 'REDIS_URL' }] } })).functions;
    expect(fn.params.map((p) => `${p.name}:${p.env}`)).toEqual(['database-url:OPS_PARAM_DATABASE_URL', 'redis-url:REDIS_URL']);
  });

  it('ignoreDefaults declines some defaults, or all of them', () => {
    const f = resolve(
      seed001({
        some: { handler: 'services/a/h.handler', ignoreDefaults: ['vpc', 'layers'] },
        none: { handler: 'services/b/h.handler', ignoreDefaults: true },
      }),
    );
    const [some, none] = f.functions;
    expect([some.vpc, some.layers, some.params.length, some.permissions.length]).toEqual([undefined, [], 2, 1]);
    expect([none.vpc, none.layers, none.params, none.permissions, none.handler.root]).toEqual([undefined, [], [], [], '/proj/services/b']);
  });

  it('the defaults are checked like a function: undeclared params, missing layer dirs, more than 5 layers in all', () => {
    const raw = seed001({
      a: { handler: 'services/a/h.handler', layers: [1, 2, 3, 4, 5].map((n) => LAYER_ARN.replace(':3', `:${n}`)) },
    });
    raw.defaults.params.push('redis');
    expect(problemsOf(raw)).toEqual({
      'defaults.params.2': "'redis' is not declared under params",
      'functions.a.layers': "6 layers with defaults.layers: a function can use at most 5 (ignoreDefaults: ['layers'] declines them)",
    });
    const missing = validateFleet(seed001({ a: { handler: 'services/a/h.handler' } }), { stage: 'dev', exists: (p) => p !== 'layers/sdk' });
    expect(missing.problems).toEqual([{ path: 'defaults.layers.0.path', message: 'directory not found: layers/sdk' }]);
  });

  it('include and exclude are Python-only on a function; the defaults give them to Python functions only', () => {
    const raw = {
      app: 'mixed',
      defaults: { exclude: ['docs/**'] },
      functions: { api: { handler: 'src/api/handler.ts', exclude: ['x/**'] }, py: { handler: 'src/py/main.handler' } },
    };
    const exists = (p: string) => p === 'src/api/handler.ts' || p === 'src/py/main.py';
    expect(validateFleet(raw, { stage: 'dev', exists }).problems).toEqual([
      { path: 'functions.api.exclude', message: 'only applies to Python functions (a Node zip is its bundle)' },
    ]);
    delete (raw.functions.api as { exclude?: string[] }).exclude;
    const f = resolveFleet(fleetSchema.parse(raw), {
      stage: 'dev',
      root,
      configPath: '/proj/ops.config.ts',
      exists: (p) => p === '/proj/src/py/main.py' || p === '/proj/src/api/handler.ts',
    });
    expect(f.functions.map((x) => x.exclude)).toEqual([undefined, ['docs/**']]);
  });
});

describe('alarms as the seeds write them (issue 12.10)', () => {
  const fleet = (alarm: Record<string, unknown>) => ({
    app: 'cloudops',
    functions: { analysis: { handler: 'src/analysis/handler.ts', alarms: [{ metric: 'Errors', threshold: 1, ...alarm }] } },
  });

  it('an alarm without an action, with its operator, datapoints and missing-data treatment, as PutMetricAlarm gets it', () => {
    const [fn] = resolve(
      fleet({
        name: 'errors',
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: 'notBreaching',
      }),
    ).functions;
    expect(desiredAlarms(fn)).toEqual([
      expect.objectContaining({
        name: 'cloudops-dev-analysis-errors',
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: 'notBreaching',
        actions: [],
      }),
    ]);
  });

  it('defaults: datapoints equal to the evaluation periods, missing data as missing (what AWS reads back for an alarm that sets neither)', () => {
    const [fn] = resolve(fleet({ evaluationPeriods: 4 })).functions;
    expect(desiredAlarms(fn)[0]).toMatchObject({ datapointsToAlarm: 4, treatMissingData: 'missing' });
  });

  it('refuses more datapoints than evaluation periods and an unknown missing-data treatment, at their paths', () => {
    expect(problemsOf(fleet({ evaluationPeriods: 2, datapointsToAlarm: 3 }))).toEqual({
      'functions.analysis.alarms.0.datapointsToAlarm': 'datapointsToAlarm must not exceed evaluationPeriods (CloudWatch refuses it)',
    });
    expect(problemsOf(fleet({ treatMissingData: 'zero' }))).toEqual({
      'functions.analysis.alarms.0.treatMissingData': expect.stringContaining('notBreaching'),
    });
  });
});
