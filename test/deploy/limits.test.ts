import { setTimeout } from 'node:timers/promises';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { isLeaseCall, useEmulator } from '../support/emulator.js';
import { checkRequests } from '../support/request-limits.js';
import { fleetDir, uniqueApp } from './fleet.js';

/** One function with a route; `top` is spliced into the fleet, `fn` into the function (TypeScript text). */
async function fleetWith(app: string, parts: { top?: string; fn?: string }): Promise<string> {
  return fleetDir(
    app,
    { 'src/api/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n' },
    `  ${parts.top ?? ''}
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /items'], ${parts.fn ?? ''} },
  },`,
  );
}

const problemLine = (stderr: string, at: string) =>
  stderr.split('\n').find((l) => l.trimStart().startsWith(`${at}:`)) ?? `(no line for ${at} in:\n${stderr})`;

/**
 * Each value here is one the schema used to accept, that moto accepts, and that real AWS refuses
 * (issue 12.14): `ops deploy --yes` must refuse it from the config alone, before its first request.
 */
describe('limits AWS enforces: refused before any AWS call', () => {
  const emu = useEmulator();

  async function refused(parts: { top?: string; fn?: string }, at: string, message: string | RegExp) {
    const dir = await fleetWith(uniqueApp('lim'), parts);
    const proxy = await emu.proxy();
    const r = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: ops\.config\.ts: \d+ problems? in the fleet config/);
    const line = problemLine(r.stderr, at);
    if (typeof message === 'string') expect(line).toContain(message);
    else expect(line).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // A request started before the refusal (a lease look, a warm-up) would arrive just after it.
    await setTimeout(300);
    expect(proxy.requestCount, proxy.operations().join(', ')).toBe(0);
    return r;
  }

  it('CORS maxAge 172,800 (API Gateway allows 86,400)', async () => {
    await refused(
      { top: "api: { cors: { allowOrigins: ['*'], maxAge: 172_800 } }," },
      'api.cors.maxAge',
      '172,800 seconds, API Gateway allows at most 86,400 (one day) for CORS maxAge',
    );
  });

  it('a schedule input of 9,011 characters (EventBridge allows 8,192)', async () => {
    await refused(
      { fn: "triggers: [{ schedule: 'rate(5 minutes)', input: { blob: 'x'.repeat(9_000) } }]," },
      'functions.api.triggers.0.input',
      "9,011 characters as JSON, EventBridge allows 8,192 for a target's input",
    );
  });

  it('a param description of 1,100 characters (SSM allows 1,024)', async () => {
    await refused(
      { top: "params: { db: { description: 'd'.repeat(1_100) } },", fn: "params: ['db']," },
      'params.db.description',
      "1,100 characters, SSM allows 1,024 for a parameter's description",
    );
  });

  it("an environment over 4 KB once ops's own variables are added (Lambda allows 4,096 bytes)", async () => {
    // BIG alone is 4,060 bytes as JSON; OPS_APP, OPS_STAGE and the invoke target's variable push it over.
    await refused(
      { fn: "environment: { BIG: 'v'.repeat(4_050) }, invokes: ['api']," },
      'functions.api.environment',
      /: 4,1\d\d bytes, AWS allows 4 KB \(4,096\) for a function's environment, .*largest: BIG 4,050.*move large values to params$/,
    );
  });

  it("inline role policy over 10,240 characters with ops's own statements (IAM's limit per role)", async () => {
    await refused(
      {
        fn: "permissions: [{ Action: ['s3:GetObject'], Resource: Array.from({ length: 240 }, (_, i) => 'arn:aws:s3:::bucket-with-a-long-name-' + i + '/*') }],",
      },
      'functions.api.permissions',
      /the role's inline policy is 1\d,\d{3} characters without whitespace \(ops's own statements included\), IAM allows 10,240 per role/,
    );
  });

  it("tag values outside AWS's tag pattern ('R&D #7', 'payments, core')", async () => {
    const r = await refused(
      { top: "tags: { team: 'R&D #7' },", fn: "tags: { owner: 'payments, core' }," },
      'tags.team',
      "tag value 'R&D #7' has characters AWS does not allow in tags (& #): use letters, digits, spaces and _ . : / = + - @",
    );
    expect(problemLine(r.stderr, 'functions.api.tags.owner')).toContain("tag value 'payments, core' has characters AWS does not allow");
  });

  it("more than 50 tags on the function once ops's own are counted", async () => {
    // 48 of the config's own: the API carries 50 (with ops:app, ops:stage), the function 52 (with ops:function, and
    // ops:policy: it has routes, so its live policy holds statements the reader must ask for).
    await refused(
      { top: "tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => ['t' + i, 'v'])),", fn: '' },
      'functions.api.tags',
      '52 tags once ops adds its own (ops:app, ops:function, ops:stage, ops:policy), AWS allows 50 per resource: remove 2',
    );
  });

  it('an alarm of 289 periods of 300 s (CloudWatch allows one day for periods under an hour)', async () => {
    await refused(
      {
        fn: "alarms: [{ metric: 'Errors', threshold: 1, periodSeconds: 300, evaluationPeriods: 289, snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }],",
      },
      'functions.api.alarms.0.evaluationPeriods',
      'periodSeconds × evaluationPeriods is 300 × 289 = 86,700 s, CloudWatch allows one day (86,400 s) for a period under an hour: at most 288 periods',
    );
  });

  it('several problems are listed together', async () => {
    const r = await refused(
      { top: "api: { cors: { maxAge: 100_000 } }, tags: { team: 'a,b' },", fn: "environment: { BIG: 'v'.repeat(5_000) }," },
      'api.cors.maxAge',
      '100,000 seconds',
    );
    expect(r.stderr).toContain('ops.config.ts: 2 problems in the fleet config');
    expect(problemLine(r.stderr, 'tags.team')).toContain("tag value 'a,b'");
    // The environment is measured once the config is valid: it is reported on the next run, still before any request.
  });

  it('an environment pushed over 4 KB by a value resolved at deploy time: refused in the plan, before any write', async () => {
    const app = uniqueApp('limr');
    const ssm = new SSMClient(emu.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: `/${app}/dev/blob`, Value: 'x'.repeat(4_100), Type: 'String' }));
    const dir = await fleetWith(app, { top: 'params: { blob: {} },', fn: "params: [{ name: 'blob', resolve: true }]," });
    const proxy = await emu.proxy();
    const r = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(1);
    expect(problemLine(r.stderr, 'functions.api.environment')).toMatch(/: 4,1\d\d bytes, AWS allows 4 KB \(4,096\)/);
    expect(problemLine(r.stderr, 'functions.api.environment')).toContain('largest: OPS_PARAM_VALUE_BLOB 4,100');
    // It had to read the value (and took the stage's lease), and wrote nothing of the fleet.
    expect(proxy.operations()).toContain('ssm.GetParameters');
    const writes = proxy.requests.filter((q) => !isLeaseCall(q) && !/^(Get|List|Describe|Head|Filter)/.test(q.operation));
    expect(writes.map((q) => `${q.service}.${q.operation}`)).toEqual([]);
  });
});

describe('the request check used on recorded deploys', () => {
  it('finds every value of issue 12.14 in requests as the SDK would get them', () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    const big = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'x'.repeat(10_700) }] };
    const { problems } = checkRequests([
      { client: 'ApiGatewayV2Client', command: 'CreateApi', input: { Name: 'a', CorsConfiguration: { MaxAge: 172_800 } } },
      { client: 'EventBridgeClient', command: 'PutTargets', input: { Rule: 'r', Targets: [{ Id: 't', Input: 'x'.repeat(9_011) }] } },
      { client: 'SSMClient', command: 'PutParameter', input: { Name: '/a/b', Description: 'd'.repeat(1_100) } },
      {
        client: 'LambdaClient',
        command: 'CreateFunction',
        input: { FunctionName: 'f', Environment: { Variables: { A: 'v'.repeat(4_630) } } },
      },
      { client: 'IAMClient', command: 'PutRolePolicy', input: { RoleName: 'r', PolicyName: 'p', PolicyDocument: JSON.stringify(big) } },
      { client: 'LambdaClient', command: 'TagResource', input: { Resource: 'f', Tags: { team: 'R&D #7' } } },
      {
        client: 'IAMClient',
        command: 'CreateRole',
        input: { RoleName: 'r', AssumeRolePolicyDocument: '{}', Tags: [{ Key: 'o', Value: 'payments, core' }] },
      },
      { client: 'CloudWatchLogsClient', command: 'CreateLogGroup', input: { logGroupName: 'g', tags } },
      { client: 'CloudWatchClient', command: 'PutMetricAlarm', input: { AlarmName: 'al', Period: 300, EvaluationPeriods: 289 } },
    ]);
    expect(problems).toHaveLength(9);
  });
});
