import { describe, expect, it } from 'vitest';
import type { AuthorizerSpec } from '../../../src/config/resolve-authorizers.js';
import { validateFleet } from '../../../src/config/validate.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { actualFrom, artifactsFor, emptyActual, expectTopological, find, fleet, fnSpec } from './builders.js';

/** Several APIs per stage and named HTTP stages (issue 15 items 4 and 5): the config's lines and the pure planner. */

const files = new Set(['src/a/handler.ts', 'src/b/handler.ts']);
const env = { stage: 'dev', exists: (p: string) => files.has(p) };
const cfg = (over: Record<string, unknown>, routes: { a?: unknown[]; b?: unknown[] } = {}) => ({
  app: 'shop',
  ...over,
  functions: {
    a: { handler: 'src/a/handler.ts', routes: routes.a ?? ['GET /items'] },
    b: { handler: 'src/b/handler.ts', routes: routes.b ?? [] },
  },
});

describe('config: apis', () => {
  it('accepts named APIs, the same route on two APIs, and a named stage on an HTTP API', () => {
    const raw = cfg(
      { api: { stage: 'production' }, apis: { approval: { type: 'rest', stage: 'prod' } } },
      { b: ['GET /other', { route: 'GET /items', api: 'approval' }] },
    );
    const r = validateFleet(raw, env);
    expect(r.problems, JSON.stringify(r.problems)).toEqual([]);
    // The same key on one API is still refused.
    expect(validateFleet(cfg({}, { b: ['GET /items'] }), env).problems.map((p) => p.path)).toEqual(['functions.b.routes.0']);
  });

  it('an unknown api on a route is one line with did-you-mean', () => {
    const raw = cfg({ apis: { approval: { type: 'rest' } } }, { b: [{ route: 'POST /x', api: 'aproval' }] });
    expect(validateFleet(raw, env).problems).toEqual([
      { path: 'functions.b.routes.0.api', message: "no api 'aproval' (did you mean 'approval'?): apis has approval" },
    ]);
  });

  it('two APIs claiming one base path of one domain name is one line', () => {
    const cert = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    const raw = cfg(
      {
        api: { domain: { name: 'api.example.com', certificate: cert, basePath: 'v1' } },
        apis: { agents: { domain: { name: 'api.example.com', certificate: cert, basePath: 'v1' } } },
      },
      { b: [{ route: 'POST /x', api: 'agents' }] },
    );
    expect(validateFleet(raw, env).problems).toEqual([
      { path: 'apis.agents.domain', message: "base path 'v1' of api.example.com is already api's: give one of them another basePath" },
    ]);
    // Another base path on the same name is no conflict; a named API's domain is refused until the domain kind maps it.
    const ok = cfg(
      {
        api: { domain: { name: 'api.example.com', certificate: cert, basePath: 'v1' } },
        apis: { agents: { domain: { name: 'api.example.com', certificate: cert, basePath: 'agents' } } },
      },
      { b: [{ route: 'POST /x', api: 'agents' }] },
    );
    expect(validateFleet(ok, env).problems).toEqual([
      { path: 'apis.agents.domain', message: 'a custom domain on a named API is not deployed yet: give it to the default api' },
    ]);
  });

  it("each API's own rules run with paths under apis.<key>; the default API's routes are not held to a named REST API's", () => {
    const raw = cfg(
      { apis: { approval: { type: 'rest', stageVariables: { t: 'x' } } } },
      { a: ['$default'], b: [{ route: '$default', api: 'approval' }] },
    );
    expect(validateFleet(raw, env).problems).toEqual([
      { path: 'functions.b.routes.0', message: "'$default' is an HTTP API route; a REST API (api.type 'rest') needs 'ANY /{proxy+}'" },
    ]);
    const http = cfg({ apis: { agents: { stageVariables: { t: 'x' } } } }, { b: [{ route: 'GET /x', api: 'agents' }] });
    expect(validateFleet(http, env).problems).toEqual([
      { path: 'apis.agents.stageVariables', message: "stage variables are a REST API's (api.type 'rest')" },
    ]);
  });
});

describe('config: a named API takes throttle, access logs and API keys as the default one does', () => {
  it('no line for them (the api-stage and api-keys kinds plan once per API)', () => {
    const raw = cfg(
      { apis: { approval: { type: 'rest', throttle: { rateLimit: 10, burstLimit: 5 }, apiKeyRequired: true } } },
      { b: [{ route: 'POST /x', api: 'approval', apiKey: true }] },
    );
    expect(validateFleet(raw, env).problems.filter((p) => p.path.startsWith('apis.') || p.path.startsWith('functions.b'))).toEqual([]);
  });
});

describe('plan: a named stage on an HTTP API', () => {
  it('renaming the stage creates the new one, moves the permissions to it, then deletes the old one saying who breaks', () => {
    const before = fleet([fnSpec('api', { routes: ['GET /tasks'] })]);
    const after = { ...before, api: { ...before.api!, stage: 'production' } };
    const p = planDeploy({ fleet: after, artifacts: artifactsFor(after), actual: actualFrom(before) });
    expectTopological(p);
    const ids = p.changes.map((c) => c.id).sort();
    expect(ids).toEqual(['api.stage:tasks-dev', 'api.unstage:tasks-dev $default', 'permission.set:tasks-dev-api']);
    const unstage = find(p, 'api.unstage:tasks-dev $default');
    expect(unstage.summary).toMatch(/clients of https:\/\/.+\.execute-api\.[^ ]+ break \(the API now serves production\)/);
    expect(unstage.dependsOn).toEqual(expect.arrayContaining(['api.stage:tasks-dev', 'permission.set:tasks-dev-api']));
    const permission = find(p, 'permission.set:tasks-dev-api');
    expect(permission.fields[0]).toMatchObject({ field: 'source', to: expect.stringMatching(/\/production\/\*$/) });
  });

  it('a fleet without apis and without a stage plans nothing new', () => {
    const f = fleet([fnSpec('api', { routes: ['GET /tasks'] })]);
    expect(planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom(f) }).changes).toEqual([]);
  });
});

describe('plan: two HTTP APIs with authorizers of one name', () => {
  const gate: AuthorizerSpec = {
    name: 'gate',
    type: 'lambda',
    function: 'auth',
    functionName: 'tasks-dev-auth',
    identitySource: ['$request.header.Authorization'],
    ttl: 0,
    payload: '2.0',
  };
  const auth = { type: 'lambda' as const, authorizer: 'gate' };
  const f = fleet([fnSpec('api', { routes: ['GET /tasks'] }), fnSpec('auth')], {
    api: { name: 'tasks-dev', authorizers: [gate] },
    apis: [{ key: 'partner', name: 'tasks-dev-partner', authorizers: [gate] }],
  });
  f.functions[0].routes = [
    { key: 'GET /tasks', method: 'GET', path: '/tasks', auth },
    { key: 'GET /tasks', method: 'GET', path: '/tasks', auth, api: 'partner' },
  ];

  it("fresh: each API's changes are its own (ids, tags, statements), none depends on the other's", () => {
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: emptyActual() });
    expectTopological(p);
    const ids = p.changes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const named = p.changes.filter((c) => (c as { namedApi?: string }).namedApi === 'partner');
    expect(named.map((c) => c.id).sort()).toEqual([
      'api.create:tasks-dev-partner',
      'api.stage:tasks-dev-partner',
      'authorizer.create:gate@partner',
      'authorizer.grant:gate@partner',
      'integration.create:tasks-dev-api@partner',
      'permission.set:tasks-dev-api@partner',
      'route.create:GET /tasks@partner',
    ]);
    expect(find(p, 'api.create:tasks-dev-partner')).toMatchObject({ tags: { 'ops:api': 'partner' } });
    expect(find(p, 'api.create:tasks-dev')).not.toMatchObject({ tags: { 'ops:api': expect.anything() } });
    expect(find(p, 'permission.set:tasks-dev-api')).toMatchObject({ statementId: 'ops-http-api' });
    expect(find(p, 'permission.set:tasks-dev-api@partner')).toMatchObject({ statementId: 'ops-api-partner' });
    expect(find(p, 'authorizer.grant:gate')).toMatchObject({ statementId: 'ops-authorizer-gate' });
    expect(find(p, 'authorizer.grant:gate@partner')).toMatchObject({ statementId: 'ops-api-partner_ha_gate' });
    expect(find(p, 'route.create:GET /tasks@partner').dependsOn).toEqual(
      expect.arrayContaining([
        'api.create:tasks-dev-partner',
        'integration.create:tasks-dev-api@partner',
        'authorizer.create:gate@partner',
      ]),
    );
    // The default API's changes never wait on the named API's, nor the other way round.
    for (const c of p.changes) {
      const mine = (c as { namedApi?: string }).namedApi === 'partner';
      for (const d of c.dependsOn.filter((x) => ids.includes(x))) {
        const dep = find(p, d) as { namedApi?: string; kind: string };
        if (['api.create', 'route.create', 'authorizer.create', 'integration.create'].includes(dep.kind))
          expect(dep.namedApi === 'partner', `${c.id} -> ${d}`).toBe(mine);
      }
    }
  });

  it("the default API's plan leaves the named API's statements alone, and the other way round", () => {
    const actual = actualFrom(fleet([fnSpec('api', { routes: ['GET /tasks'] }), fnSpec('auth')]));
    const policy = actual.functions['tasks-dev-api'].aliasPolicy ?? [];
    actual.functions['tasks-dev-api'].aliasPolicy = [
      ...policy,
      { Sid: 'ops-api-partner', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction' },
    ];
    actual.functions['tasks-dev-auth'].aliasPolicy = [
      ...(actual.functions['tasks-dev-auth'].aliasPolicy ?? []),
      {
        Sid: 'ops-api-partner_ha_gate',
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
      },
    ];
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    const removed = p.changes.flatMap((c) => [
      ...((c as { removeStatementIds?: string[] }).removeStatementIds ?? []),
      ...((c as { statementIds?: string[] }).statementIds ?? []),
    ]);
    expect(removed.filter((sid) => sid.startsWith('ops-api-partner') && !['ops-api-partner'].includes(sid))).toEqual([]);
    expect(find(p, 'permission.set:tasks-dev-api@partner')).toMatchObject({ removeStatementIds: ['ops-api-partner'] });
    // The default API is converged: nothing of its own to set, so nothing that could take the named API's statement.
    expect(p.changes.find((c) => c.id === 'permission.set:tasks-dev-api')).toBeUndefined();
  });
});
