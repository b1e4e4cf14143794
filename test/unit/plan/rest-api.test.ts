import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { restIntegrationUri, restPermissionSid, restRouteSourceArn } from '../../../src/config/naming.js';
import type { Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import type { Actual, ActualRestApi } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { corsHeaders, pathsOf } from '../../../src/resources/rest-api/plan.js';
import { renderFleet } from '../../../src/ui/fleet.js';
import { ACCOUNT, actualFrom, artifactsFor, expectTopological, find, fleet, fnSpec, REGION } from './builders.js';

const REST_ID = 'rest123';

/** Two functions on a REST API, the shapes of seed 001 and 003. */
function restFleet(routes: { approval?: string[]; agents?: string[] } = {}, api: Partial<NonNullable<Fleet['api']>> = {}): Fleet {
  return fleet(
    [
      fnSpec('approval', { routes: routes.approval ?? ['POST /approval', 'GET /users/{id}'] }),
      fnSpec('agents', { routes: routes.agents ?? ['ANY /api/v1/agents/{proxy+}'] }),
    ],
    { api: { name: 'tasks-dev', type: 'rest', stage: 'prod', cors: { allowOrigins: ['*'] }, ...api } },
  );
}

/** What AWS holds right after deploying `f`'s REST API: resources, methods, preflights, one deployment on prod, statements. */
function restActual(f: Fleet): Actual {
  const actual = actualFrom(f);
  delete actual.api;
  const resources: ActualRestApi['resources'] = {};
  let n = 0;
  for (const fn of f.functions)
    for (const r of fn.routes) {
      for (const p of pathsOf(r.path)) resources[p] ??= { id: `res${n++}`, methods: {} };
      resources[r.path].methods[r.method] = {
        authorizationType: 'NONE',
        integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: restIntegrationUri(REGION, ACCOUNT, fn.name) },
      };
    }
  if (f.api?.cors) {
    for (const r of Object.values(resources)) {
      const methods = Object.keys(r.methods);
      if (!methods.length) continue;
      const headers = corsHeaders(f.api.cors, methods);
      r.methods.OPTIONS = {
        authorizationType: 'NONE',
        integration: {
          type: 'MOCK',
          responseHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [`method.response.header.${k}`, v])),
        },
      };
    }
  }
  actual.restApi = {
    id: REST_ID,
    name: 'tasks-dev',
    tags: f.tags,
    resources,
    stages: [{ name: 'prod', deploymentId: 'dep1' }],
    deployments: [{ id: 'dep1', createdDate: 1 }],
  };
  for (const fn of f.functions) {
    const a = actual.functions[fn.name];
    a.aliasPolicy = fn.routes.map((r) => ({
      Sid: restPermissionSid(r.method, r.path),
      Effect: 'Allow' as const,
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Condition: { ArnLike: { 'AWS:SourceArn': restRouteSourceArn(REGION, ACCOUNT, REST_ID, r.method, r.path) } },
    }));
  }
  return actual;
}

const plan = (f: Fleet, actual: Actual) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
const restIds = (f: Fleet, actual: Actual) =>
  plan(f, actual)
    .changes.map((c) => c.id)
    .filter((id) => id.startsWith('restapi.'))
    .sort();

describe('REST API planner', () => {
  it('a converged REST API plans nothing (and no HTTP API is wanted)', () => {
    const f = restFleet();
    expect(plan(f, restActual(f)).changes).toEqual([]);
  });

  it('a fresh stage: the tagged API, resources parents first, a method and a preflight per routed resource, one deployment after all of them', () => {
    const f = restFleet();
    const actual = actualFrom(f);
    delete actual.api;
    const p = plan(f, actual);
    expectTopological(p);
    expect(p.changes.filter((c) => c.kind.startsWith('api.') || c.kind.startsWith('route.'))).toEqual([]);
    const create = find(p, 'restapi.create:tasks-dev');
    expect(create).toMatchObject({ tags: f.tags });
    const resources = p.changes.filter((c) => c.kind === 'restapi.resource').map((c) => c.resource.name);
    expect([...resources].sort()).toEqual(
      ['/api', '/api/v1', '/api/v1/agents', '/api/v1/agents/{proxy+}', '/approval', '/users', '/users/{id}'].sort(),
    );
    // Parents first: every resource comes after its parent's create.
    for (const r of resources.filter((x) => x.lastIndexOf('/') > 0))
      expect(resources.indexOf(r.slice(0, r.lastIndexOf('/')))).toBeLessThan(resources.indexOf(r));
    expect(find(p, 'restapi.resource:/api/v1').dependsOn).toContain('restapi.resource:/api');
    expect(find(p, 'restapi.method:ANY /api/v1/agents/{proxy+}')).toMatchObject({
      uri: restIntegrationUri(REGION, ACCOUNT, 'tasks-dev-agents'),
      dependsOn: expect.arrayContaining(['restapi.resource:/api/v1/agents/{proxy+}']),
    });
    const preflights = p.changes.filter((c) => c.kind === 'restapi.cors').map((c) => c.resource.name);
    expect(preflights.sort()).toEqual(['OPTIONS /api/v1/agents/{proxy+}', 'OPTIONS /approval', 'OPTIONS /users/{id}']);
    const deploys = p.changes.filter((c) => c.kind === 'restapi.deploy');
    expect(deploys).toHaveLength(1);
    const routeIds = p.changes.filter((c) => /^restapi\.(resource|method|cors)$/.test(c.kind)).map((c) => c.id);
    expect(deploys[0].dependsOn).toEqual(expect.arrayContaining(routeIds));
    expect(find(p, 'restapi.permit:tasks-dev-approval')).toMatchObject({
      action: 'create',
      add: [
        { method: 'POST', path: '/approval' },
        { method: 'GET', path: '/users/{id}' },
      ].map((r) => ({ ...r, sid: restPermissionSid(r.method, r.path) })),
    });
  });

  it('one changed route: its method created, the old one deleted, one new deployment, the statement swapped', () => {
    const f = restFleet();
    const g = restFleet({ approval: ['PUT /approval', 'GET /users/{id}'] });
    const p = plan(g, restActual(f));
    expectTopological(p);
    expect(p.changes.map((c) => c.id).sort()).toEqual(
      [
        'restapi.cors:/approval',
        'restapi.deploy:prod',
        'restapi.method.delete:POST /approval',
        'restapi.method:PUT /approval',
        'restapi.permit:tasks-dev-approval',
      ].sort(),
    );
    expect(find(p, 'restapi.cors:/approval').fields).toEqual([
      { field: 'cors.Access-Control-Allow-Methods', from: "'OPTIONS,POST'", to: "'OPTIONS,PUT'" },
    ]);
    expect(find(p, 'restapi.deploy:prod')).toMatchObject({
      action: 'update',
      fields: [{ field: 'deployment', from: 'dep1', to: '(new)' }],
    });
  });

  it('a method pointed elsewhere is updated in place with the target field', () => {
    const f = restFleet();
    const actual = restActual(f);
    actual.restApi!.resources['/approval'].methods.POST.integration!.uri = restIntegrationUri(REGION, ACCOUNT, 'tasks-dev-agents');
    const p = plan(f, actual);
    expect(find(p, 'restapi.method:POST /approval')).toMatchObject({
      action: 'update',
      fields: [{ field: 'target', from: 'tasks-dev-agents', to: 'tasks-dev-approval' }],
    });
    expect(restIds(f, actual)).toEqual(['restapi.deploy:prod', 'restapi.method:POST /approval']);
  });

  it('removed routes: methods deleted, then emptied resources children first; the root and shared parents stay', () => {
    const f = restFleet();
    const g = restFleet({ agents: [] });
    const p = plan(g, restActual(f));
    expectTopological(p);
    const deletes = p.changes.filter((c) => c.kind === 'restapi.resource.delete').map((c) => c.resource.name);
    expect(deletes).toEqual(['/api/v1/agents/{proxy+}', '/api/v1/agents', '/api/v1', '/api']);
    expect(find(p, 'restapi.resource.delete:/api/v1/agents').dependsOn).toContain('restapi.resource.delete:/api/v1/agents/{proxy+}');
    expect(find(p, 'restapi.resource.delete:/api/v1/agents/{proxy+}').dependsOn.sort()).toEqual(
      ['restapi.method.delete:ANY /api/v1/agents/{proxy+}', 'restapi.method.delete:OPTIONS /api/v1/agents/{proxy+}'].sort(),
    );
    expect(find(p, 'restapi.permit:tasks-dev-agents')).toMatchObject({ action: 'delete', add: [] });
  });

  it('the stage: variables alone update it without a deployment; deployments no stage uses are pruned', () => {
    const f = restFleet({}, { stageVariables: { table: 'tasks' } });
    const actual = restActual(f);
    actual.restApi!.deployments.push({ id: 'dep0', createdDate: 0 });
    expect(restIds(f, actual)).toEqual(['restapi.prune:tasks-dev', 'restapi.stage:prod']);
    const p = plan(f, actual);
    expect(find(p, 'restapi.stage:prod').fields).toEqual([{ field: 'variables.table', to: 'tasks' }]);
  });

  it('a stage that does not exist gets a deployment even with nothing else to do', () => {
    const f = restFleet({}, { stage: 'production' });
    expect(restIds(f, restActual(f))).toEqual(['restapi.deploy:production']);
  });

  it('back to an HTTP API: the REST API and its statements are deleted, the HTTP API created', () => {
    const f = restFleet();
    const g: Fleet = { ...f, api: { name: 'tasks-dev' } };
    const p = plan(g, restActual(f));
    expectTopological(p);
    expect(find(p, 'restapi.delete:tasks-dev (rest123)').action).toBe('delete');
    expect(find(p, 'restapi.permit:tasks-dev-approval').dependsOn).toContain('restapi.delete:tasks-dev (rest123)');
    expect(find(p, 'api.create:tasks-dev').action).toBe('create');
  });

  it('from an HTTP API to a REST API: the HTTP API and its permissions go, the REST API comes', () => {
    const f = restFleet();
    const http: Fleet = { ...f, api: { name: 'tasks-dev' } };
    const p = plan(f, actualFrom(http));
    expectTopological(p);
    const ids = p.changes.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['api.delete:tasks-dev', 'restapi.create:tasks-dev', 'restapi.deploy:prod']));
    expect(ids.filter((id) => id.startsWith('permission.delete'))).toEqual(
      expect.arrayContaining(['permission.delete:tasks-dev-approval', 'permission.delete:tasks-dev-agents']),
    );
    expect(ids.filter((id) => /^(route|integration)\./.test(id))).toEqual([]);
  });

  it("ops deploy <fn>: only that function's methods change; another's removed route waits for a full deploy", () => {
    const f = restFleet();
    const g = restFleet({ approval: ['PUT /approval', 'GET /users/{id}'], agents: [] });
    const p = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: restActual(f), only: ['approval'] });
    const ids = p.changes.map((c) => c.id).filter((id) => id.startsWith('restapi.'));
    expect(ids).toContain('restapi.method:PUT /approval');
    expect(ids).toContain('restapi.method.delete:POST /approval');
    expect(ids.filter((id) => id.includes('/api/v1'))).toEqual([]);
    expect(ids).not.toContain('restapi.permit:tasks-dev-agents');
  });

  it("ops deploy <fn> makes no resource, preflight or deployment for another function's new route, and leaves the stage's variables", () => {
    const f = restFleet();
    const g = restFleet({ agents: ['ANY /api/v1/agents/{proxy+}', 'GET /reports'] }, { stageVariables: { mode: 'fast' } });
    const alone = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: restActual(f), only: ['approval'] });
    expect(alone.changes.map((c) => c.id)).toEqual([]);
    const theirs = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: restActual(f), only: ['agents'] });
    expect(
      theirs.changes
        .map((c) => c.id)
        .filter((id) => id.startsWith('restapi.'))
        .sort(),
    ).toEqual([
      'restapi.cors:/reports',
      'restapi.deploy:prod',
      'restapi.method:GET /reports',
      'restapi.permit:tasks-dev-agents',
      'restapi.resource:/reports',
    ]);
    expect(restIds(g, restActual(f))).toContain('restapi.deploy:prod');
  });

  it('ops deploy <fn> whose route moved to a function not in the run keeps the statement the method still needs', () => {
    const f = restFleet();
    const g = restFleet({ approval: ['POST /approval'], agents: ['ANY /api/v1/agents/{proxy+}', 'GET /users/{id}'] });
    const alone = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: restActual(f), only: ['approval'] });
    expect(alone.changes.map((c) => c.id).filter((id) => id.startsWith('restapi.'))).toEqual([]);
    expect(alone.warnings).toEqual([
      'approval: keeps the permissions that let the rest api invoke it: GET /users/{id} still calls it until the function the config gives it to is deployed',
    ]);
    // With the function that takes it: the method moves, and the statement goes.
    const both = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: restActual(f), only: ['approval', 'agents'] });
    expect(find(both, 'restapi.permit:tasks-dev-approval')).toMatchObject({ remove: [restPermissionSid('GET', '/users/{id}')] });
    expect(both.changes.map((c) => c.id)).toContain('restapi.method:GET /users/{id}');
  });

  it('an OPTIONS route without cors is a method like any other: kept, not taken for a preflight', () => {
    const f = restFleet({ approval: ['POST /approval', 'OPTIONS /approval'] }, { cors: undefined });
    expect(restIds(f, restActual(f))).toEqual([]);
    expect(
      validateFleet(
        { app: 'shop', api: { type: 'rest', cors: true }, functions: { a: { handler: 'src/a.ts', routes: ['OPTIONS /x'] } } },
        { stage: 'dev', exists: () => true },
      ).problems,
    ).toEqual([
      {
        path: 'functions.a.routes.0',
        message: 'with api.cors the REST API answers OPTIONS itself (a preflight per resource): drop this route or cors',
      },
    ]);
  });

  it('ops deploy <fn> of a function that only names the API still creates it, and fills the reference after', () => {
    const f = restFleet();
    const g: Fleet = { ...f, functions: [...f.functions, fnSpec('worker', { envRefs: { API_URL: { kind: 'api', field: 'url' } } })] };
    const actual = actualFrom(f);
    delete actual.api;
    const p = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual, only: ['worker'] });
    expectTopological(p);
    expect(find(p, 'restapi.create:tasks-dev').action).toBe('create');
    expect(find(p, 'function.create:tasks-dev-worker').dependsOn).toContain('restapi.create:tasks-dev');
  });

  it('a newer owned duplicate (a create retried by a race) is deleted after the kept API is set up', () => {
    const f = restFleet();
    const actual = restActual(f);
    actual.restApi!.duplicates = ['dup9'];
    const p = plan(f, actual);
    expect(p.changes.map((c) => c.id)).toEqual(['restapi.delete:tasks-dev (dup9)']);
    expect(find(p, 'restapi.delete:tasks-dev (dup9)')).toMatchObject({ apiId: 'dup9', action: 'delete' });
  });

  it('CORS: ANY expands to every method, SAM default headers, explicit fields win', () => {
    expect(corsHeaders({ allowOrigins: ['*'] }, ['ANY'])).toEqual({
      'Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      'Access-Control-Allow-Methods': "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'",
      'Access-Control-Allow-Origin': "'*'",
    });
    expect(
      corsHeaders({ allowOrigins: ['https://a.example'], allowMethods: ['post'], maxAge: 300, allowCredentials: true }, ['GET']),
    ).toEqual({
      'Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      'Access-Control-Allow-Methods': "'POST'",
      'Access-Control-Allow-Origin': "'https://a.example'",
      'Access-Control-Max-Age': "'300'",
      'Access-Control-Allow-Credentials': "'true'",
    });
  });

  it('ops config names the REST API and its stage', () => {
    expect(renderFleet(restFleet(), new Chalk({ level: 0 }))).toContain('REST API tasks-dev, stage prod');
  });

  it('route permissions are scoped to method and path, path parameters as *', () => {
    expect(restRouteSourceArn(REGION, ACCOUNT, 'x1', 'ANY', '/api/v1/agents/{proxy+}')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:x1/*/*/api/v1/agents/*',
    );
    expect(restRouteSourceArn(REGION, ACCOUNT, 'x1', 'GET', '/users/{id}')).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:x1/*/GET/users/*',
    );
  });
});

describe('REST API config', () => {
  const env = { stage: 'dev', exists: () => true };
  const cfg = (api: unknown, routes = ['POST /approval']) => ({
    app: 'shop',
    api,
    functions: { api: { handler: 'src/api/handler.ts', routes } },
  });
  it("accepts type 'rest' with a stage, variables and cors: true", () => {
    expect(validateFleet(cfg({ type: 'rest', stage: 'production', stageVariables: { table: 't' }, cors: true }), env).problems).toEqual([]);
  });
  it("refuses '$default' on a REST API and stage variables on an HTTP API, one line each; an HTTP API may name its stage", () => {
    expect(validateFleet(cfg({ type: 'rest' }, ['$default']), env).problems).toEqual([
      { path: 'functions.api.routes.0', message: "'$default' is an HTTP API route; a REST API (api.type 'rest') needs 'ANY /{proxy+}'" },
    ]);
    expect(validateFleet(cfg({ stage: 'prod' }), env).problems).toEqual([]);
    expect(validateFleet(cfg({ stage: 'prod', stageVariables: { a: 'b' } }), env).problems).toEqual([
      { path: 'api.stageVariables', message: "stage variables are a REST API's (api.type 'rest')" },
    ]);
  });
  it('takes authorizers on a REST API (issue 15.3: test/unit/plan/rest-authorizers.test.ts has their rules)', () => {
    const raw = {
      app: 'shop',
      api: { type: 'rest', authorizers: { users: { type: 'iam' } } },
      functions: {
        a: {
          handler: 'src/a.ts',
          routes: [
            { route: 'GET /x', auth: 'iam' },
            { route: 'GET /y', auth: 'none' },
          ],
        },
      },
    };
    expect(validateFleet(raw, env).problems).toEqual([]);
  });

  it('refuses two origins on a REST preflight and sibling variable path parts, one line each', () => {
    expect(validateFleet(cfg({ type: 'rest', cors: { allowOrigins: ['https://a.example', 'https://b.example'] } }), env).problems).toEqual([
      { path: 'api.cors.allowOrigins', message: "a REST API's preflight answers one origin (as SAM's Cors does): give one, or '*'" },
    ]);
    expect(validateFleet(cfg({ type: 'rest' }, ['GET /users/{id}', 'GET /users/{userId}/posts']), env).problems).toEqual([
      {
        path: 'functions.api.routes.1',
        message: "'{userId}' beside '{id}' under /users: a REST API allows one variable path part per resource",
      },
    ]);
    // An HTTP API takes both (its routes are not a resource tree).
    expect(validateFleet(cfg({}, ['GET /users/{id}', 'GET /users/{userId}/posts']), env).problems).toEqual([]);
  });
});
