import { APIGatewayClient, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand, GetRoutesCommand, GetStagesCommand as GetV2StagesCommand } from '@aws-sdk/client-apigatewayv2';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Several APIs per stage and a named stage on an HTTP API (issue 15 items 4 and 5) on moto: the default HTTP
 * API serves stage `production` (not `$default`), a named REST API `approval` (`apis.approval`) sits beside
 * it with its own route; read back with the SDK (each API's name, tags, stages, routes or methods, and the
 * functions' statements scoped to the right API and stage), an empty second plan, and removing the REST API
 * from the config deletes it and its statements and leaves the HTTP API as it was.
 */
describe('ops deploy: a named HTTP stage and second, named APIs', () => {
  const emu = useEmulator();
  const app = uniqueApp('apis');
  const stage = 'dev';
  let dir: string;
  let deployed = '';
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const v1 = () => new APIGatewayClient(emu.clientConfig);
  const v2 = () => new ApiGatewayV2Client(emu.clientConfig);
  const httpApis = async () => ((await v2().send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Tags?.['ops:app'] === app);
  /** The default HTTP API: the one without an `ops:api` tag. */
  const defaultApi = async () => {
    const found = (await httpApis()).find((a) => !a.Tags?.['ops:api']);
    if (!found) throw new Error('no default HTTP API');
    return found;
  };
  const restApis = async () => ((await v1().send(new GetRestApisCommand({}))).items ?? []).filter((a) => a.tags?.['ops:app'] === app);
  const statements = async (fn: string) => {
    const p = await new LambdaClient(emu.clientConfig).send(
      new GetPolicyCommand({ FunctionName: `${app}-${stage}-${fn}`, Qualifier: 'live' }),
    );
    const list = (JSON.parse(p.Policy ?? '{}') as { Statement?: { Sid: string; Condition?: { ArnLike?: Record<string, string> } }[] })
      .Statement;
    return Object.fromEntries((list ?? []).map((s) => [s.Sid, s.Condition?.ArnLike?.['AWS:SourceArn']]));
  };
  const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/tasks/handler.ts': handler, 'src/approve/handler.ts': handler },
      `  api: { stage: 'production' },
  apis: { approval: { type: 'rest', stage: 'prod' }, partner: {} },
  functions: {
    tasks: {
      handler: 'src/tasks/handler.ts',
      routes: ['GET /tasks', { route: 'POST /approval', api: 'approval' }, { route: 'GET /tasks', api: 'partner' }],
    },
    approve: { handler: 'src/approve/handler.ts', routes: ['POST /approve', { route: 'POST /approval/{id}', api: 'approval' }] },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    deployed = d.stdout + d.stderr;
  });

  it('deploys the default HTTP API on its named stage and the REST API beside it, each with its own routes', async () => {
    const http = await defaultApi();
    expect(http).toMatchObject({ Name: `${app}-${stage}` });
    expect(http.Tags?.['ops:api']).toBeUndefined();
    const stages = (await v2().send(new GetV2StagesCommand({ ApiId: http.ApiId }))).Items ?? [];
    expect(stages.map((s) => [s.StageName, s.AutoDeploy])).toEqual([['production', true]]);
    const routes = ((await v2().send(new GetRoutesCommand({ ApiId: http.ApiId }))).Items ?? []).map((r) => r.RouteKey).sort();
    expect(routes).toEqual(['GET /tasks', 'POST /approve']);
    // A second HTTP API (apis.partner) with the same route: its own API, name and tag, stage $default.
    const partner = (await httpApis()).find((a) => a.Tags?.['ops:api'] === 'partner');
    expect(partner?.Name).toBe(`${app}-${stage}-partner`);
    const partnerRoutes = ((await v2().send(new GetRoutesCommand({ ApiId: partner?.ApiId }))).Items ?? []).map((r) => r.RouteKey);
    expect(partnerRoutes).toEqual(['GET /tasks']);
    expect(((await v2().send(new GetV2StagesCommand({ ApiId: partner?.ApiId }))).Items ?? []).map((s) => s.StageName)).toEqual([
      '$default',
    ]);

    const rest = await restApis();
    expect(rest.map((a) => [a.name, a.tags?.['ops:api']])).toEqual([[`${app}-${stage}-approval`, 'approval']]);
    const restId = rest[0].id!;
    const resources = (await v1().send(new GetResourcesCommand({ restApiId: restId, embed: ['methods'] }))).items ?? [];
    const methods = resources.flatMap((r) => Object.keys(r.resourceMethods ?? {}).map((m) => `${m} ${r.path}`)).sort();
    expect(methods).toEqual(['POST /approval', 'POST /approval/{id}']);
    expect(((await v1().send(new GetStagesCommand({ restApiId: restId }))).item ?? []).map((s) => s.stageName)).toEqual(['prod']);

    // Each function is allowed by each API it serves, and only on that API (the HTTP one on its stage only).
    const arn = (id: string) => `arn:aws:execute-api:us-east-1:123456789012:${id}`;
    const tasks = await statements('tasks');
    expect(tasks['ops-http-api']).toBe(`${arn(http.ApiId!)}/production/*`);
    expect(tasks['ops-api-partner']).toBe(`${arn(partner?.ApiId ?? '')}/*/*`);
    const restSids = Object.keys(tasks).filter((s) => s.startsWith('ops-api-approval_m'));
    expect(restSids).toHaveLength(1);
    expect(tasks[restSids[0]]).toBe(`${arn(restId)}/*/POST/approval`);
    const approve = await statements('approve');
    expect(approve['ops-http-api']).toBe(`${arn(http.ApiId!)}/production/*`);
    expect(Object.entries(approve).filter(([s]) => s.startsWith('ops-api-approval_m'))).toEqual([
      [expect.any(String), `${arn(restId)}/*/POST/approval/*`],
    ]);

    const again = await ops(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
    const status = await ops(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      url: `${http.ApiEndpoint}/production`,
      apis: { approval: `https://${restId}.execute-api.us-east-1.amazonaws.com/prod`, partner: partner?.ApiEndpoint },
    });
    // The first deploy created both: its summary gives each URL.
    expect(deployed).toContain(`API: ${http.ApiEndpoint}/production`);
    expect(deployed).toContain(`API approval: https://${restId}.execute-api.us-east-1.amazonaws.com/prod`);
    const config = await ops(['config']);
    expect(config.stdout).toContain(`REST API ${app}-${stage}-approval (apis.approval), stage prod`);
    expect(config.stdout).toContain(`HTTP API ${app}-${stage}, stage production`);
  });

  it('removing the second API deletes it and its statements, and leaves the HTTP API as it was', async () => {
    const before = await defaultApi();
    await edit(`${dir}/ops.config.ts`, (t) =>
      t.replace(", { route: 'POST /approval', api: 'approval' }", '').replace(", { route: 'POST /approval/{id}', api: 'approval' }", ''),
    );
    const plan = await ops(['plan', '--json']);
    const changes = JSON.parse(plan.stdout).changes as { id: string; summary: string }[];
    expect(changes.map((c) => c.id.split(':')[0]).sort()).toEqual(['restapi.delete', 'restapi.permit', 'restapi.permit']);
    expect(changes.find((c) => c.id.startsWith('restapi.delete'))?.summary).toContain(`${app}-${stage}-approval`);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(await restApis()).toEqual([]);
    const after = await defaultApi();
    expect(after.ApiId).toBe(before.ApiId);
    expect(Object.keys(await statements('tasks')).sort()).toEqual(['ops-api-partner', 'ops-http-api']);
    expect(Object.keys(await statements('approve'))).toEqual(['ops-http-api']);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('renaming the HTTP stage makes the new one, moves the permissions, and deletes the old one', async () => {
    const http = await defaultApi();
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("api: { stage: 'production' }", "api: { stage: 'v2' }"));
    const plan = await ops(['plan']);
    expect(plan.stdout).toContain(`delete the production stage of ${app}-${stage}: clients of ${http.ApiEndpoint}/production break`);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const stages = (await v2().send(new GetV2StagesCommand({ ApiId: http.ApiId }))).Items ?? [];
    expect(stages.map((s) => [s.StageName, s.AutoDeploy])).toEqual([['v2', true]]);
    expect((await statements('tasks'))['ops-http-api']).toBe(`arn:aws:execute-api:us-east-1:123456789012:${http.ApiId}/v2/*`);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });
});
