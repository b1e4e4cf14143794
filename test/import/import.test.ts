import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  GetApisCommand,
} from '@aws-sdk/client-apigatewayv2';
import { DescribeRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';

/**
 * `ops import` on a fleet made the way the seeds' bash makes one (seed 000: functions named autorescue-*, one shared
 * role with an inline policy, a schedule rule, an HTTP API route, an SNS subscription), with SDK calls instead of
 * `aws` lines: the written config loads, the code is the deployed code, samples are there, secrets are not.
 */
describe('ops import', () => {
  const emu = useEmulator();
  const p = uniqueApp('ar');
  const names = { search: `${p}-search-flights`, analyze: `${p}-analyze-disruption`, notify: `${p}-notify` };
  const role = `${p}LambdaExecutionRole`;
  const PY = 'import json\n\ndef lambda_handler(event, context):\n    return {"statusCode": 200, "body": json.dumps({"ok": True})}\n';
  const JS = 'exports.handler = async (event) => ({ notified: true, records: (event.Records || []).length });\n';
  let dir: string;
  let imported: Awaited<ReturnType<typeof runCli>>;
  let topicArn = '';

  /** A seed-style zip, as `zip -r deployment.zip .` makes it. */
  async function zipOf(file: string, text: string): Promise<Uint8Array> {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'ops-import-seed-')), 'deployment.zip');
    await writeDeterministicZip([{ path: file, data: Buffer.from(text) }], out);
    return readFile(out);
  }

  /**
   * AWS serves a function's zip at GetFunction's Code.Location (a presigned URL into Lambda's own bucket); moto 5.2.1
   * names such a URL (https://awslambda-<region>-tasks.s3.<region>.amazonaws.com/<key>) but stores nothing there. The
   * zip is put at exactly that bucket and key, so the download is the one AWS would serve.
   */
  async function serveCodeAsAws(lambda: LambdaClient, name: string, zip: Uint8Array) {
    const location = (await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Code?.Location ?? '';
    const m = /^https:\/\/([^.]+)\.s3\.[^/]+\/(.+)$/.exec(location);
    if (!m) throw new Error(`unexpected Code.Location ${location}`);
    const s3 = new S3Client({ ...emu.clientConfig, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: m[1] })).catch(() => undefined); // shared by every test file
    await s3.send(new PutObjectCommand({ Bucket: m[1], Key: m[2], Body: zip }));
  }

  beforeAll(async () => {
    const iam = new IAMClient(emu.clientConfig);
    const lambda = new LambdaClient(emu.clientConfig);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }))).Role?.Arn ?? '';
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 'ssm-read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }],
        }),
      }),
    );
    const py = await zipOf('lambda_function.py', PY);
    const js = await zipOf('index.js', JS);
    const arns: Record<string, string> = {};
    for (const [key, name] of Object.entries(names)) {
      const node = key === 'notify';
      const created = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: node ? 'nodejs22.x' : 'python3.12',
          Handler: node ? 'index.handler' : 'lambda_function.lambda_handler',
          Role: roleArn,
          Code: { ZipFile: node ? js : py },
          Timeout: 30,
          MemorySize: 256,
          ...(key === 'search'
            ? {
                Environment: {
                  Variables: { AMADEUS_BASE_URL: 'https://test.api.amadeus.com', AMADEUS_CLIENT_SECRET: 'seed-secret-value' },
                },
              }
            : {}),
        }),
      );
      arns[key] = created.FunctionArn ?? '';
      await serveCodeAsAws(lambda, name, node ? js : py);
    }
    const events = new EventBridgeClient(emu.clientConfig);
    const rule = await events.send(new PutRuleCommand({ Name: `${p}-daily-check`, ScheduleExpression: 'rate(1 day)' }));
    await events.send(new PutTargetsCommand({ Rule: `${p}-daily-check`, Targets: [{ Id: '1', Arn: arns.analyze }] }));
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: names.analyze,
        StatementId: 'daily',
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: rule.RuleArn,
      }),
    );
    // A caller import does not model (an S3 notification): listed, left as it is.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: names.notify,
        StatementId: 'uploads',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: `arn:aws:s3:::${p}-uploads`,
      }),
    );
    const apigw = new ApiGatewayV2Client(emu.clientConfig);
    const api = await apigw.send(new CreateApiCommand({ Name: `${p}-api`, ProtocolType: 'HTTP' }));
    const integration = await apigw.send(
      new CreateIntegrationCommand({
        ApiId: api.ApiId,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: arns.search,
        PayloadFormatVersion: '2.0',
      }),
    );
    await apigw.send(
      new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'POST /search', Target: `integrations/${integration.IntegrationId}` }),
    );
    await apigw.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: '$default', AutoDeploy: true }));
    const sns = new SNSClient(emu.clientConfig);
    const topic = await sns.send(new CreateTopicCommand({ Name: `${p}-alerts` }));
    topicArn = topic.TopicArn ?? '';
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: arns.notify }));

    dir = await mkdtemp(path.join(tmpdir(), 'ops-import-'));
    imported = await runCli(['import', '--prefix', `${p}-`, '--stage', 'prod'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  }, 60_000);

  it('writes the config and the deployed code of each function, with samples, and no secret value', async () => {
    expect(imported.code, imported.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'src/functions/search_flights/lambda_function.py'), 'utf8')).toBe(PY);
    expect(await readFile(path.join(dir, 'src/functions/analyze_disruption/lambda_function.py'), 'utf8')).toBe(PY);
    expect(await readFile(path.join(dir, 'src/functions/notify/index.js'), 'utf8')).toBe(JS);
    const http = JSON.parse(await readFile(path.join(dir, 'src/functions/search_flights/events/http-api.json'), 'utf8'));
    expect(http).toMatchObject({ routeKey: 'POST /search', rawPath: '/search' });
    expect(existsSync(path.join(dir, 'src/functions/analyze_disruption/events/schedule.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'src/functions/notify/events/sns.json'))).toBe(true);
    const config = await readFile(path.join(dir, 'ops.config.ts'), 'utf8');
    expect(config).toContain(`role: '${role}',`);
    expect(config).toContain(`api: { name: { prod: '${p}-api' }, adopt: true },`);
    expect(config).toContain(`ruleName: { prod: '${p}-daily-check' }`);
    for (const text of [config, imported.stdout, imported.stderr]) expect(text).not.toContain('seed-secret-value');
    expect(imported.stderr).toContain('search-flights: AMADEUS_CLIENT_SECRET');
    // The subscription of the bare function stays as it is (an sns trigger would add live's beside it).
    expect(config).not.toContain('sns:');
    expect(imported.stderr).toContain(`notify: SNS subscription to ${topicArn}`);
    // The rule's permission is the schedule the config keeps; the S3 one is a caller it leaves alone.
    expect(imported.stderr).not.toContain('statement daily');
    expect(imported.stderr).toContain(`notify: s3.amazonaws.com may invoke it from arn:aws:s3:::${p}-uploads (statement uploads)`);
  });

  it('the written config loads for the imported stage: kept names, handlers, routes, triggers', async () => {
    const fleet = await loadFleet({ cwd: dir, stage: 'prod', env: {} });
    expect(fleet.app).toBe(p);
    const byKey = Object.fromEntries(fleet.functions.map((f) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual(['analyze-disruption', 'notify', 'search-flights']);
    expect(byKey['search-flights']?.name).toBe(names.search);
    expect(byKey.notify?.handler.lambdaHandler).toBe('index.handler');
    expect(JSON.stringify(byKey['analyze-disruption']?.triggers)).toContain(`${p}-daily-check`);
    expect(byKey['search-flights']?.environment).toMatchObject({ AMADEUS_BASE_URL: 'https://test.api.amadeus.com' });
  });

  it('the imported Node code runs through ops from its sample event (ops bundles the plain CommonJS index.js)', async () => {
    const env = emu.env as NodeJS.ProcessEnv;
    const sns = await runCli(['invoke', 'notify', '--local', '--stage', 'prod', '--event', 'sns', '--json'], { cwd: dir, env });
    expect(sns.code, sns.stderr).toBe(0);
    expect(sns.json().result).toEqual({ notified: true, records: 1 });
  }, 60_000);

  it('refuses to write over the config without --force, and names functions that do not exist in one line', async () => {
    const again = await runCli(['import', '--prefix', `${p}-`, '--stage', 'prod'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('ops.config.ts');
    expect(again.stderr).toContain('--force');
    const missing = await runCli(['import', '--names', `${p}-nope`, '--app', p], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`no function named '${p}-nope'`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('ops plan lists adoptions and the moves to live, never a create or delete of what runs; ops deploy keeps every ARN, the API id, the rule name and the secret; the next plan is empty', async () => {
    const env = emu.env as NodeJS.ProcessEnv;
    const lambda = new LambdaClient(emu.clientConfig);
    // What runs, read back with the SDK before and after: function ARNs, the role, the API's id, the rule.
    const iam = new IAMClient(emu.clientConfig);
    const apigw = new ApiGatewayV2Client(emu.clientConfig);
    const events = new EventBridgeClient(emu.clientConfig);
    const snapshot = async () => ({
      functions: await Promise.all(
        Object.values(names).map(async (n) => (await lambda.send(new GetFunctionCommand({ FunctionName: n }))).Configuration?.FunctionArn),
      ),
      role: (await iam.send(new GetRoleCommand({ RoleName: role }))).Role?.Arn,
      api: ((await apigw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name === `${p}-api`).map((a) => a.ApiId),
      rule: (await events.send(new DescribeRuleCommand({ Name: `${p}-daily-check` }))).Arn,
    });
    const before = await snapshot();
    expect(before.api).toHaveLength(1);
    // The secret-looking variable is a secure param now: the deploy refuses until it holds the running value.
    const refused = await runCli(['plan', '--stage', 'prod'], { cwd: dir, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('amadeus-client-secret');
    const set = await runCli(['params', 'set', 'amadeus-client-secret', '--stdin', '--stage', 'prod', '--yes'], {
      cwd: dir,
      env,
      stdin: 'seed-secret-value\n',
    });
    expect(set.code, set.stderr).toBe(0);
    const plan = await runCli(['plan', '--stage', 'prod'], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(2);
    for (const n of Object.values(names)) expect(plan.stdout).toContain(`adopt function ${n} `);
    expect(plan.stdout).toContain(`adopt http api ${p}-api`);
    expect(plan.stdout).toContain(`adopt schedule ${p}-daily-check`);
    // Nothing that runs is created or deleted, and no function's environment changes (no OPS_APP, the secret kept).
    expect(plan.stdout).not.toMatch(/create function|delete function|create http api|delete http api|delete schedule|create schedule/);
    expect(plan.stdout).not.toMatch(/env [+-]/);
    // The code AWS runs is the code unpacked: the deployed zips stand in ops's build cache (src/import/keep-code.ts).
    expect(plan.stdout).not.toContain('update code');
    // The route moves to ops's live integration; the seed's integration of the bare function stays, unused.
    expect(plan.stdout).not.toContain('delete integration');
    const deployed = await runCli(['deploy', '--stage', 'prod', '--yes'], { cwd: dir, env });
    expect(deployed.code, deployed.stderr).toBe(0);
    const after = await snapshot();
    expect(after).toEqual(before);
    const search = await lambda.send(new GetFunctionCommand({ FunctionName: names.search }));
    expect(search.Configuration?.Environment?.Variables?.AMADEUS_CLIENT_SECRET).toBe('seed-secret-value');
    const rule = await events.send(new DescribeRuleCommand({ Name: `${p}-daily-check` }));
    expect(rule.ScheduleExpression).toBe('rate(1 day)');
    // No function, role or API was created (other test files share this moto: only this app's names count).
    const madeFunctions = ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).filter((f) => f.FunctionName?.startsWith(p));
    expect(madeFunctions.map((f) => f.FunctionName).sort()).toEqual(Object.values(names).sort());
    const madeRoles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter(
      (r) => r.RoleName?.includes(p) || r.Path?.includes(p),
    );
    expect(madeRoles.map((r) => r.RoleName)).toEqual([role]);
    const madeApis = ((await apigw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name?.startsWith(p));
    expect(madeApis.map((a) => a.ApiId)).toEqual(before.api);
    const again = await runCli(['plan', '--stage', 'prod'], { cwd: dir, env });
    expect(again.code, again.stdout).toBe(0);
  }, 90_000);
});
