import path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Alarms as the seeds write them (issue 12.10): seed 003's alarm has no action and fires when Errors
 * is greater than (not equal to) the threshold; others are "M out of N" with missing data not
 * breaching. Deployed to moto, read back with the SDK, planned again with no changes, then changed
 * field by field.
 */
describe('ops deploy: alarms without actions, M of N, missing data', () => {
  const emu = useEmulator();
  const app = uniqueApp('alm');
  const stage = 'dev';
  const fn = `${app}-${stage}-analysis`;
  let dir: string;
  let topic: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const describeAlarms = async () =>
    (await new CloudWatchClient(emu.clientConfig).send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${fn}-` }))).MetricAlarms ?? [];

  beforeAll(async () => {
    topic = (await new SNSClient(emu.clientConfig).send(new CreateTopicCommand({ Name: `${app}-alerts` }))).TopicArn!;
    dir = await fleetDir(
      app,
      { 'src/analysis/handler.ts': 'export const handler = async () => ({ ok: true });\n' },
      `  functions: {
    analysis: {
      handler: 'src/analysis/handler.ts',
      alarms: [
        { metric: 'Errors', name: 'errors', description: 'Alert when analysis Lambda has errors', threshold: 1, comparison: 'GreaterThanThreshold' },
        { metric: 'Throttles', threshold: 5, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: 'notBreaching', snsTopicArn: '${topic}' },
      ],
    },
  },`,
    );
  });

  it('deploys each alarm as configured, read back field by field, and plans no change after', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const alarms = await describeAlarms();
    const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName, a]));
    expect(byName[`${fn}-errors`]).toMatchObject({
      AlarmDescription: 'Alert when analysis Lambda has errors',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [],
    });
    expect(byName[`${fn}-Throttles-1`]).toMatchObject({
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
    });
    const plan = await ops(['plan']);
    expect(plan.stdout, plan.stderr).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('plans a changed datapoints, missing-data treatment or action as an update of that field, and applies it', async () => {
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t
        .replace("comparison: 'GreaterThanThreshold' }", `comparison: 'GreaterThanThreshold', snsTopicArn: '${topic}' }`)
        .replace(`datapointsToAlarm: 3, treatMissingData: 'notBreaching', snsTopicArn: '${topic}'`, 'datapointsToAlarm: 2'),
    );
    const plan = await ops(['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(2);
    const changes = JSON.parse(plan.stdout).changes as {
      resource: { name: string };
      fields: { field: string; from: string; to: string }[];
    }[];
    const fieldsOf = (name: string) => changes.find((c) => c.resource.name === name)?.fields;
    expect(fieldsOf(`${fn}-errors`)).toEqual([{ field: 'actions', from: '(none)', to: topic }]);
    expect(fieldsOf(`${fn}-Throttles-1`)).toEqual([
      { field: 'datapointsToAlarm', from: '3', to: '2' },
      { field: 'treatMissingData', from: 'notBreaching', to: 'missing' },
      { field: 'actions', from: topic, to: '(none)' },
    ]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const byName = Object.fromEntries((await describeAlarms()).map((a) => [a.AlarmName, a]));
    expect(byName[`${fn}-errors`]?.AlarmActions).toEqual([topic]);
    expect(byName[`${fn}-Throttles-1`]).toMatchObject({ DatapointsToAlarm: 2, TreatMissingData: 'missing', AlarmActions: [] });
    const again = await ops(['plan']);
    expect(again.stdout, again.stderr).toContain('No changes');
  });
});
