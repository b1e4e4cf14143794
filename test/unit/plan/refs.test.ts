import { describe, expect, it } from 'vitest';
import { defineFleet, ref } from '../../../src/config/define.js';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import type { Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import { planDeploy } from '../../../src/plan/plan.js';
import type { Change, Plan } from '../../../src/plan/types.js';
import { artifactsFor, emptyActual } from './builders.js';

/**
 * Issue 12 items 6 and 7: a function's environment can name the fleet's own API, another function,
 * a layer it builds; `invokes` can choose its variable and what it holds. The plan fills them in.
 */

const existing = (p: string) => !p.includes('missing');
const resolve = (raw: unknown, region?: string): Fleet =>
  resolveFleet(fleetSchema.parse(raw), { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: existing, region });

const config = () => ({
  app: 'shop',
  region: 'us-east-1',
  functions: {
    api: {
      handler: 'src/api/handler.ts',
      routes: ['GET /items'],
      invokes: ['worker', { function: 'worker', env: 'WORKER_LAMBDA_ARN', value: 'arn' as const }],
    },
    worker: {
      handler: 'src/worker/handler.ts',
      layers: [{ path: 'layers/deps' }],
      environment: {
        APPROVAL_API_URL: { ref: 'api.url' as const, suffix: '/approval' },
        API_ID: { ref: 'api.id' as const },
        API_FN: { ref: 'function.api.name' as const, suffix: '/x' },
        API_FN_LIVE: { ref: 'function.api.qualifiedName' as const },
        API_ARN: { ref: 'function.api.arn' as const },
        API_ARN_LIVE: { ref: 'function.api.qualifiedArn' as const },
        DEPS_LAYER: { ref: 'layer.deps.arn' as const },
        PLAIN: 'x',
      },
    },
  },
});

const find = (plan: Plan, id: string) => {
  const c = plan.changes.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in ${plan.changes.map((x) => x.id).join(', ')}`);
  return c;
};
const envOf = (c: Change) => (c.kind === 'function.create' || c.kind === 'function.update-config' ? c.config.environment : undefined) ?? {};
const index = (plan: Plan, id: string) => plan.changes.findIndex((c) => c.id === id);

describe('references to the fleet itself (issue 12.6)', () => {
  it('resolves names from the config alone and leaves ARNs, the API and layers to the plan', () => {
    const worker = resolve(config()).functions[1];
    expect(worker.environment).toMatchObject({ API_FN: 'shop-dev-api/x', API_FN_LIVE: 'shop-dev-api:live', PLAIN: 'x' });
    expect(Object.keys(worker.envRefs ?? {}).sort()).toEqual(['API_ARN', 'API_ARN_LIVE', 'API_ID', 'APPROVAL_API_URL', 'DEPS_LAYER']);
  });

  it('on a fresh stage: ARNs from the account, the API and the new layer "(known after apply)", and the function waits for both', () => {
    const fleet = resolve(config());
    const plan = planDeploy({ fleet, artifacts: artifactsFor(fleet), actual: emptyActual() });
    const create = find(plan, 'function.create:shop-dev-worker');
    expect(envOf(create)).toMatchObject({
      APPROVAL_API_URL: '(known after apply: api.url)/approval',
      API_ID: '(known after apply: api.id)',
      API_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-api',
      API_ARN_LIVE: 'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-api:live',
      DEPS_LAYER: 'arn:aws:lambda:us-east-1:123456789012:layer:shop-dev-deps:(next)',
    });
    expect(create.dependsOn).toEqual(expect.arrayContaining(['api.create:shop-dev', 'layer.publish:shop-dev-deps']));
    expect(index(plan, 'api.create:shop-dev')).toBeLessThan(index(plan, 'function.create:shop-dev-worker'));
  });

  it('once the API and the layer exist, their values are filled in and nothing waits', () => {
    const fleet = resolve(config());
    const artifacts = artifactsFor(fleet);
    const actual = {
      ...emptyActual(),
      api: {
        id: 'a1b2c3',
        name: 'shop-dev',
        endpoint: 'https://a1b2c3.execute-api.us-east-1.amazonaws.com',
        tags: {},
        integrations: [],
        routes: [],
        stages: [{ name: '$default', autoDeploy: true }],
      },
      layers: {
        'shop-dev-deps': {
          name: 'shop-dev-deps',
          arn: 'arn:aws:lambda:us-east-1:123456789012:layer:shop-dev-deps',
          latestVersion: 4,
          latestVersionArn: 'arn:aws:lambda:us-east-1:123456789012:layer:shop-dev-deps:4',
          codeSha256: artifacts['layer:deps'].codeSha256,
        },
      },
    };
    const plan = planDeploy({ fleet, artifacts, actual });
    const create = find(plan, 'function.create:shop-dev-worker');
    expect(envOf(create)).toMatchObject({
      APPROVAL_API_URL: 'https://a1b2c3.execute-api.us-east-1.amazonaws.com/approval',
      API_ID: 'a1b2c3',
      DEPS_LAYER: 'arn:aws:lambda:us-east-1:123456789012:layer:shop-dev-deps:4',
    });
    expect(plan.changes.some((c) => c.kind === 'api.create' || c.kind === 'layer.publish')).toBe(false);
  });

  it('a function deployed alone that names the API still gets the API created first', () => {
    const raw = config();
    const fleet = resolve(raw);
    const plan = planDeploy({ fleet, artifacts: artifactsFor(fleet), actual: emptyActual(), only: ['worker'] });
    expect(index(plan, 'api.create:shop-dev')).toBeGreaterThanOrEqual(0);
    expect(index(plan, 'api.create:shop-dev')).toBeLessThan(index(plan, 'function.create:shop-dev-worker'));
  });

  it('a reference to something the fleet does not have is a config problem, with its path', () => {
    const raw: any = config();
    raw.functions.worker.environment = {
      A: { ref: 'function.wroker.arn' },
      B: { ref: 'layer.nope.arn' },
      C: { ref: 'api.urls' },
      D: { nested: 1 },
    };
    raw.defaults = { environment: { E: { ref: 'function.ghost.name' } } };
    const byPath = Object.fromEntries(validateFleet(raw, { stage: 'dev', exists: () => true }).problems.map((p) => [p.path, p.message]));
    expect(byPath).toEqual({
      'functions.worker.environment.A.ref': "no function 'wroker' in this fleet (did you mean 'worker'?)",
      'functions.worker.environment.B.ref': "no built layer 'nope' in this fleet (built layers: deps)",
      'functions.worker.environment.C.ref': expect.stringContaining("'api.urls' is not a reference: a reference is api.url, api.id"),
      'functions.worker.environment.D': expect.stringMatching(/must be a string/),
      'defaults.environment.E.ref': "no function 'ghost' in this fleet",
    });
    const noApi: any = config();
    noApi.functions.api.routes = [];
    const p = validateFleet(noApi, { stage: 'dev', exists: () => true }).problems;
    expect(p).toEqual([
      { path: 'functions.worker.environment.API_ID.ref', message: 'this fleet has no HTTP API (no function has routes)' },
      { path: 'functions.worker.environment.APPROVAL_API_URL.ref', message: 'this fleet has no HTTP API (no function has routes)' },
    ]);
  });
});

describe('the ref helper of defineFleet', () => {
  it('writes the same references, typed: a misspelt one is a type error', () => {
    const cfg = defineFleet({
      app: 'shop',
      functions: {
        api: { handler: 'src/api/handler.ts', routes: ['GET /x'] },
        worker: {
          handler: 'src/worker/handler.ts',
          layers: [{ path: 'layers/deps' }],
          environment: { A: ref.api.url, B: ref.fn('api').qualifiedArn, C: ref.layer('deps').arn, D: ref.api.id },
        },
      },
    });
    expect(cfg.functions.worker.environment).toEqual({
      A: { ref: 'api.url' },
      B: { ref: 'function.api.qualifiedArn' },
      C: { ref: 'layer.deps.arn' },
      D: { ref: 'api.id' },
    });
    expect(validateFleet(cfg, { stage: 'dev', exists: () => true }).problems).toEqual([]);
    defineFleet({
      app: 'shop',
      // @ts-expect-error: 'api.uri' is not a reference
      functions: { api: { handler: 'a.ts', environment: { A: { ref: 'api.uri' } } } },
    });
  });
});

describe('invokes names its variable (issue 12.7)', () => {
  it('the string form keeps NAME_FUNCTION_NAME=name:live; the object form chooses the variable and the value', () => {
    const raw: any = config();
    raw.functions.api.invokes = [
      'worker',
      { function: 'worker', env: 'WORKER_LAMBDA_ARN', value: 'arn' },
      { function: 'worker', env: 'WORKER_PLAIN', value: 'name' },
      { function: 'worker', env: 'WORKER_LIVE_ARN', value: 'qualifiedArn' },
    ];
    const fleet = resolve(raw);
    const api = fleet.functions[0];
    expect(api.environment).toMatchObject({ WORKER_FUNCTION_NAME: 'shop-dev-worker:live', WORKER_PLAIN: 'shop-dev-worker' });
    expect(api.invokes).toEqual(['worker']);
    const plan = planDeploy({ fleet, artifacts: artifactsFor(fleet), actual: emptyActual() });
    expect(envOf(find(plan, 'function.create:shop-dev-api'))).toMatchObject({
      WORKER_FUNCTION_NAME: 'shop-dev-worker:live',
      WORKER_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-worker',
      WORKER_PLAIN: 'shop-dev-worker',
      WORKER_LIVE_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-worker:live',
    });
    // The role may invoke the function and its aliases, whichever form the variable holds.
    const role = find(plan, 'role.create:shop-dev-api');
    const invoke = (role as any).role.policy.Statement.find((s: any) => s.Sid === 'OpsInvoke');
    expect(invoke.Resource).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-worker',
      'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-worker:*',
    ]);
  });

  it('an ARN without a variable name goes to NAME_FUNCTION_ARN; an unknown function is named at its field', () => {
    const raw: any = config();
    raw.functions.api.invokes = [{ function: 'worker', value: 'arn' }];
    expect(Object.keys(resolve(raw).functions[0].envRefs ?? {})).toEqual(['WORKER_FUNCTION_ARN']);
    raw.functions.api.invokes = [{ function: 'wroker', value: 'arn' }];
    expect(validateFleet(raw, { stage: 'dev', exists: () => true }).problems).toEqual([
      { path: 'functions.api.invokes.0.function', message: "no function 'wroker' in this fleet (did you mean 'worker'?)" },
    ]);
  });
});
