import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import type { AuthorizerSpec } from '../../../src/config/resolve-authorizers.js';
import type { Fleet } from '../../../src/config/types.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import type { Actual } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { ACCOUNT, API_ID, actualFrom, artifactsFor, expectTopological, find, ids, sampleFleet } from './builders.js';

/** HTTP API authorizers: the pure planner (create, converged, one field, removal order) and the config's one-line errors. */

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const COGNITO: AuthorizerSpec = {
  name: 'cognito',
  type: 'jwt',
  issuer: ISSUER,
  audience: ['client-1'],
  identitySource: ['$request.header.Authorization'],
};
const CUSTOM: AuthorizerSpec = {
  name: 'custom',
  type: 'lambda',
  function: 'worker',
  functionName: 'tasks-dev-worker',
  identitySource: ['$request.header.Authorization'],
  ttl: 300,
  payload: '2.0',
};

const base = sampleFleet();
const artifacts = artifactsFor(base);

/** The sample fleet with authorizers: GET /tasks behind cognito (scope read), the search route behind custom. */
function withAuth(authorizers: AuthorizerSpec[] = [COGNITO, CUSTOM]): Fleet {
  const has = (n: string) => authorizers.some((a) => a.name === n);
  return {
    ...base,
    api: { ...base.api!, authorizers },
    functions: base.functions.map((fn) => ({
      ...fn,
      routes: fn.routes.map((r) =>
        r.key === 'GET /tasks' && has('cognito')
          ? { ...r, auth: { type: 'jwt' as const, authorizer: 'cognito', scopes: ['read'] } }
          : r.key === 'POST /flights/search' && has('custom')
            ? { ...r, auth: { type: 'lambda' as const, authorizer: 'custom' } }
            : r,
      ),
    })),
  };
}

/** What AWS holds after deploying `withAuth()`. */
function converged(): Actual {
  const actual = actualFrom(base);
  const api = actual.api!;
  api.authorizers = [
    {
      id: 'au-cog',
      name: 'cognito',
      type: 'JWT',
      identitySource: ['$request.header.Authorization'],
      issuer: ISSUER,
      audience: ['client-1'],
    },
    {
      id: 'au-cus',
      name: 'custom',
      type: 'REQUEST',
      identitySource: ['$request.header.Authorization'],
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-worker:live/invocations`,
      ttl: 300,
      payload: '2.0',
      simpleResponses: true,
    },
  ];
  api.routes = api.routes.map((r) =>
    r.key === 'GET /tasks'
      ? { ...r, auth: { type: 'JWT', authorizerId: 'au-cog', scopes: ['read'] } }
      : r.key === 'POST /flights/search'
        ? { ...r, auth: { type: 'CUSTOM', authorizerId: 'au-cus' } }
        : r,
  );
  actual.functions['tasks-dev-worker'].aliasPolicy = [
    {
      Sid: 'ops-authorizer-custom',
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API_ID}/authorizers/au-cus` } },
    },
  ];
  return actual;
}

describe('http api authorizers: plan', () => {
  it('fresh: authorizers first, then the routes attach to them, the grant waits for the Lambda authorizer', () => {
    const p = planDeploy({ fleet: withAuth(), artifacts, actual: actualFrom(base) });
    expect(ids(p).sort()).toEqual([
      'authorizer.create:cognito',
      'authorizer.create:custom',
      'authorizer.grant:custom',
      'route.update:GET /tasks',
      'route.update:POST /flights/search',
    ]);
    expect(find(p, 'route.update:GET /tasks')).toMatchObject({
      auth: { type: 'JWT', authorizer: 'cognito', scopes: ['read'] },
      fields: [{ field: 'auth', from: 'none', to: 'cognito (read)' }],
    });
    expect(find(p, 'route.update:GET /tasks').dependsOn).toContain('authorizer.create:cognito');
    expect(find(p, 'authorizer.grant:custom')).toMatchObject({
      name: 'tasks-dev-worker',
      statementId: 'ops-authorizer-custom',
      replace: false,
    });
    expect(find(p, 'authorizer.grant:custom').dependsOn).toContain('authorizer.create:custom');
    expectTopological(p);
  });

  it('ops deploy <fn>: a Lambda authorizer it creates gets its grant, though its function is not in the run', () => {
    const p = planDeploy({ fleet: withAuth(), artifacts, actual: actualFrom(base), only: ['search'] });
    expect(ids(p)).toContain('authorizer.create:custom');
    expect(find(p, 'authorizer.grant:custom')).toMatchObject({ name: 'tasks-dev-worker', statementId: 'ops-authorizer-custom' });
    // Its function never deployed: nothing to grant on, so the run stops before any write.
    const bare = actualFrom(base);
    delete bare.functions['tasks-dev-worker'];
    expect(() => planDeploy({ fleet: withAuth(), artifacts, actual: bare, only: ['search'] })).toThrow(
      'authorizer custom runs function worker, which is not deployed yet and not in this run',
    );
  });

  it('ops deploy <fn> of a function the API does not call (no route, not an authorizer) creates no authorizer', () => {
    const fleet = withAuth();
    const cron: Fleet = { ...fleet, functions: [...fleet.functions, { ...fleet.functions[2]!, key: 'cron', name: 'tasks-dev-cron' }] };
    const p = planDeploy({ fleet: cron, artifacts: artifactsFor(cron), actual: actualFrom(base), only: ['cron'] });
    expect(ids(p).filter((id) => id.startsWith('authorizer.') || id.startsWith('api.'))).toEqual([]);
    // The authorizer's own function is the API's: its deploy creates the authorizer it runs, and grants it.
    expect(ids(planDeploy({ fleet, artifacts, actual: actualFrom(base), only: ['worker'] }))).toEqual(
      expect.arrayContaining(['authorizer.create:custom', 'authorizer.grant:custom']),
    );
  });

  it('converged: nothing to do', () => {
    expect(planDeploy({ fleet: withAuth(), artifacts, actual: converged() }).changes).toEqual([]);
  });

  it('a TTL change is one update with that field', () => {
    const p = planDeploy({ fleet: withAuth([COGNITO, { ...CUSTOM, ttl: 60 }]), artifacts, actual: converged() });
    expect(ids(p)).toEqual(['authorizer.update:custom']);
    expect(p.changes[0].fields).toEqual([{ field: 'ttl', from: '300', to: '60' }]);
  });

  it('removed: the route detaches first, then the authorizer and its grant go', () => {
    const p = planDeploy({ fleet: withAuth([COGNITO]), artifacts, actual: converged() });
    expect(ids(p).sort()).toEqual(['authorizer.delete:au-cus', 'authorizer.revoke:tasks-dev-worker', 'route.update:POST /flights/search']);
    expect(find(p, 'route.update:POST /flights/search')).toMatchObject({
      auth: { type: 'NONE' },
      fields: [{ field: 'auth', from: 'custom', to: 'none' }],
    });
    expect(find(p, 'authorizer.delete:au-cus').dependsOn).toEqual(['route.update:POST /flights/search']);
    expectTopological(p);
  });

  it('a fleet without authorizers plans as before: no authorizer change, routes untouched', () => {
    expect(planDeploy({ fleet: base, artifacts, actual: actualFrom(base) }).changes).toEqual([]);
  });
});

const files = new Set(['src/a/handler.ts', 'src/b/handler.ts']);
const env: ValidateEnv = { stage: 'dev', exists: (p) => files.has(p) };
const config = (api: Record<string, unknown>, routes: unknown[] = ['GET /a']) => ({
  app: 'shop',
  api,
  functions: { api: { handler: 'src/a/handler.ts', routes }, authz: { handler: 'src/b/handler.ts' } },
});
const problemsOf = (cfg: unknown) => validateFleet(cfg, env).problems.map((p) => `${p.path}: ${p.message}`);

describe('http api authorizers: config', () => {
  it('resolves a route auth, the default, and none', () => {
    const cfg = config(
      {
        authorizers: { cognito: { type: 'jwt', issuer: ISSUER, audience: ['c'] }, custom: { type: 'lambda', function: 'authz' } },
        defaultAuthorizer: 'cognito',
      },
      ['GET /a', { route: 'GET /b', auth: 'custom' }, { route: 'GET /c', auth: 'none' }, { route: 'GET /d', auth: 'iam' }],
    );
    const { fleet, problems } = validateFleet(cfg, env);
    expect(problems).toEqual([]);
    const f = resolveFleet(fleet!, {
      stage: 'dev',
      root: '/p',
      configPath: '/p/ops.config.ts',
      exists: (p) => [...files].some((x) => p.endsWith(x)),
    });
    const routes = f.functions.find((x) => x.key === 'api')!.routes;
    expect(routes.map((r) => [r.key, r.auth])).toEqual([
      ['GET /a', { type: 'jwt', authorizer: 'cognito' }],
      ['GET /b', { type: 'lambda', authorizer: 'custom' }],
      ['GET /c', undefined],
      ['GET /d', { type: 'iam' }],
    ]);
    expect(f.api?.authorizers?.find((a) => a.name === 'custom')).toMatchObject({ functionName: 'shop-dev-authz', ttl: 0, payload: '2.0' });
  });

  it('an authorizer naming a function that does not exist: one line', () => {
    expect(problemsOf(config({ authorizers: { custom: { type: 'lambda', function: 'authx' } } }))).toEqual([
      "api.authorizers.custom.function: no function 'authx' in this fleet (did you mean 'authz'?)",
    ]);
  });

  it('a route naming an unknown authorizer: did you mean', () => {
    const cfg = config({ authorizers: { cognito: { type: 'jwt', issuer: ISSUER, audience: ['c'] } } }, [
      { route: 'GET /a', auth: 'cognitoo' },
    ]);
    expect(problemsOf(cfg)).toEqual([
      "functions.api.routes.0.auth: no authorizer 'cognitoo' (did you mean 'cognito'?): api.authorizers has cognito, or 'iam', 'none'",
    ]);
  });

  it('a JWT authorizer without issuer or audience: one line with the Cognito form', () => {
    const problems = problemsOf(config({ authorizers: { cognito: { type: 'jwt', audience: ['c'] } } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^api\.authorizers\.cognito: a JWT authorizer needs issuer and audience, e\.g\. issuer: 'https:\/\/cognito-idp/,
    );
    expect(problemsOf(config({ authorizers: { cognito: { type: 'jwt', issuer: ISSUER } } }))).toHaveLength(1);
    expect(problemsOf(config({ authorizers: { cognito: { type: 'jwt', issuer: 'cognito-idp.example', audience: ['c'] } } }))).toEqual([
      "api.authorizers.cognito.issuer: a JWT issuer is an https:// URL (the token's iss), e.g. https://cognito-idp.{region}.amazonaws.com/{userPoolId}",
    ]);
  });

  it('scopes on a route that is not behind a JWT authorizer: one line', () => {
    const cfg = config({ authorizers: { custom: { type: 'lambda', function: 'authz' } } }, [
      { route: 'GET /a', auth: 'custom', scopes: ['x'] },
    ]);
    expect(problemsOf(cfg)).toEqual(["functions.api.routes.0.scopes: scopes need a JWT authorizer; this route's auth is 'custom'"]);
  });
});

describe('http api authorizers: ops config', () => {
  it("shows each route's auth in a column, only when some route has one", async () => {
    const { renderFleet } = await import('../../../src/ui/fleet.js');
    const { Chalk } = await import('chalk');
    const plain = new Chalk({ level: 0 });
    const text = renderFleet(withAuth(), plain).join('\n');
    expect(text).toMatch(/route\s+function\s+auth/);
    expect(text).toMatch(/GET \/tasks\s+api\s+cognito \(jwt\)/);
    expect(text).toMatch(/POST \/flights\/search\s+search\s+custom \(lambda\)/);
    expect(text).toMatch(/POST \/tasks\s+api\s+none/);
    expect(renderFleet(base, plain).join('\n')).not.toMatch(/function\s+auth/);
  });
});
