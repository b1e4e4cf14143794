import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  GetApiCommand,
  GetRoutesCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Issue 16 items 2 and 3 for APIs, rules and alarms: an HTTP API and a schedule rule made by hand (untagged, seed style: the
 * rule calls the function unqualified) are adopted by a config that keeps their names. The deploy tags them in place
 * (API id and rule name read back), the rule's target moves to `live`, a hand-made route stays, the next plan is
 * empty; another stage with the same kept API name stops before any write; destroy keeps both, untagged.
 */
describe('ops deploy: kept names and adoption of an HTTP API and a schedule rule', () => {
  const emu = useEmulator();
  const app = uniqueApp('kn');
  const apiName = `${app}-legacy-api`;
  const rule = `${app}-legacy-nightly`;
  // A kept alarm name that ops creates, outside `{app}-dev-`: only the stage inventory finds it once it leaves the config.
  const alarm = `${app}-legacy-errors`;
  const fn = `${app}-dev-job`;
  let dir: string;
  let apiId: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const apigw = () => new ApiGatewayV2Client(emu.clientConfig);
  const events = () => new EventBridgeClient(emu.clientConfig);
  const ruleTags = async () => {
    const arn = (await events().send(new DescribeRuleCommand({ Name: rule }))).Arn;
    const tags = (await events().send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? [];
    return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
  };
  const targets = async () => (await events().send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets ?? [];
  const unqualified = `arn:aws:lambda:us-east-1:123456789012:function:${fn}`;

  beforeAll(async () => {
    const api = await apigw().send(new CreateApiCommand({ Name: apiName, ProtocolType: 'HTTP' }));
    apiId = api.ApiId!;
    // A route ops does not know (an HTTP integration to elsewhere): it stays through adoption and destroy.
    const other = await apigw().send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: 'HTTP_PROXY',
        IntegrationMethod: 'ANY',
        IntegrationUri: 'https://example.com',
        PayloadFormatVersion: '1.0',
      }),
    );
    await apigw().send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /legacy', Target: `integrations/${other.IntegrationId}` }));
    await events().send(new PutRuleCommand({ Name: rule, ScheduleExpression: 'rate(1 day)', Tags: [{ Key: 'team', Value: 'ops' }] }));
    await events().send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'seed', Arn: unqualified }] }));
    dir = await fleetDir(
      app,
      { 'src/job/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n' },
      `  api: { name: '${apiName}', adopt: true },
  functions: {
    job: {
      handler: 'src/job/handler.ts',
      routes: ['GET /job'],
      triggers: [{ schedule: 'rate(1 day)', ruleName: '${rule}', adopt: true }],
      alarms: [{ metric: 'Errors', threshold: 1, alarmName: '${alarm}' }],
    },
  },`,
    );
  }, 30_000);

  it('plans the adoption of both, deploys in place (same API id, same rule name), and plans nothing after', async () => {
    const plan = await ops(['plan', '--json']);
    const changes = JSON.parse(plan.stdout).changes as { id: string; summary: string }[];
    expect(changes.map((c) => c.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^adopt http api ${apiName} \\(${apiId}`)),
        expect.stringMatching(new RegExp(`^adopt schedule ${rule}`)),
      ]),
    );
    expect(changes.some((c) => c.id.startsWith('api.create') || c.id.startsWith('schedule.create'))).toBe(false);
    expect(JSON.parse(plan.stdout).warnings).toContain(`http api ${apiName}: GET /legacy not ops's (adopted api): left alone`);

    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const api = await apigw().send(new GetApiCommand({ ApiId: apiId }));
    expect(api.Tags).toMatchObject({ 'ops:app': app, 'ops:stage': 'dev', 'ops:adopted': 'true' });
    const routes = ((await apigw().send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? []).map((r) => r.RouteKey).sort();
    expect(routes).toEqual(['GET /job', 'GET /legacy']);
    expect(await ruleTags()).toMatchObject({ team: 'ops', 'ops:app': app, 'ops:stage': 'dev', 'ops:adopted': 'true' });
    expect((await targets()).map((t) => t.Arn)).toEqual([`${unqualified}:live`]);

    const again = await ops(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
  }, 90_000); // a first deploy with a build: on the shared 2-core machine it has passed the default 30 s

  it('another stage with the same kept names is refused before any write', async () => {
    const p = await ops(['deploy', '--yes', '--stage', 'qa']);
    expect(p.code).not.toBe(0);
    expect(p.stderr).toMatch(new RegExp(`is tagged for app ${app} stage dev; nothing was changed`));
    expect(p.stderr).not.toMatch(/\n\s+at /);
    const qa = await new LambdaClient(emu.clientConfig)
      .send(new GetFunctionCommand({ FunctionName: `${app}-qa-job` }))
      .catch((e: Error) => e.name);
    expect(qa).toBe('ResourceNotFoundException');
  });

  it('the rule and the alarm leaving the config are found through the stage inventory: the adopted rule released, the alarm ops made deleted', async () => {
    const cw = new CloudWatchClient(emu.clientConfig);
    const alarms = async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }))).MetricAlarms ?? [];
    expect(await alarms()).toHaveLength(1);
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(/\n\s*triggers: \[[^\n]*\],/, '').replace(/\n\s*alarms: \[[^\n]*\],/, ''));
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain(`keep rule ${rule}: kept (adopted: ops did not create it)`);
    expect(d.stdout + d.stderr).toContain(`delete alarm ${alarm}`);
    expect(await ruleTags()).toEqual({ team: 'ops' });
    expect(await targets()).toEqual([]);
    expect(await alarms()).toEqual([]);
  });

  it("destroy keeps the adopted API and rule, with ops's tags, routes and target gone", async () => {
    const d = await ops(['destroy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain('kept (adopted: ops did not create it)');
    const api = await apigw().send(new GetApiCommand({ ApiId: apiId }));
    expect(Object.keys(api.Tags ?? {}).filter((k) => k.startsWith('ops:'))).toEqual([]);
    const routes = ((await apigw().send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? []).map((r) => r.RouteKey);
    expect(routes).toEqual(['GET /legacy']);
    expect(await ruleTags()).toEqual({ team: 'ops' });
    expect(await targets()).toEqual([]);
  });
});
