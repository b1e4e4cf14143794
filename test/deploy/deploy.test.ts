import path from 'node:path';
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetAliasCommand, GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { isLeaseCall, useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { copyRepoFleet, edit, putRepoFleetParams, uniqueApp } from './fleet.js';

/**
 * The repo's own fleet deployed from nothing against moto, then redeployed: nothing, one handler,
 * one memory size, one route. Each test reads back what ops wrote with the SDK.
 */
describe('ops deploy: the repo fleet', () => {
  const emu = useEmulator();
  const app = uniqueApp('dep');
  const stage = 'dev';
  let dir: string;
  const lambda = () => new LambdaClient(emu.clientConfig);

  const deploy = async (args: string[] = [], env: Record<string, string | undefined> = emu.env) => {
    const r = await runCli(['deploy', '--yes', ...args], { cwd: dir, env: env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  /** A deploy through a fresh fault proxy: returns the write operations it made. */
  const deployCountingWrites = async (args: string[] = []) => {
    const proxy = await emu.proxy();
    const r = await deploy(args, proxy.env);
    const writes = proxy.requests
      // S3 is REST: its reads (the bucket kind's ListBuckets, read once the fleet declares resources) are GETs named by path.
      .filter((q) => !['GET', 'HEAD'].includes(q.method) && !/^(Get|List|Describe|Head|Filter)/.test(q.operation) && !isLeaseCall(q))
      .map((q) => `${q.service}.${q.operation}`)
      .sort();
    return { r, writes };
  };

  beforeAll(async () => {
    dir = await copyRepoFleet(app);
    await putRepoFleetParams(emu.clientConfig, app, stage);
  });

  it('deploys everything as configured, read back with the SDK', async () => {
    const r = await deploy();
    expect(r.stderr).toMatch(/Deployed: \d+ changes applied/);
    const name = `${app}-${stage}-tasks-api`;
    // Status right after the deploy: no drift (issue 12.1; status reads it off the deploy plan).
    const status = await runCli(['status', '--json'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(status.code, status.stderr).toBe(0);
    for (const f of status.json().functions)
      expect([f.function, f.deployed, f.code, f.configDrift]).toEqual([f.function, true, 'same', []]);

    // Function settings, environment, tags.
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: name }));
    expect(fn.Configuration).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 30,
      Architectures: ['arm64'],
      Description: 'HTTP API for tasks: create, list, get',
    });
    expect(fn.Configuration?.Environment?.Variables).toEqual({
      OPS_APP: app,
      OPS_STAGE: stage,
      TASKS_TABLE: `${app}-${stage}-tasks`,
      TASKS_WORKER_FUNCTION_NAME: `${app}-${stage}-tasks-worker:live`,
    });
    expect(fn.Tags).toMatchObject({ 'ops:app': app, 'ops:stage': stage, 'ops:function': 'tasks-api', project: 'ops-fleet' });
    const py = await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-${stage}-search-flights` }));
    expect(py.Configuration).toMatchObject({ Runtime: 'python3.12', Handler: 'lambda_function.lambda_handler', Architectures: ['x86_64'] });

    // The role: trust, and an inline policy granting exactly what the config implies.
    const iam = new IAMClient(emu.clientConfig);
    const role = await iam.send(new GetRoleCommand({ RoleName: name }));
    expect(fn.Configuration?.Role).toBe(role.Role?.Arn);
    expect(role.Role?.Path).toBe(`/ops/${app}/${stage}/`);
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toMatchObject({
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'ops-function' }));
    const statements = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement as {
      Action: string | string[];
      Resource: string | string[];
    }[];
    const grants = statements.flatMap((s) => [s.Action].flat().flatMap((a) => [s.Resource].flat().map((res) => `${a} ${res}`)));
    const acct = '123456789012';
    expect(grants).toEqual(
      expect.arrayContaining([
        `logs:PutLogEvents arn:aws:logs:us-east-1:${acct}:log-group:/aws/lambda/${name}:*`,
        `lambda:InvokeFunction arn:aws:lambda:us-east-1:${acct}:function:${app}-${stage}-tasks-worker`,
        `dynamodb:PutItem arn:aws:dynamodb:us-east-1:${acct}:table/${app}-${stage}-tasks`,
      ]),
    );
    // The fleet's tasks table (resources.tasks): every DynamoDB grant is on exactly its ARN.
    expect([...new Set(grants.filter((g) => g.startsWith('dynamodb:')).map((g) => g.split(' ')[1]))]).toEqual([
      `arn:aws:dynamodb:us-east-1:${acct}:table/${app}-${stage}-tasks`,
    ]);
    expect(grants.filter((g) => / \*$/.test(g) || /^\* /.test(g) || g.includes(':*:*'))).toEqual([]);
    expect(grants.some((g) => g.includes('amadeus'))).toBe(false);

    // The table the deploy created from nothing (resources.tasks): its key, on demand, tagged as the stage's.
    const ddb = new DynamoDBClient(emu.clientConfig);
    const table = (await ddb.send(new DescribeTableCommand({ TableName: `${app}-${stage}-tasks` }))).Table;
    expect([table?.KeySchema, table?.AttributeDefinitions, table?.BillingModeSummary?.BillingMode]).toEqual([
      [{ AttributeName: 'id', KeyType: 'HASH' }],
      [{ AttributeName: 'id', AttributeType: 'S' }],
      'PAY_PER_REQUEST',
    ]);
    const tags = (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: table?.TableArn }))).Tags ?? [];
    expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toMatchObject({
      'ops:app': app,
      'ops:stage': stage,
      'ops:resource': 'tasks',
    });
    ddb.destroy();

    // The live alias and the log group.
    const alias = await lambda().send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
    const groups = await new CloudWatchLogsClient(emu.clientConfig).send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${app}-${stage}-` }),
    );
    expect(groups.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual(
      ['gateway', 'health-check', 'search-flights', 'tasks-api', 'tasks-worker'].map((k) => [`/aws/lambda/${app}-${stage}-${k}`, 30]),
    );

    // The HTTP API: CORS, $default stage, integrations to live aliases, routes, one permission each.
    const apigw = new ApiGatewayV2Client(emu.clientConfig);
    const api = (await apigw.send(new GetApisCommand({}))).Items?.find((a) => a.Name === `${app}-${stage}`);
    expect(api?.CorsConfiguration).toMatchObject({
      AllowOrigins: ['*'],
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['content-type'],
    });
    expect(r.stderr).toContain(`API: ${api?.ApiEndpoint}`);
    const stages = await apigw.send(new GetStagesCommand({ ApiId: api?.ApiId }));
    expect(stages.Items?.map((s) => [s.StageName, s.AutoDeploy])).toEqual([['$default', true]]);
    const integrations = (await apigw.send(new GetIntegrationsCommand({ ApiId: api?.ApiId }))).Items ?? [];
    expect(integrations.map((i) => [i.IntegrationType, i.PayloadFormatVersion, i.IntegrationUri]).sort()).toEqual(
      ['gateway', 'tasks-api'].map((k) => ['AWS_PROXY', '2.0', `arn:aws:lambda:us-east-1:${acct}:function:${app}-${stage}-${k}:live`]),
    );
    const routes = (await apigw.send(new GetRoutesCommand({ ApiId: api?.ApiId }))).Items ?? [];
    const byId = new Map(integrations.map((i) => [`integrations/${i.IntegrationId}`, i.IntegrationUri?.split(':function:')[1]]));
    expect(routes.map((rt) => `${rt.RouteKey} → ${byId.get(rt.Target ?? '')}`).sort()).toEqual([
      `ANY /api/{proxy+} → ${app}-${stage}-gateway:live`,
      `GET /tasks → ${name}:live`,
      `GET /tasks/{id} → ${name}:live`,
      `POST /tasks → ${name}:live`,
    ]);
    const perm = await lambda().send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'live' }));
    const st = JSON.parse(perm.Policy ?? '{}').Statement;
    expect(st).toHaveLength(1);
    expect(st[0]).toMatchObject({
      Sid: 'ops-http-api',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
    });
    expect(JSON.stringify(st[0].Condition)).toContain(`arn:aws:execute-api:us-east-1:${acct}:${api?.ApiId}/*/*`);
  });

  it('a second deploy plans nothing and writes nothing', async () => {
    const plan = await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes');
    const { writes } = await deployCountingWrites();
    expect(writes).toEqual([]);
  });

  it('one changed handler: only its code, a version and the alias are written', async () => {
    // A comment or an unused export would not do: the bundle (and so the zip) would be the same.
    await edit(path.join(dir, 'src/functions/gateway/handler.ts'), (t) => t.replace("status: 'ok',", "status: 'healthy',"));
    const plan = await runCli(['plan', '--json'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(plan.code).toBe(2);
    expect(plan.json().changes.map((c: { id: string }) => c.id)).toEqual([
      `function.update-code:${app}-${stage}-gateway`,
      `alias.publish:${app}-${stage}-gateway`,
    ]);
    const proxy = await emu.proxy();
    const r = await deploy([], proxy.env);
    const ops = proxy.requests.filter((q) => !isLeaseCall(q)).map((q) => `${q.service}.${q.operation}`);
    const writes = proxy.requests
      .filter((q) => !['GET', 'HEAD'].includes(q.method) && !/^(Get|List|Describe|Head|Filter)/.test(q.operation) && !isLeaseCall(q))
      .map((q) => `${q.service}.${q.operation}`)
      .sort();
    expect(writes).toEqual(['lambda.PublishVersion', 'lambda.UpdateAlias', 'lambda.UpdateFunctionCode']);
    // The verification reads what the apply changed, that one function, not the whole stage again.
    // (The lease's release, a GetParameter, is the only other call after the last write.)
    const after = ops.slice(ops.lastIndexOf('lambda.UpdateAlias') + 1).filter((op) => !op.startsWith('ssm.'));
    expect(after.sort()).toEqual(['lambda.GetAlias', 'lambda.GetFunction', 'lambda.GetPolicy', 'lambda.ListVersionsByFunction']);
    expect(r.stderr).not.toContain('verification');
    const alias = await lambda().send(new GetAliasCommand({ FunctionName: `${app}-${stage}-gateway`, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
  });

  it("a code change whose alias move AWS acknowledges and drops: the function's verification read says so, exit 1", async () => {
    await edit(path.join(dir, 'src/functions/gateway/handler.ts'), (t) => t.replace("status: 'healthy',", "status: 'fine',"));
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'lambda', operation: 'UpdateAlias' },
      respond: faults.raw(200, '{}', { 'content-type': 'application/json' }),
    });
    const r = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('The verification read after applying still finds changes:');
    expect(r.stderr).toContain('the deploy did not converge: 1 change remains after it');
    await deploy();
    expect((await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv })).code).toBe(0);
  });

  it('one changed memory size: only that configuration is written', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t.replace(
        "timeout: 60,\n      environment: { TARGETS: '[]' },",
        "timeout: 60,\n      memory: 384,\n      environment: { TARGETS: '[]' },",
      ),
    );
    const { writes, r } = await deployCountingWrites();
    expect(r.stderr).toContain('memory 256 → 384');
    expect(writes).toEqual(['lambda.PublishVersion', 'lambda.UpdateAlias', 'lambda.UpdateFunctionConfiguration']);
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-${stage}-health-check` }));
    expect(fn.Configuration?.MemorySize).toBe(384);
  });

  it('a route removed from the config: exactly that route is deleted', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t.replace("routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],", "routes: ['POST /tasks', 'GET /tasks/{id}'],"),
    );
    const { writes } = await deployCountingWrites();
    expect(writes).toEqual(['apigateway.DeleteRoute']);
    const apigw = new ApiGatewayV2Client(emu.clientConfig);
    const api = (await apigw.send(new GetApisCommand({}))).Items?.find((a) => a.Name === `${app}-${stage}`);
    const routes = (await apigw.send(new GetRoutesCommand({ ApiId: api?.ApiId }))).Items ?? [];
    expect(routes.map((x) => x.RouteKey).sort()).toEqual(['ANY /api/{proxy+}', 'GET /tasks/{id}', 'POST /tasks']);
  });
});
