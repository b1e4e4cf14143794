import { describe, expect, it } from 'vitest';
import { createApi, createIntegration, createRoute } from '../../src/aws/apigw.js';
import { addPermission, getAliasPolicy, publishVersionAndMoveAlias } from '../../src/aws/lambda-alias.js';
import { createFunction, createRole } from '../../src/aws/write.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

/**
 * The creates AWS does not make idempotent by name, against moto behind the fault proxy. Where moto
 * and AWS differ (moto accepts a second route with one key and a second statement with one id; AWS
 * answers ConflictException / ResourceConflictException), the proxy answers as AWS does.
 */
describe('creates that survive a lost answer and a taken name', () => {
  const tags = (app: string) => ({ 'ops:app': app, 'ops:stage': 'dev' });
  const calls = (proxy: { requests: readonly { operation: string }[] }, op: string) =>
    proxy.requests.filter((r) => r.operation === op).length;

  async function api(proxy: { env: Record<string, string | undefined> }) {
    const aws = awsFor(proxy.env);
    const app = unique();
    const { apiId } = await createApi(aws, { name: `${app}-dev`, tags: tags(app) });
    return { aws, app, apiId, apigw: await aws.apigw() };
  }
  const uri = (app: string, fn = 'f') => `arn:aws:lambda:us-east-1:123456789012:function:${app}-dev-${fn}:live`;

  it('CreateApi answer lost: the SDK does not send it again, the API it made is used; one API', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    proxy.addFault({ match: { service: 'apigateway', operation: 'CreateApi' }, times: 1, respond: faults.dropResponse() });
    const { apiId } = await createApi(aws, { name: `${app}-dev`, tags: tags(app) });
    const mine = ((await (await aws.apigw()).getApis({})).Items ?? []).filter((a) => a.Name === `${app}-dev`);
    expect(mine.map((a) => a.ApiId)).toEqual([apiId]);
    expect(calls(proxy, 'CreateApi')).toBe(1);
    aws.destroy();
  });

  it('two deploys racing on a fresh stage: the one that made the newer API deletes it and uses the older', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const apigw = await aws.apigw();
    // The other deploy's API, made first; a foreign lookalike with our name must not count.
    const older = await apigw.createApi({ Name: `${app}-dev`, ProtocolType: 'HTTP', Tags: tags(app) });
    await apigw.createApi({ Name: `${app}-dev`, ProtocolType: 'HTTP', Tags: { 'ops:app': app, 'ops:stage': 'dev-x' } });
    await new Promise((r) => setTimeout(r, 1100)); // CreatedDate has a resolution of one second on some endpoints
    const got = await createApi(aws, { name: `${app}-dev`, tags: tags(app) });
    expect(got.apiId).toBe(older.ApiId);
    const ours = ((await apigw.getApis({})).Items ?? []).filter((a) => a.Name === `${app}-dev` && a.Tags?.['ops:stage'] === 'dev');
    expect(ours.map((a) => a.ApiId)).toEqual([older.ApiId]);
    expect(calls(proxy, 'CreateApi')).toBe(3); // the two above, and createApi's
    expect(calls(proxy, 'DeleteApi')).toBe(1);
    aws.destroy();
  });

  it('CreateIntegration answer lost: found by its URI, not made twice', async () => {
    const proxy = await emu.proxy();
    const { aws, app, apiId, apigw } = await api(proxy);
    proxy.addFault({ match: { service: 'apigateway', operation: 'CreateIntegration' }, times: 1, respond: faults.dropResponse() });
    const { integrationId } = await createIntegration(aws, apiId, { uri: uri(app) });
    const items = (await apigw.getIntegrations({ ApiId: apiId })).Items ?? [];
    expect(items.map((i) => i.IntegrationId)).toEqual([integrationId]);
    expect(calls(proxy, 'CreateIntegration')).toBe(1);
    aws.destroy();
  });

  it('CreateIntegration answered 500 without applying it: the read finds nothing, so it is sent again; one integration', async () => {
    const proxy = await emu.proxy();
    const { aws, app, apiId, apigw } = await api(proxy);
    proxy.addFault({
      match: { service: 'apigateway', operation: 'CreateIntegration' },
      times: 1,
      respond: faults.awsError({ code: 'InternalServerErrorException', message: 'injected', status: 500 }),
    });
    await createIntegration(aws, apiId, { uri: uri(app) });
    expect((await apigw.getIntegrations({ ApiId: apiId })).Items).toHaveLength(1);
    expect(calls(proxy, 'CreateIntegration')).toBe(2);
    aws.destroy();
  });

  it('CreateRoute answer lost: one route with the key, not two (moto would accept the second)', async () => {
    const proxy = await emu.proxy();
    const { aws, app, apiId, apigw } = await api(proxy);
    const { integrationId } = await createIntegration(aws, apiId, { uri: uri(app) });
    proxy.addFault({ match: { service: 'apigateway', operation: 'CreateRoute' }, times: 1, respond: faults.dropResponse() });
    const { routeId } = await createRoute(aws, apiId, 'GET /items', integrationId);
    const routes = (await apigw.getRoutes({ ApiId: apiId })).Items ?? [];
    expect(routes.map((r) => [r.RouteId, r.RouteKey, r.Target])).toEqual([[routeId, 'GET /items', `integrations/${integrationId}`]]);
    expect(calls(proxy, 'CreateRoute')).toBe(1);
    aws.destroy();
  });

  it("the key is taken (AWS's ConflictException, played by the proxy): that route is pointed at our integration and used", async () => {
    const proxy = await emu.proxy();
    const { aws, app, apiId, apigw } = await api(proxy);
    const old = await createIntegration(aws, apiId, { uri: uri(app, 'old') });
    const ours = await createIntegration(aws, apiId, { uri: uri(app) });
    const taken = await apigw.createRoute({ ApiId: apiId, RouteKey: 'GET /items', Target: `integrations/${old.integrationId}` });
    proxy.addFault({
      match: { service: 'apigateway', operation: 'CreateRoute' },
      times: 1,
      respond: faults.awsError({
        code: 'ConflictException',
        message: 'Route with key GET /items already exists for this API',
        status: 409,
      }),
    });
    const { routeId } = await createRoute(aws, apiId, 'GET /items', ours.integrationId);
    expect(routeId).toBe(taken.RouteId);
    const routes = (await apigw.getRoutes({ ApiId: apiId })).Items ?? [];
    expect(routes.map((r) => r.Target)).toEqual([`integrations/${ours.integrationId}`]);
    aws.destroy();
  });

  describe('AddPermission', () => {
    async function liveFunction(proxy: { env: Record<string, string | undefined> }) {
      const aws = awsFor(proxy.env);
      const app = unique();
      const { arn } = await createRole(aws, roleSpec(app, 'dev', 'f'));
      const zip = await makeZip();
      const name = `${app}-dev-f`;
      await createFunction(aws, { name, config: functionConfig(arn), zipPath: zip.zipPath, tags: tags(app) });
      await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
      return { aws, name };
    }
    const permission = (name: string, sourceArn = 'arn:aws:events:us-east-1:123456789012:rule/r1') => ({
      name,
      statementId: 'ops-rule-r1',
      principal: 'events.amazonaws.com',
      sourceArn,
    });

    it('answer lost: the statement it added is found, no second call; one statement', async () => {
      const proxy = await emu.proxy();
      const { aws, name } = await liveFunction(proxy);
      proxy.addFault({ match: { service: 'lambda', operation: 'AddPermission' }, times: 1, respond: faults.dropResponse() });
      await addPermission(aws, permission(name));
      expect((await getAliasPolicy(aws, name)).map((s) => s.Sid)).toEqual(['ops-rule-r1']);
      expect(calls(proxy, 'AddPermission')).toBe(1);
      aws.destroy();
    });

    it("the id is taken by the same grant (AWS's ResourceConflictException, played by the proxy): done, nothing removed", async () => {
      const proxy = await emu.proxy();
      const { aws, name } = await liveFunction(proxy);
      await addPermission(aws, permission(name));
      proxy.addFault({
        match: { service: 'lambda', operation: 'AddPermission' },
        times: 1,
        respond: faults.awsError({
          code: 'ResourceConflictException',
          status: 409,
          message:
            'The statement id (ops-rule-r1) provided already exists. Please provide a new statement id, or remove the existing statement.',
        }),
      });
      await addPermission(aws, permission(name));
      expect((await getAliasPolicy(aws, name)).map((s) => s.Sid)).toEqual(['ops-rule-r1']);
      expect(calls(proxy, 'RemovePermission')).toBe(0);
      aws.destroy();
    });

    it('the id is taken by another grant: replaced, one statement with the new source', async () => {
      const proxy = await emu.proxy();
      const { aws, name } = await liveFunction(proxy);
      await addPermission(aws, permission(name, 'arn:aws:events:us-east-1:123456789012:rule/old'));
      proxy.addFault({
        match: { service: 'lambda', operation: 'AddPermission' },
        times: 1,
        respond: faults.awsError({
          code: 'ResourceConflictException',
          status: 409,
          message:
            'The statement id (ops-rule-r1) provided already exists. Please provide a new statement id, or remove the existing statement.',
        }),
      });
      await addPermission(aws, permission(name));
      const policy = await getAliasPolicy(aws, name);
      expect(policy.map((s) => [s.Sid, JSON.stringify(s.Condition)])).toEqual([
        ['ops-rule-r1', JSON.stringify({ ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/r1' } })],
      ]);
      aws.destroy();
    });
  });
});
