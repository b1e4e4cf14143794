import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  createFunction,
  createRole,
  createSchedule,
  deleteAlarms,
  deleteSchedule,
  publishVersionAndMoveAlias,
  putAlarm,
  putAsyncConfig,
  putProvisionedConcurrency,
  putReservedConcurrency,
  subscribeFunction,
  unsubscribeFunction,
  updateSchedule,
} from '../../src/aws/write.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();
const ACCOUNT = '123456789012';

describe('readActual: rules, subscriptions, alarms and settings', () => {
  it('reads back what the writers created, normalized; untagged look-alikes are foreign', async () => {
    const aws = awsFor(emu.env);
    const app = unique();
    const stage = 'dev';
    const name = `${app}-${stage}-job`;
    const tags = { 'ops:app': app, 'ops:stage': stage, 'ops:function': 'job' };
    // The markers that tell the reader to ask for the async settings, reserved concurrency and the policy of live (the
    // planner adds them with the settings, and on a function with triggers).
    const fnTags = { ...tags, 'ops:async': '1', 'ops:policy': '1', 'ops:reserved': '1' };
    const live = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:live`;
    const { arn: roleArn } = await createRole(aws, roleSpec(app, stage, 'job'));
    const zip = await makeZip();
    await createFunction(aws, { name, config: functionConfig(roleArn), zipPath: zip.zipPath, tags: fnTags });
    await publishVersionAndMoveAlias(aws, name, zip.codeSha256);

    const schedule = {
      ruleName: `${name}-nightly`,
      expression: 'cron(0 2 * * ? *)',
      enabled: true,
      input: '{"mode":"full"}',
      targetArn: live,
      functionName: name,
      statementId: `ops-rule-${name}-nightly`,
      tags,
    };
    await createSchedule(aws, schedule);
    const topic = (await new SNSClient(emu.clientConfig).send(new CreateTopicCommand({ Name: `${app}-trigger` }))).TopicArn!;
    const { subscriptionArn } = await subscribeFunction(aws, {
      topicArn: topic,
      endpoint: live,
      filterPolicy: '{"kind":["a"]}',
      functionName: name,
      statementId: 'ops-sns-0000beef',
    });
    const alarm = {
      name: `${name}-Errors-1`,
      description: 'more than one error in five minutes',
      namespace: 'AWS/Lambda',
      metric: 'Errors',
      statistic: 'Sum',
      dimensions: { FunctionName: name },
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      actions: [topic],
    };
    await putAlarm(aws, alarm, { createTags: tags });
    await putAsyncConfig(aws, name, { maxRetries: 1, maxEventAgeSeconds: 120 });
    await putReservedConcurrency(aws, name, 4);
    // Look-alikes: our prefix, no ops tags.
    await new EventBridgeClient(emu.clientConfig).send(
      new PutRuleCommand({ Name: `${app}-${stage}-handmade`, ScheduleExpression: 'rate(1 day)' }),
    );
    await new CloudWatchClient(emu.clientConfig).send(
      new PutMetricAlarmCommand({
        AlarmName: `${app}-${stage}-handmade`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );

    const actual = await readActual(aws, { app, stage, functions: [] });
    expect(actual.rules).toEqual({
      [schedule.ruleName]: {
        name: schedule.ruleName,
        arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${schedule.ruleName}`,
        scheduleExpression: 'cron(0 2 * * ? *)',
        state: 'ENABLED',
        description: '',
        tags,
        targets: [{ id: 'live', arn: live, input: '{"mode":"full"}' }],
      },
    });
    // The topic is found through the ops-sns-* statement on live, not the config (none given).
    expect(actual.subscriptions).toEqual([{ arn: subscriptionArn, topicArn: topic, endpoint: live, filterPolicy: '{"kind":["a"]}' }]);
    expect(actual.alarms).toEqual({
      [alarm.name]: { ...alarm, arn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${alarm.name}`, tags },
    });
    const fn = actual.functions[name];
    expect(fn.asyncConfig).toEqual({ maxRetries: 1, maxEventAgeSeconds: 120 });
    expect(fn.reservedConcurrency).toBe(4);
    expect(fn.provisionedConcurrency).toBeUndefined();
    expect(fn.aliasPolicy.map((s) => s.Sid).sort()).toEqual([`ops-rule-${schedule.ruleName}`, 'ops-sns-0000beef'].sort());
    expect(actual.foreign).toEqual(
      expect.arrayContaining([
        { type: 'eventbridge rule', name: `${app}-${stage}-handmade`, reason: 'no ops:app/ops:stage tags' },
        { type: 'cloudwatch alarm', name: `${app}-${stage}-handmade`, reason: 'no ops:app/ops:stage tags' },
      ]),
    );

    // Updates and deletes leave nothing behind.
    await updateSchedule(aws, { ...schedule, enabled: false }, { rule: true, removeTags: ['ops:function'] });
    let again = await readActual(aws, { app, stage });
    expect(again.rules?.[schedule.ruleName]).toMatchObject({ state: 'DISABLED', tags: { 'ops:app': app, 'ops:stage': stage } });
    await deleteSchedule(aws, { ruleName: schedule.ruleName, targetIds: ['live'], functionName: name, statementId: schedule.statementId });
    await unsubscribeFunction(aws, { subscriptionArn, functionName: name, statementId: 'ops-sns-0000beef' });
    await deleteAlarms(aws, [alarm.name]);
    again = await readActual(aws, { app, stage });
    expect([again.rules, again.subscriptions, again.alarms]).toEqual([undefined, undefined, undefined]);
    expect(again.functions[name].aliasPolicy).toEqual([]);
    aws.destroy();
  });

  it("only marked functions are asked for live settings; moto has no provisioned concurrency API: 'none', not an error", async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const { arn: roleArn } = await createRole(aws, roleSpec(app, 'dev', 'p'));
    const zip = await makeZip();
    const owned = { 'ops:app': app, 'ops:stage': 'dev' };
    for (const [key, marks] of [
      ['p', { 'ops:provisioned': '1', 'ops:async': '1' }],
      ['plain', {}],
    ] as const) {
      const name = `${app}-dev-${key}`;
      await createFunction(aws, { name, config: functionConfig(roleArn), zipPath: zip.zipPath, tags: { ...owned, ...marks } });
      await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
    }
    const before = proxy.requests.length;
    const actual = await readActual(aws, { app, stage: 'dev' });
    const asked = proxy.requests
      .slice(before)
      .filter((r) => /ProvisionedConcurrency|EventInvokeConfig/.test(r.operation))
      .map((r) => `${r.operation} ${r.path.split('/')[3]}`)
      .sort();
    expect(asked).toEqual([`GetFunctionEventInvokeConfig ${app}-dev-p`, `GetProvisionedConcurrencyConfig ${app}-dev-p`]);
    expect(actual.functions[`${app}-dev-p`].provisionedConcurrency).toBeUndefined();
    expect(actual.functions[`${app}-dev-p`].asyncConfig).toBeUndefined();
    await expect(putProvisionedConcurrency(aws, `${app}-dev-p`, 2)).rejects.toThrow(/has no provisioned concurrency API/);
    aws.destroy();
  });
});
