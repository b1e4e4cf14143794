import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetPolicyCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStreamMapping, deleteQueueMapping, listStreamMappings, updateStreamMapping } from '../../src/aws/event-source.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * Issue 14 item 3: a DynamoDB stream → function mapping (the SQS mapping's kind) and an EventBridge rule with an
 * event pattern on a named bus (the schedule's kind), deployed once on moto and shared by every case.
 * Moto differences: it resolves `live` to its version in the mapping's FunctionArn (ops reads the name only);
 * it validates no grant at CreateEventSourceMapping (AWS refuses a role that cannot read the stream, so the role
 * is checked here statement by statement); and it returns EventPattern as sent, where AWS may re-serialize it
 * (ops compares patterns with sorted keys either way). Moto also takes a pattern EventBridge would refuse when
 * its values are objects or lists (AWS checks the operators too); a missing bus is ResourceNotFound on both.
 */
describe('ops deploy: dynamodb stream and event-pattern triggers', () => {
  const emu = useEmulator();
  const app = uniqueApp('srt');
  const table = `${app}-dev-orders`;
  const fn = `${app}-dev-consumer`;
  const bus = `${app}-bus`;
  const rule = `${app}-dev-consumer-created`;
  const dlq = `arn:aws:sqs:${REGION}:${ACCOUNT}:${app}-dev-failed`;
  let dir: string;
  let streamArn: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const lambda = () => new LambdaClient(emu.clientConfig);
  const events = () => new EventBridgeClient(emu.clientConfig);
  const mappings = async () =>
    (await lambda().send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn }))).EventSourceMappings ?? [];
  const rules = async () => (await events().send(new ListRulesCommand({ EventBusName: bus, NamePrefix: `${app}-` }))).Rules ?? [];
  const planIds = async () => {
    const plan = await ops(['plan', '--json']);
    return (JSON.parse(plan.stdout).changes as { id: string; fields: unknown[] }[]).map((c) => ({ id: c.id, fields: c.fields }));
  };

  beforeAll(async () => {
    // Ops does not create buses: the bus exists before the deploy, as it would in an account.
    await events().send(new CreateEventBusCommand({ Name: bus }));
    dir = await fleetDir(
      app,
      { 'src/consumer/handler.ts': 'export const handler = async () => ({});\n' },
      `  resources: {
    orders: { type: 'table', partitionKey: 'id', stream: 'new-image' },
    failed: { type: 'queue' },
  },
  functions: {
    consumer: {
      handler: 'src/consumer/handler.ts',
      triggers: [
        { dynamodb: 'orders', startingPosition: 'TRIM_HORIZON', batchSize: 50, filters: [{ eventName: ['INSERT'] }], bisectOnError: true, retryAttempts: 3, onFailure: 'failed' },
        { eventPattern: { source: ['shop.orders'], 'detail-type': ['created'] }, bus: '${bus}', name: 'created', description: 'new orders' },
      ],
    },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const t = await new DynamoDBClient(emu.clientConfig).send(new DescribeTableCommand({ TableName: table }));
    streamArn = t.Table?.LatestStreamArn ?? '';
    expect(streamArn).toContain(`:table/${table}/stream/`);
  }, 120_000);

  it('maps the stream to live with its settings, and the pattern rule on its bus targets live', async () => {
    const [m, ...more] = await mappings();
    expect(more).toEqual([]);
    expect(m).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 50,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
    expect(m.FunctionArn).toMatch(new RegExp(`:function:${fn}:(live|1)$`));

    const [r, ...others] = await rules();
    expect(others).toEqual([]);
    expect(r).toMatchObject({ Name: rule, EventBusName: bus, State: 'ENABLED', Description: 'new orders' });
    expect(r.ScheduleExpression).toBeUndefined();
    expect(JSON.parse(r.EventPattern ?? '')).toEqual({ 'detail-type': ['created'], source: ['shop.orders'] });
    const targets = await events().send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }));
    expect(targets.Targets?.map((t) => [t.Id, t.Arn])).toEqual([['live', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}:live`]]);
    // The permission names the rule on its bus (rule/<bus>/<name>), not a rule of that name on the default bus.
    const policy = JSON.parse((await lambda().send(new GetPolicyCommand({ FunctionName: fn, Qualifier: 'live' }))).Policy ?? '{}');
    const statement = policy.Statement.find((s: { Sid: string }) => s.Sid === `ops-rule-${rule}`);
    expect(statement.Condition.ArnLike['AWS:SourceArn']).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus}/${rule}`);
  });

  it('grants the role exactly the stream reads on the table stream ARN and the send to the failure queue', async () => {
    const policy = await new IAMClient(emu.clientConfig).send(new GetRolePolicyCommand({ RoleName: fn, PolicyName: 'ops-function' }));
    const statements = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement as { Sid: string; Resource: unknown }[];
    expect(statements.find((s) => s.Sid === 'OpsDynamodbStreams')).toEqual({
      Sid: 'OpsDynamodbStreams',
      Effect: 'Allow',
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/stream/*`,
    });
    expect(statements.find((s) => s.Sid === 'OpsDynamodbStreamsOnFailureSqs')).toEqual({
      Sid: 'OpsDynamodbStreamsOnFailureSqs',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: dlq,
    });
    expect(statements.filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))).toEqual([]);
  });

  it('a second plan is empty', async () => {
    const plan = await ops(['plan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  });

  it('one changed setting of each is one update in place', async () => {
    const uuid = (await mappings())[0].UUID;
    await edit(`${dir}/ops.config.ts`, (t) =>
      t.replace('batchSize: 50', 'batchSize: 20').replace("description: 'new orders'", "description: 'orders'"),
    );
    expect((await planIds()).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: `eventsource.update:${table}:${fn}`, fields: [{ field: 'batchSize', from: '50', to: '20' }] },
      { id: `schedule.update:${rule}`, fields: [{ field: 'description', from: "'new orders'", to: "'orders'" }] },
    ]);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect((await mappings()).map((m) => [m.UUID, m.BatchSize])).toEqual([[uuid, 20]]);
    expect((await rules()).map((r) => r.Description)).toEqual(['orders']);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('removing both triggers deletes the mapping, the rule on its bus and its permission', async () => {
    const uuid = (await mappings())[0].UUID;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(/triggers: \[[\s\S]*?\n {6}\],\n/, ''));
    expect((await planIds()).map((c) => c.id).sort()).toEqual([
      `eventsource.delete:${uuid}`,
      // The rule's statement was the last on live: the marker that has the reader ask for the policy goes after it.
      `function.tag:${fn}`,
      `role.update:${fn}`,
      `schedule.delete:${bus}/${rule}`,
    ]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await mappings()).toEqual([]);
    expect(await rules()).toEqual([]);
    const policy = await lambda()
      .send(new GetPolicyCommand({ FunctionName: fn, Qualifier: 'live' }))
      .then((p) => JSON.parse(p.Policy ?? '{}').Statement ?? [])
      .catch(() => []);
    expect(policy.filter((s: { Sid: string }) => s.Sid.startsWith('ops-rule-'))).toEqual([]);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('AWS refuses a stream mapping until the new grant of the role is seen: waited for; settings cleared in place', async () => {
    // Moto checks no grant: the proxy answers the first two creates as AWS does for a role whose grant is new.
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'lambda', operation: 'CreateEventSourceMapping' },
      times: 2,
      respond: faults.awsError({
        code: 'InvalidParameterValueException',
        message: 'The provided execution role does not have permissions to call DescribeStream on DynamoDB',
      }),
    });
    const aws = awsFor(proxy.env);
    const settings = {
      startingPosition: 'LATEST' as const,
      batchSize: 10,
      batchWindowSeconds: 1,
      filters: ['{"eventName":["MODIFY"]}'],
      bisectOnError: false,
      retryAttempts: 2,
      maxRecordAgeSeconds: 120,
      onFailure: dlq,
    };
    const uuid = await createStreamMapping(aws, table, fn, settings);
    const statuses = proxy.requests.filter((r) => r.operation === 'CreateEventSourceMapping').map((r) => r.status);
    expect(statuses).toEqual([400, 400, 201]);
    const [m] = await listStreamMappings(aws, streamArn);
    expect(m).toEqual({ uuid, streamArn, table, functionName: fn, state: 'Enabled', ...settings });
    await updateStreamMapping(aws, uuid, { ...settings, filters: [], onFailure: undefined });
    const [cleared] = await listStreamMappings(aws, streamArn);
    expect([cleared.filters, cleared.onFailure]).toEqual([[], undefined]);
    await deleteQueueMapping(aws, uuid);
    expect(await listStreamMappings(aws, streamArn)).toEqual([]);
    aws.destroy();
  });
});
