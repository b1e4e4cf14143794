import {
  APIGatewayClient,
  GetDeploymentsCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import { GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createResource, createRestApi, putRouteMethod } from '../../src/aws/rest-api.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * A REST API (API Gateway v1, `api: { type: 'rest' }`) through the resource registry (issue 15.1): one
 * deploy of a two-function fleet read back with the SDK (resources, methods with AWS_PROXY integrations on
 * `live`, the CORS preflight, the stage's deployment, the per-route permissions), a second plan empty,
 * one changed route making exactly one new deployment, a removed route deleting its method and its empty
 * resource, and destroy removing the API.
 */
describe('ops deploy: REST API', () => {
  const emu = useEmulator();
  const app = uniqueApp('rest');
  const stage = 'dev';
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const apigw = () => new APIGatewayClient(emu.clientConfig);
  const lambda = () => new LambdaClient(emu.clientConfig);
  const ourApi = async () =>
    ((await apigw().send(new GetRestApisCommand({ limit: 500 }))).items ?? []).filter(
      (a) => a.tags?.['ops:app'] === app && a.tags?.['ops:stage'] === stage,
    );
  const resources = async (restApiId: string) =>
    Object.fromEntries(
      ((await apigw().send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))).items ?? []).map((r) => [r.path, r]),
    );
  const deployments = async (restApiId: string) => (await apigw().send(new GetDeploymentsCommand({ restApiId }))).items ?? [];
  const stageOf = (restApiId: string) => apigw().send(new GetStageCommand({ restApiId, stageName: 'prod' }));
  const planIds = async () => {
    const p = await ops(['plan', '--json']);
    return (JSON.parse(p.stdout).changes as { id: string }[]).map((c) => c.id).sort();
  };
  const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
  let apiId = '';

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/approval/handler.ts': handler, 'src/agents/handler.ts': handler },
      `  api: { type: 'rest', cors: true },
  functions: {
    approval: { handler: 'src/approval/handler.ts', routes: ['POST /approval', 'GET /users/{id}'] },
    agents: { handler: 'src/agents/handler.ts', routes: ['ANY /api/v1/agents/{proxy+}'], environment: { API_URL: { ref: 'api.url' } } },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const apis = await ourApi();
    expect(apis).toHaveLength(1);
    apiId = apis[0].id!;
    expect(d.stdout + d.stderr).toContain(`https://${apiId}.execute-api.us-east-1.amazonaws.com/prod`);
    // A reference to the API made in the same run is filled in with the stage's URL.
    const cfg = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-${stage}-agents` }));
    expect(cfg.Environment?.Variables?.API_URL).toBe(`https://${apiId}.execute-api.us-east-1.amazonaws.com/prod`);
  }, 60_000);

  it('builds resources and methods whose AWS_PROXY integrations invoke live, a CORS preflight, and the prod stage', async () => {
    const r = await resources(apiId);
    expect(Object.keys(r).sort()).toEqual(
      ['/', '/api', '/api/v1', '/api/v1/agents', '/api/v1/agents/{proxy+}', '/approval', '/users', '/users/{id}'].sort(),
    );
    const post = r['/approval'].resourceMethods?.POST;
    expect(post?.authorizationType).toBe('NONE');
    expect(post?.methodIntegration).toMatchObject({
      type: 'AWS_PROXY',
      httpMethod: 'POST',
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${app}-${stage}-approval:live/invocations`,
    });
    expect(r['/api/v1/agents/{proxy+}'].resourceMethods?.ANY?.methodIntegration?.uri).toContain(`function:${app}-${stage}-agents:live/`);
    const options = r['/approval'].resourceMethods?.OPTIONS?.methodIntegration;
    expect(options?.type).toBe('MOCK');
    expect(options?.integrationResponses?.['200']?.responseParameters).toMatchObject({
      'method.response.header.Access-Control-Allow-Origin': "'*'",
      'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,POST'",
    });
    // Only resources with routes get a preflight (as SAM's Cors does).
    expect(r['/api/v1'].resourceMethods?.OPTIONS).toBeUndefined();
    const deps = await deployments(apiId);
    expect(deps).toHaveLength(1);
    expect((await stageOf(apiId)).deploymentId).toBe(deps[0].id);
    const policy = await lambda().send(new GetPolicyCommand({ FunctionName: `${app}-${stage}-approval`, Qualifier: 'live' }));
    const sources = (JSON.parse(policy.Policy ?? '{}').Statement as { Condition?: { ArnLike?: Record<string, string> } }[]).map(
      (s) => s.Condition?.ArnLike?.['AWS:SourceArn'],
    );
    expect(sources.sort()).toEqual([
      `arn:aws:execute-api:us-east-1:123456789012:${apiId}/*/GET/users/*`,
      `arn:aws:execute-api:us-east-1:123456789012:${apiId}/*/POST/approval`,
    ]);
  });

  it('plans nothing on a second run, and a second deploy makes no deployment; status prints the stage URL', async () => {
    expect(await planIds()).toEqual([]);
    const status = await ops(['status', '--json']);
    expect(JSON.parse(status.stdout).url).toBe(`https://${apiId}.execute-api.us-east-1.amazonaws.com/prod`);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await deployments(apiId)).toHaveLength(1);
  });

  it('a changed route makes exactly one new deployment and moves the stage; the old one is pruned', async () => {
    const before = (await stageOf(apiId)).deploymentId;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("'POST /approval'", "'PUT /approval'"));
    const d = await ops(['deploy', '--yes', '--json']);
    expect(d.code, d.stderr).toBe(0);
    const applied = (JSON.parse(d.stdout).applied as { id: string }[]).map((c) => c.id);
    expect(applied.filter((id) => id.startsWith('restapi.deploy'))).toEqual(['restapi.deploy:prod']);
    const deps = await deployments(apiId);
    expect(deps).toHaveLength(1);
    const after = (await stageOf(apiId)).deploymentId;
    expect(after).toBe(deps[0].id);
    expect(after).not.toBe(before);
    const methods = Object.keys((await resources(apiId))['/approval'].resourceMethods ?? {}).sort();
    expect(methods).toEqual(['OPTIONS', 'PUT']);
    expect(await planIds()).toEqual([]);
  });

  it('a removed route deletes its method and the resources left empty', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(", 'GET /users/{id}'", ''));
    expect(await planIds()).toEqual(
      [
        'restapi.deploy:prod',
        'restapi.method.delete:GET /users/{id}',
        'restapi.method.delete:OPTIONS /users/{id}',
        `restapi.permit:${app}-${stage}-approval`,
        'restapi.resource.delete:/users',
        'restapi.resource.delete:/users/{id}',
      ].sort(),
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const r = await resources(apiId);
    expect(r['/users']).toBeUndefined();
    expect(r['/users/{id}']).toBeUndefined();
    expect(r['/approval'].resourceMethods?.PUT).toBeDefined();
    expect(await planIds()).toEqual([]);
  });

  it('CreateRestApi answer lost: sent once, the API it made is found by its tags; one API', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const other = uniqueApp('lost');
    const tags = { 'ops:app': other, 'ops:stage': stage };
    proxy.addFault({ match: { service: 'apigateway', method: 'POST', path: '/restapis' }, times: 1, respond: faults.dropResponse() });
    const made = await createRestApi(aws, { name: `${other}-${stage}`, tags });
    const mine = ((await apigw().send(new GetRestApisCommand({ limit: 500 }))).items ?? []).filter((a) => a.tags?.['ops:app'] === other);
    expect(mine.map((a) => a.id)).toEqual([made.apiId]);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.path === '/restapis')).toHaveLength(1);
    expect(made.rootId).toBe(((await resources(made.apiId))['/'] as { id?: string }).id);

    // CreateResource's answer lost: the SDK sends it again and AWS answers ConflictException for the path
    // (moto would make a second resource; the proxy answers as AWS does): the one made is read back by path.
    proxy.addFault({ match: { service: 'apigateway', method: 'POST', path: /\/resources\// }, times: 1, respond: faults.dropResponse() });
    proxy.addFault({
      match: { service: 'apigateway', method: 'POST', path: /\/resources\// },
      times: 1,
      respond: faults.awsError({
        code: 'ConflictException',
        message: 'Another resource with the same parent already has this name',
        status: 409,
      }),
    });
    const id = await createResource(aws, made.apiId, made.rootId, '/approval');
    const all = ((await apigw().send(new GetResourcesCommand({ restApiId: made.apiId }))).items ?? []).filter(
      (r) => r.path === '/approval',
    );
    expect(all.map((r) => r.id)).toEqual([id]);
    // Both faults were met: the lost answer and the conflict of the resend.
    expect(proxy.requests.filter((r) => r.method === 'POST' && /\/resources\//.test(r.path))).toHaveLength(2);

    // A write racing another on the API (AWS: ConflictException "concurrent modification") is waited for and
    // sent again, never taken for "the method exists".
    proxy.addFault({
      match: { service: 'apigateway', method: 'PUT', path: /\/methods\/POST$/ },
      times: 1,
      respond: faults.awsError({
        code: 'ConflictException',
        message: 'Unable to complete operation due to concurrent modification. Please try again later.',
        status: 409,
      }),
    });
    await putRouteMethod(aws, made.apiId, id, 'POST', 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations');
    expect(proxy.requests.filter((r) => r.method === 'PUT' && /\/methods\/POST$/.test(r.path))).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    aws.destroy();
  });

  it('back to an HTTP API: the REST API (found through the REST statements on live) and its statements go', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("api: { type: 'rest', cors: true },", ''));
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await ourApi()).toEqual([]);
    const policy = await lambda().send(new GetPolicyCommand({ FunctionName: `${app}-${stage}-approval`, Qualifier: 'live' }));
    expect((JSON.parse(policy.Policy ?? '{}').Statement as { Sid: string }[]).map((s) => s.Sid)).toEqual(['ops-http-api']);
    expect(await planIds()).toEqual([]);
  });

  it('to a REST API again, then destroy removes it', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('  functions: {', "  api: { type: 'rest' },\n  functions: {"));
    const back = await ops(['deploy', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await ourApi()).toHaveLength(1);
    const d = await ops(['destroy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await ourApi()).toEqual([]);
  });
});
