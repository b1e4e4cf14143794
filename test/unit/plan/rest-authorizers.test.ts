import { describe, expect, it } from 'vitest';
import { restIntegrationUri, restPermissionSid, restRouteSourceArn } from '../../../src/config/naming.js';
import type { AuthorizerSpec } from '../../../src/config/resolve-authorizers.js';
import { v1IdentitySource } from '../../../src/config/rest-authorizers.js';
import type { Fleet, RouteSpec } from '../../../src/config/types.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import type { Actual, ActualRestApi } from '../../../src/model/actual.js';
import { createContext } from '../../../src/plan/context.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { pathsOf } from '../../../src/resources/rest-api/plan.js';
import { planRestAuthorizerGrants, restAuthorizerSid } from '../../../src/resources/rest-api/plan-authorizers.js';
import { ACCOUNT, actualFrom, artifactsFor, emptyActual, expectTopological, find, fleet, fnSpec, REGION } from './builders.js';

/**
 * REST API authorizers (issue 15.3) and custom domains on a REST API (15.6): the pure planners (Cognito,
 * IAM and Lambda authorizers, each method's attachment, the grant scoped to the authorizer, converged,
 * one field, a moved attachment, removal order) and the config's one-line errors.
 */

const REST_ID = 'rest123';
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const POOL_ARN = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_Example`;
const COGNITO: AuthorizerSpec = {
  name: 'users',
  type: 'jwt',
  issuer: ISSUER,
  audience: [],
  identitySource: ['$request.header.Authorization'],
};
const GATE: AuthorizerSpec = {
  name: 'gate',
  type: 'lambda',
  function: 'authz',
  functionName: 'tasks-dev-authz',
  identitySource: ['$request.header.X-Token', '$request.querystring.team'],
  ttl: 60,
  payload: '2.0',
};

const auth = {
  'GET /orders': { type: 'jwt' as const, authorizer: 'users', scopes: ['orders/read'] },
  'POST /orders': { type: 'iam' as const },
  'POST /approval': { type: 'lambda' as const, authorizer: 'gate' },
} as Record<string, RouteSpec['auth']>;

function restFleet(
  authorizers: AuthorizerSpec[] = [COGNITO, GATE],
  routeAuth = auth,
  extra: Partial<NonNullable<Fleet['api']>> = {},
): Fleet {
  const f = fleet([fnSpec('orders', { routes: ['GET /orders', 'POST /orders', 'POST /approval'] }), fnSpec('authz')], {
    api: { name: 'tasks-dev', type: 'rest', stage: 'prod', authorizers, ...extra },
  });
  for (const fn of f.functions) fn.routes = fn.routes.map((r) => (routeAuth[r.key] ? { ...r, auth: routeAuth[r.key] } : r));
  return f;
}

/** What AWS holds right after deploying `restFleet()`. */
function converged(f: Fleet = restFleet()): Actual {
  const actual = actualFrom(f);
  delete actual.api;
  const resources: ActualRestApi['resources'] = {};
  let n = 0;
  const ids: Record<string, string> = { users: 'au-users', gate: 'au-gate' };
  for (const fn of f.functions)
    for (const r of fn.routes) {
      for (const p of pathsOf(r.path)) resources[p] ??= { id: `res${n++}`, methods: {} };
      const a = r.auth;
      resources[r.path].methods[r.method] = {
        authorizationType: !a ? 'NONE' : a.type === 'iam' ? 'AWS_IAM' : a.type === 'jwt' ? 'COGNITO_USER_POOLS' : 'CUSTOM',
        ...(a && a.type !== 'iam' ? { authorizerId: ids[a.authorizer] } : {}),
        ...(a && a.type === 'jwt' && a.scopes ? { authorizationScopes: a.scopes } : {}),
        integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: restIntegrationUri(REGION, ACCOUNT, fn.name) },
      };
    }
  actual.restApi = {
    id: REST_ID,
    name: 'tasks-dev',
    tags: f.tags,
    resources,
    stages: [{ name: 'prod', deploymentId: 'dep1' }],
    deployments: [{ id: 'dep1', createdDate: 1 }],
    authorizers: [
      {
        id: 'au-users',
        name: 'users',
        type: 'COGNITO_USER_POOLS',
        identitySource: 'method.request.header.Authorization',
        providerArns: [POOL_ARN],
        ttl: 300,
      },
      {
        id: 'au-gate',
        name: 'gate',
        type: 'REQUEST',
        identitySource: 'method.request.header.X-Token,method.request.querystring.team',
        uri: restIntegrationUri(REGION, ACCOUNT, 'tasks-dev-authz'),
        ttl: 60,
      },
    ],
  };
  const statement = (sid: string, source: string) => ({
    Sid: sid,
    Effect: 'Allow' as const,
    Principal: { Service: 'apigateway.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Condition: { ArnLike: { 'AWS:SourceArn': source } },
  });
  const orders = f.functions[0];
  actual.functions[orders.name].aliasPolicy = orders.routes.map((r) =>
    statement(restPermissionSid(r.method, r.path), restRouteSourceArn(REGION, ACCOUNT, REST_ID, r.method, r.path)),
  );
  actual.functions['tasks-dev-authz'].aliasPolicy = [
    statement('ops-rest-authorizer-gate', `arn:aws:execute-api:${REGION}:${ACCOUNT}:${REST_ID}/authorizers/au-gate`),
  ];
  return actual;
}

const plan = (f: Fleet, actual: Actual) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
const restIds = (f: Fleet, actual: Actual) =>
  plan(f, actual)
    .changes.map((c) => c.id)
    .filter((id) => id.startsWith('restapi.') || id.startsWith('domain.'))
    .sort();

describe('REST API authorizers: planner', () => {
  it('a fresh stage: a Cognito and a REQUEST authorizer before the methods that use them, the grant scoped to the authorizer', () => {
    const f = restFleet();
    const p = plan(f, emptyActual());
    expectTopological(p);
    expect(find(p, 'restapi.authorizer.create:users')).toMatchObject({
      authorizer: {
        name: 'users',
        type: 'COGNITO_USER_POOLS',
        providerArns: [POOL_ARN],
        identitySource: 'method.request.header.Authorization',
      },
    });
    expect(find(p, 'restapi.authorizer.create:gate')).toMatchObject({
      authorizer: {
        type: 'REQUEST',
        functionName: 'tasks-dev-authz',
        identitySource: 'method.request.header.X-Token,method.request.querystring.team',
        ttl: 60,
      },
      dependsOn: expect.arrayContaining(['alias.publish:tasks-dev-authz']),
    });
    expect(find(p, 'restapi.method:GET /orders')).toMatchObject({
      auth: { type: 'COGNITO_USER_POOLS', authorizer: 'users', scopes: ['orders/read'] },
      dependsOn: expect.arrayContaining(['restapi.authorizer.create:users']),
    });
    expect(find(p, 'restapi.method:POST /orders')).toMatchObject({ auth: { type: 'AWS_IAM' } });
    expect(find(p, 'restapi.method:POST /approval')).toMatchObject({ auth: { type: 'CUSTOM', authorizer: 'gate' } });
    expect(find(p, 'restapi.deploy:prod').dependsOn).toEqual(
      expect.arrayContaining(['restapi.authorizer.create:users', 'restapi.authorizer.create:gate']),
    );
    expect(find(p, 'restapi.authorizer.grant:gate')).toMatchObject({
      name: 'tasks-dev-authz',
      statementId: 'ops-rest-authorizer-gate',
      replace: false,
      dependsOn: expect.arrayContaining(['restapi.authorizer.create:gate', 'alias.publish:tasks-dev-authz']),
    });
  });

  it('a converged stage plans nothing, and the read shapes compare equal to the config', () => {
    expect(restIds(restFleet(), converged())).toEqual([]);
  });

  it("a TTL change is one authorizer update and a new deployment (a REST API's stage serves the deployed authorizer)", () => {
    const f = restFleet([COGNITO, { ...GATE, ttl: 300 }]);
    const p = plan(f, converged());
    expect(restIds(f, converged())).toEqual(['restapi.authorizer.update:gate', 'restapi.deploy:prod']);
    expect(find(p, 'restapi.authorizer.update:gate').fields).toEqual([{ field: 'ttl', from: '60', to: '300' }]);
  });

  it('moving a method to another authorizer updates that method (auth field) and makes one deployment', () => {
    const f = restFleet(undefined, { ...auth, 'POST /orders': { type: 'jwt', authorizer: 'users' } });
    const p = plan(f, converged());
    expect(restIds(f, converged())).toEqual(['restapi.deploy:prod', 'restapi.method:POST /orders']);
    expect(find(p, 'restapi.method:POST /orders')).toMatchObject({
      action: 'update',
      fields: [{ field: 'auth', from: 'iam', to: 'users' }],
      auth: { type: 'COGNITO_USER_POOLS', authorizerId: 'au-users' },
    });
  });

  it('removing the Lambda authorizer detaches its method, then deletes it after the deployment, and revokes its grant', () => {
    const { 'POST /approval': _, ...rest } = auth;
    const f = restFleet([COGNITO], rest);
    const p = plan(f, converged());
    expectTopological(p);
    expect(restIds(f, converged())).toEqual([
      'restapi.authorizer.delete:au-gate',
      'restapi.authorizer.revoke:tasks-dev-authz',
      'restapi.deploy:prod',
      'restapi.method:POST /approval',
    ]);
    expect(find(p, 'restapi.method:POST /approval')).toMatchObject({ fields: [{ field: 'auth', from: 'gate', to: 'none' }] });
    expect(find(p, 'restapi.method:POST /approval')).not.toHaveProperty('auth');
    expect(find(p, 'restapi.method:POST /approval')).toHaveProperty('haveAuth', { authorizerId: 'au-gate', scopes: undefined });
    expect(find(p, 'restapi.authorizer.delete:au-gate').dependsOn).toEqual(
      expect.arrayContaining(['restapi.method:POST /approval', 'restapi.deploy:prod']),
    );
    expect(find(p, 'restapi.authorizer.revoke:tasks-dev-authz')).toMatchObject({ statementIds: ['ops-rest-authorizer-gate'] });
  });

  it("each API revokes only its own authorizer statements: the default API's and a named API's (apis.<key>) live side by side", () => {
    const actual = converged();
    const policy = actual.functions['tasks-dev-authz'].aliasPolicy!;
    policy.push({ ...policy[0], Sid: restAuthorizerSid('partners', 'gate') });
    const f = restFleet();
    const ctx = createContext({ fleet: f, artifacts: artifactsFor(f), actual });
    // The default API still wants its gate: nothing to do; the named API's statement is not its business.
    expect(planRestAuthorizerGrants(ctx, f.api, REST_ID, new Map([['gate', 'au-gate']]))).toEqual([]);
    // The named API no longer has authorizers: only its own statement goes.
    const partners = { name: 'tasks-dev-partners', key: 'partners', type: 'rest' as const, stage: 'prod' };
    expect(planRestAuthorizerGrants(ctx, partners, 'rest456', new Map())).toEqual([
      expect.objectContaining({ kind: 'restapi.authorizer.revoke', statementIds: ['ops-api-partners_ra_gate'] }),
    ]);
  });

  it('a TOKEN authorizer, and identity sources in v1 syntax', () => {
    const f = restFleet([COGNITO, { ...GATE, token: true, identitySource: ['$request.header.Authorization'] }]);
    const actual = actualFrom(f);
    delete actual.api;
    expect(find(plan(f, actual), 'restapi.authorizer.create:gate')).toMatchObject({
      authorizer: { type: 'TOKEN', identitySource: 'method.request.header.Authorization' },
    });
    expect(['$request.header.A', '$request.querystring.q', '$context.requestId', '$stageVariables.v'].map(v1IdentitySource)).toEqual([
      'method.request.header.A',
      'method.request.querystring.q',
      'context.requestId',
      'stageVariables.v',
    ]);
  });
});

describe('custom domain on a REST API: planner', () => {
  const DOMAIN = { name: 'api.example.com', certificate: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`, basePath: 'v1', adopt: false };

  it("maps the domain to the REST API's stage (v2 API mapping, after the stage exists) and marks the stage", () => {
    const f = restFleet(undefined, undefined, { domain: DOMAIN });
    const actual = actualFrom(f);
    delete actual.api;
    actual.domains = { domains: {}, records: [] };
    const p = plan(f, actual);
    expectTopological(p);
    expect(find(p, 'domain.map:api.example.com')).toMatchObject({
      stage: 'prod',
      key: 'v1',
      rest: true,
      dependsOn: expect.arrayContaining(['restapi.create:tasks-dev', 'restapi.deploy:prod', 'domain.create:api.example.com']),
    });
    expect(find(p, 'domain.mark:tasks-dev')).toMatchObject({ rest: { stage: 'prod' }, tags: { 'ops:domain': 'api.example.com' } });
  });

  it('converged (mapped, stage marked) plans nothing; the HTTP API kind is not involved', () => {
    const f = restFleet(undefined, undefined, { domain: DOMAIN });
    const actual = converged(f);
    actual.restApi!.stages[0].tags = { 'ops:domain': 'api.example.com' };
    actual.domains = {
      domains: {
        'api.example.com': {
          name: 'api.example.com',
          owned: true,
          certificate: DOMAIN.certificate,
          endpointType: 'REGIONAL',
          tags: f.tags,
          mappings: [{ id: 'm1', apiId: REST_ID, stage: 'prod', key: 'v1' }],
        },
      },
      records: [],
    };
    expect(restIds(f, actual)).toEqual([]);
    // The domain leaves the config: the domain and its mapping go, and the stage's marker.
    const without = restFleet();
    expect(restIds(without, actual)).toEqual(['domain.delete:api.example.com', 'domain.mark:tasks-dev']);
    expect(find(plan(without, actual), 'domain.mark:tasks-dev')).toMatchObject({ rest: { stage: 'prod' }, remove: ['ops:domain'] });
    // Destroy: the mapping and the domain go before the REST API (API Gateway keeps an API a domain maps).
    const destroy = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, destroy: true });
    expectTopological(destroy);
    expect(find(destroy, 'restapi.delete:tasks-dev (rest123)').dependsOn).toContain('domain.delete:api.example.com');
  });
});

describe('REST API authorizers: config, one line each', () => {
  const env: ValidateEnv = { stage: 'dev', exists: () => true };
  const raw = (api: Record<string, unknown>, routes: unknown[] = [{ route: 'GET /x', auth: 'users' }]) => ({
    app: 'shop',
    api: { type: 'rest', ...api },
    functions: { a: { handler: 'src/a.ts', routes }, authz: { handler: 'src/authz.ts' } },
  });

  it('takes a Cognito JWT, iam and a Lambda (REQUEST or TOKEN) authorizer on a REST API', () => {
    const api = {
      authorizers: {
        users: { type: 'jwt', issuer: ISSUER },
        gate: { type: 'lambda', function: 'authz', ttl: 60, functionPayloadType: 'TOKEN' },
      },
    };
    expect(
      validateFleet(
        raw(api, [
          { route: 'GET /x', auth: 'users', scopes: ['r'] },
          { route: 'GET /y', auth: 'iam' },
        ]),
        env,
      ).problems,
    ).toEqual([]);
  });

  it('a JWT issuer that is not a Cognito user pool, an audience, a payload, TOKEN on an HTTP API', () => {
    const p = (api: Record<string, unknown>) => validateFleet(raw(api), env).problems;
    // An HTTP API's JWT config moved to a REST API as it is: one line, the issuer's.
    expect(p({ authorizers: { users: { type: 'jwt', issuer: 'https://auth.example.com/', audience: ['x'] } } })).toEqual([
      {
        path: 'api.authorizers.users.issuer',
        message:
          "a REST API verifies JWTs only through a Cognito user pool (issuer https://cognito-idp.{region}.amazonaws.com/{poolId}) or a Lambda authorizer (type 'lambda')",
      },
    ]);
    expect(p({ authorizers: { users: { type: 'jwt', issuer: ISSUER, audience: ['client-1'] } } })).toEqual([
      {
        path: 'api.authorizers.users.audience',
        message:
          "a REST API's Cognito authorizer takes tokens of every app client of the pool: audience cannot be checked there (drop it, or use a Lambda authorizer)",
      },
    ]);
    expect(p({ authorizers: { users: { type: 'lambda', function: 'authz', payload: '2.0' } } })).toEqual([
      {
        path: 'api.authorizers.users.payload',
        message: "payload is an HTTP API authorizer's: a REST API's Lambda authorizer answers an IAM policy (drop it)",
      },
    ]);
    expect(
      validateFleet(
        { ...raw({}), api: { authorizers: { users: { type: 'lambda', function: 'authz', functionPayloadType: 'TOKEN' } } } },
        env,
      ).problems,
    ).toEqual([
      {
        path: 'api.authorizers.users.functionPayloadType',
        message: "TOKEN authorizers are a REST API's (api.type 'rest'): an HTTP API's are REQUEST",
      },
    ]);
  });

  it('an authorizer naming a function that does not exist is one line on a REST API too', () => {
    expect(validateFleet(raw({ authorizers: { users: { type: 'lambda', function: 'auth' } } }), env).problems).toEqual([
      { path: 'api.authorizers.users.function', message: "no function 'auth' in this fleet (did you mean 'authz'?)" },
    ]);
  });
});
