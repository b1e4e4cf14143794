import { describe, expect, it } from 'vitest';
import { restIntegrationUri, restPermissionSid, restRouteSourceArn } from '../../../src/config/naming.js';
import { resolveApiKeys } from '../../../src/config/resolve-api-keys.js';
import type { Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import type { Actual, ActualRestApi } from '../../../src/model/actual.js';
import type { ActualApiKeys } from '../../../src/model/api-keys.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { pathsOf } from '../../../src/resources/rest-api/plan.js';
import { ACCOUNT, actualFrom, artifactsFor, expectTopological, find, fleet, fnSpec, REGION } from './builders.js';

/** Seed 003's approval API: one POST route behind a key, a usage plan with throttle and quota, one key. */
const REST_ID = 'rest123';
const raw = {
  keys: { partner: { description: 'the partner' } },
  usagePlans: {
    basic: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: 'MONTH' as const }, keys: ['partner'] },
  },
};

function keyFleet(over: { keys?: typeof raw.keys; usagePlans?: any; apiKey?: boolean } = {}): Fleet {
  const cfg = { keys: over.keys ?? raw.keys, usagePlans: over.usagePlans ?? raw.usagePlans };
  const fn = fnSpec('approval', { routes: ['POST /approval'] });
  if (over.apiKey ?? true) fn.routes[0].apiKey = true;
  return fleet([fn], { api: { name: 'tasks-dev', type: 'rest', stage: 'prod', ...resolveApiKeys(cfg, 'tasks-dev') } });
}

/** AWS right after deploying `f`: the REST API with its method (key required as `f` says), the key and plan attached. */
function keyActual(f: Fleet): Actual {
  const actual = actualFrom(f);
  delete actual.api;
  const resources: ActualRestApi['resources'] = {};
  for (const fn of f.functions)
    for (const r of fn.routes) {
      for (const p of pathsOf(r.path)) resources[p] ??= { id: `res${p}`, methods: {} };
      resources[r.path].methods[r.method] = {
        authorizationType: 'NONE',
        ...(r.apiKey ? { apiKeyRequired: true } : {}),
        integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: restIntegrationUri(REGION, ACCOUNT, fn.name) },
      };
      actual.functions[fn.name].aliasPolicy = [
        {
          Sid: restPermissionSid(r.method, r.path),
          Effect: 'Allow' as const,
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Condition: { ArnLike: { 'AWS:SourceArn': restRouteSourceArn(REGION, ACCOUNT, REST_ID, r.method, r.path) } },
        },
      ];
    }
  actual.restApi = {
    id: REST_ID,
    name: 'tasks-dev',
    tags: f.tags,
    resources,
    stages: [{ name: 'prod', deploymentId: 'dep1' }],
    deployments: [{ id: 'dep1', createdDate: 1 }],
  };
  const api = f.api!;
  const keys = (api.keys ?? []).map((k, i) => ({
    id: `key${i}`,
    name: k.physicalName,
    enabled: k.enabled,
    description: k.description,
    tags: f.tags,
  }));
  actual.apiKeys = {
    keys,
    plans: (api.usagePlans ?? []).map((p, i) => ({
      id: `plan${i}`,
      name: p.physicalName,
      description: p.description,
      ...(p.throttle ? { throttle: p.throttle } : {}),
      ...(p.quota ? { quota: p.quota } : {}),
      stages: [`${REST_ID}:prod`],
      keyIds: p.keys.map((k) => keys.find((x) => x.name === `tasks-dev-${k}`)!.id),
      tags: f.tags,
    })),
  };
  return actual;
}

const plan = (f: Fleet, actual: Actual) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
const keyChanges = (f: Fleet, actual: Actual) => plan(f, actual).changes.filter((c) => /^(apikey|usageplan)\./.test(c.kind));

describe('API keys and usage plans planner', () => {
  it('converged: nothing to do', () => {
    const f = keyFleet();
    expect(plan(f, keyActual(f)).changes).toEqual([]);
  });

  it('fresh: the key, the plan on the stage after the deploy, the key attached after both; the method requires a key', () => {
    const f = keyFleet();
    const actual = actualFrom(f);
    delete actual.api;
    actual.apiKeys = { keys: [], plans: [] };
    const p = plan(f, actual);
    expectTopological(p);
    expect(find(p, 'apikey.create:tasks-dev-partner')).toMatchObject({ enabled: true, description: 'the partner' });
    expect(find(p, 'usageplan.create:tasks-dev-basic')).toMatchObject({
      stage: 'prod',
      want: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: 'MONTH', offset: 0 } },
      dependsOn: expect.arrayContaining(['restapi.create:tasks-dev', 'restapi.deploy:prod']),
    });
    expect(find(p, 'usageplan.keys:tasks-dev-basic')).toMatchObject({
      add: [{ name: 'tasks-dev-partner' }],
      dependsOn: expect.arrayContaining(['usageplan.create:tasks-dev-basic', 'apikey.create:tasks-dev-partner']),
    });
    expect(find(p, 'restapi.method:POST /approval')).toMatchObject({ keyRequired: true });
    // No change carries a value: none is known to the plan.
    expect(JSON.stringify(p.changes)).not.toMatch(/"value"/);
  });

  it('a quota change is one in-place update with its field diff; no key change, no new deployment', () => {
    const f = keyFleet();
    const g = keyFleet({ usagePlans: { basic: { ...raw.usagePlans.basic, quota: { limit: 5000, period: 'WEEK' } } } });
    const changes = plan(g, keyActual(f)).changes;
    expect(changes.map((c) => c.id)).toEqual(['usageplan.update:tasks-dev-basic']);
    expect(changes[0]).toMatchObject({
      action: 'update',
      planId: 'plan0',
      fields: [
        { field: 'quota.limit', from: '1000', to: '5000' },
        { field: 'quota.period', from: 'MONTH', to: 'WEEK' },
      ],
    });
  });

  it('a key no longer wanted: detached, then deleted, saying clients will get 403; the method stops requiring one', () => {
    const f = keyFleet();
    const g = keyFleet({ keys: {} as any, usagePlans: { basic: { ...raw.usagePlans.basic, keys: [] } }, apiKey: false });
    const p = plan(g, keyActual(f));
    expectTopological(p);
    const del = find(p, 'apikey.delete:tasks-dev-partner (key0)');
    expect(del.summary).toMatch(/403/);
    expect(find(p, 'usageplan.keys:tasks-dev-basic')).toMatchObject({ add: [], remove: ['key0'] });
    expect(find(p, 'restapi.method:POST /approval')).toMatchObject({ fields: [{ field: 'apiKeyRequired', from: 'true', to: 'false' }] });
    expect(p.changes.some((c) => c.kind === 'restapi.deploy')).toBe(true);
  });

  it('the REST API removed: its plans detach before the API is deleted, keys after the plans', () => {
    const f = keyFleet();
    const g = fleet([fnSpec('approval')], { api: null });
    const p = plan(g, keyActual(f));
    expectTopological(p);
    const del = p.changes.find((c) => c.kind === 'restapi.delete')!;
    expect(del.dependsOn).toContain('usageplan.delete:tasks-dev-basic (plan0)');
    expect(find(p, 'apikey.delete:tasks-dev-partner (key0)').dependsOn).toContain('usageplan.delete:tasks-dev-basic (plan0)');
  });

  it('a deploy of some functions deletes no key or plan', () => {
    const f = keyFleet();
    const actual = keyActual(f);
    actual.apiKeys!.keys.push({ id: 'old', name: 'tasks-dev-old', enabled: true, description: '', tags: f.tags });
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, only: ['approval'] });
    expect(p.changes.filter((c) => c.kind === 'apikey.delete')).toEqual([]);
    expect(plan(f, actual).changes.map((c) => c.id)).toEqual(['apikey.delete:tasks-dev-old (old)']);
  });

  it('a key whose value comes from stdin is never generated: one line naming the command, before any write', () => {
    const f = fleet(keyFleet().functions, {
      api: {
        name: 'tasks-dev',
        type: 'rest',
        stage: 'prod',
        ...resolveApiKeys({ ...raw, keys: { partner: { value: 'stdin' } } }, 'tasks-dev'),
      },
    });
    const actual = keyActual(keyFleet());
    actual.apiKeys = { keys: [], plans: actual.apiKeys!.plans } satisfies ActualApiKeys;
    expect(() => plan(f, actual)).toThrow(/takes its value from stdin/);
  });

  it('a named REST API (apis) has its own keys and plan, attached after its own deploy', () => {
    const fn = fnSpec('approval', { routes: ['POST /approval'] });
    Object.assign(fn.routes[0], { api: 'partners', apiKey: true });
    const f = fleet([fn], {
      api: null,
      apis: [{ key: 'partners', name: 'tasks-dev-partners', type: 'rest', stage: 'prod', ...resolveApiKeys(raw, 'tasks-dev-partners') }],
    });
    const actual = actualFrom(f);
    delete actual.api;
    actual.apiKeys = { keys: [], plans: [] };
    const p = plan(f, actual);
    expectTopological(p);
    expect(find(p, 'restapi.deploy:prod@partners')).toBeDefined();
    expect(find(p, 'apikey.create:tasks-dev-partners-partner')).toBeDefined();
    expect(find(p, 'usageplan.create:tasks-dev-partners-basic')).toMatchObject({
      namedApi: 'partners',
      dependsOn: expect.arrayContaining(['restapi.create:tasks-dev-partners', 'restapi.deploy:prod@partners']),
    });
    expect(find(p, 'restapi.method:POST /approval@partners')).toMatchObject({ keyRequired: true });
  });

  it('a fleet without keys reads none and plans none', () => {
    const f = fleet([fnSpec('approval', { routes: ['POST /approval'] })], {
      api: { name: 'tasks-dev', type: 'rest', stage: 'prod' },
    });
    const actual = keyActual(f);
    delete actual.apiKeys;
    expect(keyChanges(f, actual)).toEqual([]);
  });
});

describe('API keys config', () => {
  const env = { stage: 'dev', exists: () => true };
  const base = (api: Record<string, unknown>, route: unknown = { route: 'POST /approval', apiKey: true }) => ({
    app: 'tasks',
    api,
    functions: { approval: { handler: 'src/approval/handler.ts', routes: [route] } },
  });

  it('a route needing a key on an HTTP API is one line naming the function, the route and the fix', () => {
    const r = validateFleet(base({}), env);
    expect(r.problems).toEqual([
      {
        path: 'functions.approval.routes.0.apiKey',
        message:
          "route POST /approval of function approval requires an API key: API Gateway v2 (HTTP APIs) has no API keys: use api: { type: 'rest' }",
      },
    ]);
  });

  it('keys and usage plans on an HTTP API are refused too', () => {
    const r = validateFleet(base({ keys: { a: {} }, usagePlans: { b: { keys: ['a'] } } }, 'POST /approval'), env);
    expect(r.problems.map((p) => p.path)).toEqual(['api.keys', 'api.usagePlans']);
  });

  it('a plan naming an undeclared key, and key routes without a plan, are one line each', () => {
    expect(validateFleet(base({ type: 'rest', keys: { partner: {} }, usagePlans: { b: { keys: ['partnr'] } } }), env).problems).toEqual([
      { path: 'api.usagePlans.b.keys.0', message: "no key 'partnr' in api.keys (did you mean 'partner'?)" },
    ]);
    expect(validateFleet(base({ type: 'rest' }), env).problems[0].message).toMatch(/no usage plan lets a key call it/);
  });

  it('a REST fleet with keys, plans and key routes is valid; apiKeyRequired is the default, apiKey: false opts out', () => {
    const api = { type: 'rest', apiKeyRequired: true, ...raw };
    expect(validateFleet(base(api, 'POST /approval'), env).problems).toEqual([]);
    expect(validateFleet(base(api, { route: 'GET /health', apiKey: false }), env).problems).toEqual([]);
  });
});
