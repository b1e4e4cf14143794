import path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand as ListAlarmTags } from '@aws-sdk/client-cloudwatch';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand as ListRuleTags,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { isLeaseCall, useEmulator } from '../support/emulator.js';
import { edit, uniqueApp } from './fleet.js';
import { settingsFleet } from './settings-fleet.js';

const ACCOUNT = '123456789012';

/**
 * Triggers, alarms and function settings against moto: a fleet with schedules, an SNS subscription, alarms, inline
 * policies, VPC, reserved concurrency and async invocation is deployed, read back with the SDK
 * exactly as configured, planned again (nothing), and each setting removed from the config is
 * removed from AWS.
 */
describe('ops deploy: triggers, alarms and function settings', () => {
  const emu = useEmulator();
  const app = uniqueApp('feat');
  const stage = 'dev';
  const detector = `${app}-${stage}-detector`;
  const executor = `${app}-${stage}-executor`;
  const liveOf = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:live`;
  let dir: string;
  let alertsTopic: string;
  let triggerTopic: string;
  /** Made in moto first: the deploy preflight checks that they exist and share a VPC, as AWS would refuse them. */
  let vpc: { subnetIds: string[]; securityGroupIds: string[] };
  const makeVpc = async () => {
    const ec2 = new EC2Client(emu.clientConfig);
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc?.VpcId;
    const subnet = async (cidr: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet?.SubnetId ?? '';
    const subnetIds = [await subnet('10.77.1.0/24'), await subnet('10.77.2.0/24')];
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${app}-rds`, Description: 'rds', VpcId: vpcId }));
    return { subnetIds, securityGroupIds: [sg.GroupId ?? ''] };
  };

  const lambda = () => new LambdaClient(emu.clientConfig);
  const events = () => new EventBridgeClient(emu.clientConfig);
  const sns = () => new SNSClient(emu.clientConfig);
  const cloudwatch = () => new CloudWatchClient(emu.clientConfig);
  const ops = (args: string[], env = emu.env) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });
  const deploy = async () => {
    const proxy = await emu.proxy();
    const r = await ops(['deploy', '--yes'], proxy.env);
    expect(r.code, r.stderr).toBe(0);
    const writes = proxy.requests
      .filter((q) => !/^(Get|List|Describe|Head|Filter)/.test(q.operation) && !isLeaseCall(q))
      .map((q) => `${q.service}.${q.operation}`);
    return { r, writes: writes.sort() };
  };
  const expectNoChanges = async () => {
    const plan = await ops(['plan']);
    expect(plan.stdout, plan.stderr).toContain('No changes');
    expect(plan.code).toBe(0);
  };
  const rules = async () => (await events().send(new ListRulesCommand({ NamePrefix: `${app}-${stage}-` }))).Rules ?? [];
  const policy = async (name: string) => {
    const p = await lambda()
      .send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'live' }))
      .catch(() => undefined);
    return (JSON.parse(p?.Policy ?? '{"Statement":[]}').Statement ?? []) as { Sid: string; Principal: unknown; Condition: unknown }[];
  };
  const subscriptions = async () =>
    ((await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: triggerTopic }))).Subscriptions ?? []).filter((s) =>
      s.Endpoint?.includes(`:function:${app}-`),
    );
  const alarms = async () =>
    (await cloudwatch().send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${app}-${stage}-` }))).MetricAlarms ?? [];

  beforeAll(async () => {
    alertsTopic = (await sns().send(new CreateTopicCommand({ Name: `${app}-cloudops-alerts` }))).TopicArn!;
    triggerTopic = (await sns().send(new CreateTopicCommand({ Name: `${app}-execution-trigger` }))).TopicArn!;
    vpc = await makeVpc();
    dir = await settingsFleet({ app, alertsTopic, triggerTopic, vpc });
  });

  it('deploys schedules, the subscription, alarms and settings, read back exactly as configured', async () => {
    const { r } = await deploy();
    expect(r.stderr).toMatch(/Deployed: \d+ changes applied/);

    // Schedules: a rule each, the live alias as the target, tagged, and a permission scoped to the rule.
    const found = (await rules()).sort((a, b) => (a.Name! < b.Name! ? -1 : 1));
    expect(found.map((x) => [x.Name, x.ScheduleExpression, x.State])).toEqual([
      [expect.stringMatching(new RegExp(`^${detector}-[0-9a-f]{8}$`)), 'rate(5 minutes)', 'ENABLED'],
      [`${detector}-noon`, 'cron(0 12 * * ? *)', 'DISABLED'],
    ]);
    const noon = await events().send(new DescribeRuleCommand({ Name: `${detector}-noon` }));
    expect(noon.Description).toBe('daily sweep');
    for (const rule of found) {
      const targets = (await events().send(new ListTargetsByRuleCommand({ Rule: rule.Name }))).Targets ?? [];
      expect(targets.map((t) => [t.Id, t.Arn, t.Input])).toEqual([
        ['live', liveOf(detector), rule.Name!.endsWith('noon') ? '{"full":true}' : undefined],
      ]);
      const tags = (await events().send(new ListRuleTags({ ResourceARN: rule.Arn }))).Tags ?? [];
      expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toMatchObject({
        'ops:app': app,
        'ops:stage': stage,
        'ops:function': 'detector',
        Service: 'detector',
      });
    }
    const detectorPolicy = await policy(detector);
    expect(detectorPolicy.map((s) => s.Sid).sort()).toEqual(found.map((x) => `ops-rule-${x.Name}`).sort());
    for (const s of detectorPolicy) {
      expect(s.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(s.Condition).toEqual({
        ArnLike: { 'AWS:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/${s.Sid.slice('ops-rule-'.length)}` },
      });
    }

    // The SNS subscription: the live alias with the filter policy, and a permission scoped to the topic.
    const [sub, ...more] = await subscriptions();
    expect(more).toEqual([]);
    expect([sub.Protocol, sub.Endpoint]).toEqual(['lambda', liveOf(executor)]);
    const attrs = await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }));
    expect(JSON.parse(attrs.Attributes?.FilterPolicy ?? '{}')).toEqual({ action: ['approve'] });
    expect(await policy(executor)).toEqual([
      expect.objectContaining({
        Sid: expect.stringMatching(/^ops-sns-[0-9a-f]{8}$/),
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': triggerTopic } },
      }),
    ]);

    // Function settings.
    const d = await lambda().send(new GetFunctionCommand({ FunctionName: detector }));
    expect(d.Configuration).toMatchObject({
      Description: 'Detects domain issues every five minutes',
      TracingConfig: { Mode: 'Active' },
      Architectures: ['arm64'],
      EphemeralStorage: { Size: 1024 },
      MemorySize: 512,
      Timeout: 300,
    });
    expect(d.Tags).toMatchObject({ Environment: 'production', Service: 'detector', project: 'cloudops', 'ops:function': 'detector' });
    expect(d.Concurrency?.ReservedConcurrentExecutions).toBe(3);
    const e = await lambda().send(new GetFunctionCommand({ FunctionName: executor }));
    expect(e.Configuration?.VpcConfig).toMatchObject({ SubnetIds: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds });
    expect(e.Concurrency?.ReservedConcurrentExecutions).toBeUndefined();
    const invoke = await lambda().send(new GetFunctionEventInvokeConfigCommand({ FunctionName: executor, Qualifier: 'live' }));
    expect(invoke).toMatchObject({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 600,
      DestinationConfig: { OnFailure: { Destination: liveOf(detector) } },
    });

    // Roles: the inline policies from the config, X-Ray for the traced function, ENIs and the destination for the executor.
    const iam = new IAMClient(emu.clientConfig);
    const statementsOf = async (role: string) =>
      JSON.parse(
        decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'ops-function' }))).PolicyDocument!),
      ).Statement as { Sid?: string; Action: string | string[]; Resource: string | string[] }[];
    const detectorGrants = await statementsOf(detector);
    expect(detectorGrants).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'], Resource: 'arn:aws:bedrock:*:*:agent/*' },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: alertsTopic },
        expect.objectContaining({ Sid: 'OpsXray', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] }),
      ]),
    );
    expect((await statementsOf(executor)).map((s) => s.Sid)).toEqual(expect.arrayContaining(['OpsVpc', 'OpsAsyncOnFailure']));

    // Alarms: per metric, on the function, notifying the topic, tagged.
    const found2 = (await alarms()).sort((a, b) => (a.AlarmName! < b.AlarmName! ? -1 : 1));
    expect(
      found2.map((a) => [
        a.AlarmName,
        a.AlarmDescription,
        a.Namespace,
        a.MetricName,
        a.Statistic ?? a.ExtendedStatistic,
        a.Period,
        a.EvaluationPeriods,
      ]),
    ).toEqual([
      [`${detector}-Errors-1`, undefined, 'AWS/Lambda', 'Errors', 'Sum', 300, 1],
      [`${detector}-slow`, 'p99 over 250 s: check the downstream API', 'AWS/Lambda', 'Duration', 'p99', 60, 3],
    ]);
    for (const a of found2) {
      expect(a).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'FunctionName', Value: detector }],
        AlarmActions: [alertsTopic],
      });
      const tags = (await cloudwatch().send(new ListAlarmTags({ ResourceARN: a.AlarmArn }))).Tags ?? [];
      expect(tags).toEqual(
        expect.arrayContaining([
          { Key: 'ops:app', Value: app },
          { Key: 'ops:stage', Value: stage },
        ]),
      );
    }
    expect(found2.map((a) => a.Threshold)).toEqual([1, 250000]);
  }, 120_000);

  it('a second plan is empty and a second deploy writes nothing', async () => {
    await expectNoChanges();
    const { writes } = await deploy();
    expect(writes).toEqual([]);
  }, 60_000);

  it('an edited schedule, filter policy and alarm are updated in place', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t
        .replace("enabled: false, description: 'daily sweep'", "enabled: true, description: 'daily sweep'")
        .replace("filterPolicy: { action: ['approve'] }", "filterPolicy: { action: ['approve', 'retry'] }")
        .replace("{ metric: 'Errors', threshold: 1,", "{ metric: 'Errors', threshold: 2,"),
    );
    const { writes } = await deploy();
    expect(writes).toEqual(['events.PutRule', 'monitoring.PutMetricAlarm', 'sns.SetSubscriptionAttributes']);
    expect((await events().send(new DescribeRuleCommand({ Name: `${detector}-noon` }))).State).toBe('ENABLED');
    const [sub] = await subscriptions();
    const attrs = await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }));
    expect(JSON.parse(attrs.Attributes?.FilterPolicy ?? '{}')).toEqual({ action: ['approve', 'retry'] });
    expect((await alarms()).find((a) => a.AlarmName === `${detector}-Errors-1`)?.Threshold).toBe(2);
    await expectNoChanges();
  }, 90_000);

  it('each setting removed from the config is removed from AWS', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t
        .replace(/\s+\{ schedule: 'cron\(0 12 \* \* \? \*\)'.*\n/, '\n')
        .replace(/\s+triggers: \[\{ sns: .*\n/, '\n')
        .replace(/\s+\{ metric: 'Duration'.*\n/, '\n')
        .replace(/\s+\{ Action: 'sns:Publish'.*\n/, '\n')
        .replace(/\s+reservedConcurrency: 3,\n/, '\n')
        .replace(/\s+vpc: \{.*\n/, '\n')
        .replace(/\s+async: \{.*\n/, '\n'),
    );
    // Not tracing: moto's UpdateFunctionConfiguration ignores TracingConfig (and EphemeralStorage).
    await deploy();
    expect((await rules()).map((x) => x.Name)).toEqual([expect.stringMatching(new RegExp(`^${detector}-[0-9a-f]{8}$`))]);
    expect((await policy(detector)).map((s) => s.Sid)).toEqual([`ops-rule-${(await rules())[0].Name}`]);
    expect(await subscriptions()).toEqual([]);
    expect(await policy(executor)).toEqual([]);
    expect((await alarms()).map((a) => a.AlarmName)).toEqual([`${detector}-Errors-1`]);
    const d = await lambda().send(new GetFunctionCommand({ FunctionName: detector }));
    expect(d.Concurrency?.ReservedConcurrentExecutions).toBeUndefined();
    const e = await lambda().send(new GetFunctionCommand({ FunctionName: executor }));
    expect(e.Configuration?.VpcConfig?.SubnetIds ?? []).toEqual([]);
    await expect(lambda().send(new GetFunctionEventInvokeConfigCommand({ FunctionName: executor, Qualifier: 'live' }))).rejects.toThrow();
    const grants = JSON.stringify(
      await new IAMClient(emu.clientConfig).send(new GetRolePolicyCommand({ RoleName: detector, PolicyName: 'ops-function' })),
    );
    expect(grants).not.toContain('sns%3APublish');
    expect(grants).toContain('bedrock');
    await expectNoChanges();
  }, 120_000);

  it('destroy removes the rules, subscriptions and alarms with the functions', async () => {
    const r = await ops(['destroy', '--yes', '--stage', stage]);
    expect(r.code, r.stderr).toBe(0);
    expect(await rules()).toEqual([]);
    expect(await alarms()).toEqual([]);
    expect(await subscriptions()).toEqual([]);
  }, 120_000);
});
