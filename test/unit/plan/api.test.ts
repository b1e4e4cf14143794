import { describe, expect, it } from 'vitest';
import { POLICY_MARKER_TAG } from '../../../src/config/naming.js';
import { withPolicyMarkers } from '../../../src/config/policy-marker.js';
import type { Fleet } from '../../../src/config/types.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { ACCOUNT, API_ID, actualFrom, artifactsFor, at, expectTopological, find, fnSpec, kinds, sampleFleet } from './builders.js';

const f = sampleFleet();
const artifacts = artifactsFor(f);
const withRoutes = (fleet: Fleet, key: string, routes: string[]): Fleet => ({
  ...fleet,
  functions: fleet.functions.map((fn) => (fn.key === key ? { ...fn, routes: fnSpec(key, { routes }).routes } : fn)),
});

describe('routes', () => {
  it('a route removed from the config → exactly one route.delete', () => {
    const g = withRoutes(f, 'api', ['GET /tasks', 'POST /tasks']);
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['route.delete']);
    expect(p.changes[0]).toMatchObject({
      fn: 'api',
      summary: 'delete route GET /tasks/{id}',
      routeId: 'route-GET /tasks/{id}',
      apiId: API_ID,
    });
  });

  it('a new route → route.create on the existing integration', () => {
    const g = withRoutes(f, 'search', ['POST /flights/search', 'GET /flights/{id}']);
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['route.create']);
    expect(p.changes[0]).toMatchObject({ routeKey: 'GET /flights/{id}', name: 'tasks-dev-search', dependsOn: [] });
  });

  it('a route moved to another function → route.update', () => {
    const g = withRoutes(withRoutes(f, 'api', ['GET /tasks', 'GET /tasks/{id}']), 'search', ['POST /flights/search', 'POST /tasks']);
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['route.update']);
    expect(p.changes[0]).toMatchObject({
      routeKey: 'POST /tasks',
      routeId: 'route-POST /tasks',
      name: 'tasks-dev-search',
      summary: 'update route POST /tasks → tasks-dev-search (was tasks-dev-api)',
      fields: [{ field: 'target', from: 'tasks-dev-api', to: 'tasks-dev-search' }],
    });
  });

  it('a function losing all its routes: routes, then integration deleted; permission removed', () => {
    const g = withRoutes(f, 'search', []);
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['route.delete', 'integration.delete', 'permission.delete']);
    expect(find(p, 'integration.delete:int-search').dependsOn).toEqual(['route.delete:POST /flights/search']);
    expect(find(p, 'permission.delete:tasks-dev-search')).toMatchObject({
      statementIds: ['ops-http-api'],
      dependsOn: ['route.delete:POST /flights/search'],
    });
  });

  it('an integration missing: created, and its routes retargeted to it', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    actual.api.integrations = actual.api.integrations.filter((i) => i.id !== 'int-search');
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['integration.create', 'route.update']);
    expect(find(p, 'integration.create:tasks-dev-search')).toMatchObject({
      apiId: API_ID,
      uri: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-search:live`,
    });
    expect(find(p, 'route.update:POST /flights/search').dependsOn).toEqual(['integration.create:tasks-dev-search']);
  });

  it('an integration with payload 1.0 → integration.update; the apigateway URI form is recognised', () => {
    const actual = actualFrom(f);
    const integ = actual.api?.integrations.find((i) => i.id === 'int-api');
    if (!integ) throw new Error('integration');
    integ.payloadFormatVersion = '1.0';
    integ.uri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${integ.uri}/invocations`;
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['integration.update']);
    expect(p.changes[0]).toMatchObject({ integrationId: 'int-api', fields: [{ field: 'payload', from: '1.0', to: '2.0' }] });
  });
});

describe('the api itself', () => {
  it('CORS change → api.update only', () => {
    const g: Fleet = {
      ...f,
      api: { name: 'tasks-dev', cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST', 'OPTIONS'] } },
    };
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['api.update']);
    expect(p.changes[0]).toMatchObject({
      apiId: API_ID,
      cors: g.api?.cors,
      summary: 'update CORS of http api tasks-dev: cors allowOrigins * → https://app.example.com',
    });
  });

  it('CORS removed from the config → api.update without cors', () => {
    const p = planDeploy({ fleet: { ...f, api: { name: 'tasks-dev' } }, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['api.update']);
    expect(p.changes[0]).toMatchObject({ cors: undefined });
  });

  it('missing $default stage or auto-deploy off → api.stage', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    actual.api.stages = [];
    expect(planDeploy({ fleet: f, artifacts, actual }).changes[0]).toMatchObject({ kind: 'api.stage', action: 'create', apiId: API_ID });
    actual.api.stages = [{ name: '$default', autoDeploy: false }];
    expect(planDeploy({ fleet: f, artifacts, actual }).changes[0]).toMatchObject({ kind: 'api.stage', action: 'update' });
  });

  it('api gone from the config → api.delete and the functions lose their permission', () => {
    const g: Fleet = { ...f, api: undefined, functions: f.functions.map((fn) => ({ ...fn, routes: [] })) };
    const p = planDeploy({ fleet: g, artifacts, actual: actualFrom(f) });
    expect(kinds(p)).toEqual(['api.delete', 'permission.delete', 'permission.delete']);
    expect(at(p, 'api.delete:tasks-dev')).toBe(0);
    expectTopological(p);
    expect(find(p, 'permission.delete:tasks-dev-api').dependsOn).toEqual(['api.delete:tasks-dev']);
  });

  it('the api recreated: permissions are set again and the executor fills in the api id', () => {
    const actual = actualFrom(f);
    actual.api = undefined;
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p).filter((k) => k.startsWith('permission'))).toEqual(['permission.set', 'permission.set']);
    expect(find(p, 'permission.set:tasks-dev-api')).toMatchObject({
      action: 'update',
      removeStatementIds: ['ops-http-api'],
      sourceArn: undefined,
      dependsOn: ['api.create:tasks-dev'],
      fields: [{ field: 'source', from: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API_ID}/*/*`, to: 'the new http api' }],
    });
    expectTopological(p);
  });
});

describe('permissions', () => {
  it("stale ops-http-api* statements are removed; others, the triggers' ops-rule-* / ops-sns-* included, left to their owners", () => {
    const actual = actualFrom(f);
    const fn = actual.functions['tasks-dev-search'];
    fn.aliasPolicy.push(
      { Sid: 'ops-http-api-old', Effect: 'Allow', Action: 'lambda:InvokeFunction' },
      { Sid: 'someone-else', Effect: 'Allow', Action: 'lambda:InvokeFunction' },
      { Sid: 'ops-custom', Effect: 'Allow', Action: 'lambda:InvokeFunction' },
    );
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['permission.set']);
    expect(p.changes[0]).toMatchObject({
      statementId: 'ops-http-api',
      removeStatementIds: ['ops-http-api', 'ops-http-api-old'],
      apiId: API_ID,
      sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API_ID}/*/*`,
      fields: [{ field: 'statement', from: 'ops-http-api-old' }],
    });
  });

  it('a statement for another api → permission.set replacing it', () => {
    const actual = actualFrom(f);
    const [stmt] = actual.functions['tasks-dev-api'].aliasPolicy;
    stmt.Condition = { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:other/*/*` } };
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['permission.set']);
    expect(p.changes[0]).toMatchObject({ action: 'update', removeStatementIds: ['ops-http-api'] });
  });
});

describe('what a lost answer (or a race) duplicated is removed by the next plan (issue 11)', () => {
  const sourceOf = (apiId: string) => ({ ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/*/*` } });

  it('ops deploy <fn>: the stage is made by a selection with routes on the API, not by one without (nothing of the API is its)', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    actual.api.stages = [];
    expect(kinds(planDeploy({ fleet: f, artifacts, actual, only: ['search'] }))).toEqual(['api.stage']);
    expect(kinds(planDeploy({ fleet: f, artifacts, actual, only: ['worker'] }))).toEqual([]);
    const renamed: Fleet = { ...f, api: { ...f.api!, stage: 'v1' } };
    expect(kinds(planDeploy({ fleet: renamed, artifacts, actual: actualFrom(f), only: ['worker'] }))).toEqual([]);
  });

  it('a function whose only route moved to another: its permission goes after the move; deployed alone, it keeps it (and its marker)', () => {
    // As resolved from a config: functions holding statements are marked (ops:policy), and AWS has the markers.
    const marked = (x: Fleet): Fleet => ({ ...x, functions: withPolicyMarkers(x.functions, [x.api]) });
    const actual = actualFrom(f);
    for (const n of ['tasks-dev-api', 'tasks-dev-search']) actual.functions[n].tags[POLICY_MARKER_TAG] = '1';
    const g = marked(
      withRoutes(withRoutes(f, 'search', []), 'api', ['GET /tasks', 'POST /tasks', 'GET /tasks/{id}', 'POST /flights/search']),
    );
    const full = planDeploy({ fleet: g, artifacts, actual });
    expect(kinds(full)).toEqual(['route.update', 'integration.delete', 'permission.delete', 'function.tag']);
    expect(find(full, 'permission.delete:tasks-dev-search').dependsOn).toContain('route.update:POST /flights/search');
    expectTopological(full);
    // `ops deploy search`: POST /flights/search still calls it until api is deployed.
    const alone = planDeploy({ fleet: g, artifacts, actual, only: ['search'] });
    expect(kinds(alone)).toEqual([]);
    expect(alone.warnings).toEqual([
      'search: keeps the permission that lets the http api invoke it: POST /flights/search still calls it until the function the config gives it to is deployed',
    ]);
    // Deployed with api: the route moves, and the permission goes after it.
    const both = planDeploy({ fleet: g, artifacts, actual, only: ['search', 'api'] });
    expect(kinds(both)).toEqual(['route.update', 'integration.delete', 'permission.delete', 'function.tag']);
    expectTopological(both);
  });

  it('a newer owned API with the stage name: deleted after the permissions point at the kept (oldest) one', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    actual.api.duplicates = [{ id: 'newer', endpoint: 'https://newer.example' }];
    // The deploy that made it pointed one function's permission at it.
    actual.functions['tasks-dev-search'].aliasPolicy[0].Condition = sourceOf('newer');
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['permission.set', 'api.delete']);
    expect(find(p, 'api.delete:tasks-dev newer')).toMatchObject({
      apiId: 'newer',
      dependsOn: ['permission.set:tasks-dev-search'],
      summary: `delete duplicate http api tasks-dev (newer, https://newer.example); ${API_ID} is kept`,
    });
    expectTopological(p);
  });

  it('`ops deploy <fn>` leaves a duplicate API alone (other functions may still point at it); destroy deletes every one', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    actual.api.duplicates = [{ id: 'newer', endpoint: '' }];
    expect(kinds(planDeploy({ fleet: f, artifacts, actual, only: ['search'] }))).toEqual([]);
    const destroy = planDeploy({ fleet: f, artifacts: {}, actual, destroy: true });
    expect(destroy.changes.filter((c) => c.kind === 'api.delete').map((c) => (c as { apiId: string }).apiId)).toEqual([API_ID, 'newer']);
  });

  it('two integrations for one function: the one its routes use is kept, the other deleted; no route moves', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    const search = actual.api.integrations.find((i) => i.id === 'int-search')!;
    // The retried create made `int-a-search` (sorting first); the routes went to the one whose answer came back.
    actual.api.integrations.push({ ...search, id: 'int-a-search' });
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['integration.delete']);
    expect(p.changes[0]).toMatchObject({ integrationId: 'int-a-search', dependsOn: [] });
  });

  it('two routes with one key (AWS refuses that, moto and races do not): the one on the right integration is kept', () => {
    const actual = actualFrom(f);
    if (!actual.api) throw new Error('api');
    const search = actual.api.integrations.find((i) => i.id === 'int-search')!;
    actual.api.integrations.push({ ...search, id: 'int-z-search' });
    actual.api.routes.unshift({ id: 'route-0', key: 'POST /flights/search', target: 'integrations/int-z-search' });
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['route.delete', 'integration.delete']);
    expect(find(p, 'route.delete:POST /flights/search route-0')).toMatchObject({
      routeId: 'route-0',
      summary: 'delete duplicate route POST /flights/search (route-0)',
    });
    expect(find(p, 'integration.delete:int-z-search').dependsOn).toEqual(['route.delete:POST /flights/search route-0']);
    expectTopological(p);
  });

  it('two statements with the API permission id (moto accepts a duplicate AddPermission): rewritten as one', () => {
    const actual = actualFrom(f);
    const policy = actual.functions['tasks-dev-api'].aliasPolicy;
    policy.push(structuredClone(policy[0]));
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['permission.set']);
    expect(p.changes[0]).toMatchObject({ name: 'tasks-dev-api', removeStatementIds: ['ops-http-api', 'ops-http-api'] });
  });
});
