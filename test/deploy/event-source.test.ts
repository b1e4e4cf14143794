import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const ACCOUNT = '123456789012';

/**
 * SQS → function event source mappings (issue 14 item 3, the SQS part): `triggers: [{ sqs: '<queue key>' }]`
 * makes a mapping on `live` with ReportBatchItemFailures on by default, the role gets exactly the grants to poll
 * that queue, a second plan is empty, a setting changes in place, removing the trigger deletes the mapping.
 * Moto reports the mapping's FunctionArn with the version `live` points at (AWS keeps `:live`): ops reads the name only.
 */
describe('ops deploy: SQS triggers', () => {
  const emu = useEmulator();
  const app = uniqueApp('esm');
  const queueName = `${app}-dev-jobs`;
  const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${queueName}`;
  const fn = `${app}-dev-worker`;
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const mappings = async () =>
    (await new LambdaClient(emu.clientConfig).send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }))).EventSourceMappings ??
    [];

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/worker/handler.ts': 'export const handler = async () => ({ batchItemFailures: [] });\n' },
      `  resources: { jobs: { type: 'queue', visibilityTimeout: 180 } },
  functions: {
    worker: { handler: 'src/worker/handler.ts', timeout: 30, triggers: [{ sqs: 'jobs', batchSize: 5, batchWindow: 2, maxConcurrency: 4 }] },
  },`,
    );
  });

  it('a visibility timeout shorter than the function timeout is one line, before any write', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('timeout: 30,', 'timeout: 200,'));
    const d = await ops(['deploy', '--yes']);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toContain(
      "functions.worker.triggers.0.sqs: queue jobs's visibilityTimeout (180s) is shorter than the function's timeout (200s): set it to at least 1200",
    );
    expect(await mappings()).toEqual([]);
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('timeout: 200,', 'timeout: 30,'));
  });

  it('creates the queue, the grants and the mapping on live; a second plan is empty', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const [m, ...more] = await mappings();
    expect(more).toEqual([]);
    expect(m).toMatchObject({
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      State: 'Enabled',
    });
    // AWS reports `…:function:<name>:live`; moto resolves the alias to its version (`:1`).
    expect(m.FunctionArn).toMatch(new RegExp(`:function:${fn}:(live|1)$`));
    const policy = await new IAMClient(emu.clientConfig).send(new GetRolePolicyCommand({ RoleName: fn, PolicyName: 'ops-function' }));
    const statements = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement as {
      Sid: string;
      Action: string[];
      Resource: string;
    }[];
    expect(statements.find((s) => s.Sid === 'OpsSqsTriggers')).toEqual({
      Sid: 'OpsSqsTriggers',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: queueArn,
    });
    // A message sent to the queue reaches the function through the mapping: moto invokes it at once and, the
    // invocation succeeding, deletes the message (AWS polls within seconds; the effect is the same).
    const sqs = new SQSClient(emu.clientConfig);
    const QueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ job: 1 }) }));
    const left = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(left.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    const again = await ops(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
    // 180 s is under 6 × 30 s only if the timeout grows: no warning now.
    expect(again.stderr).not.toContain('visibility timeout');
  });

  it('changes the batch size in place, then removing the trigger deletes exactly the mapping', async () => {
    const uuid = (await mappings())[0].UUID;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('batchSize: 5', 'batchSize: 8'));
    const plan = await ops(['plan', '--json']);
    const changes = JSON.parse(plan.stdout).changes as { id: string; fields: unknown[] }[];
    expect(changes.map((c) => c.id)).toEqual([`eventsource.update:${queueName}:${fn}`]);
    expect(changes[0].fields).toEqual([{ field: 'batchSize', from: '5', to: '8' }]);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect((await mappings()).map((m) => [m.UUID, m.BatchSize])).toEqual([[uuid, 8]]);

    await edit(`${dir}/ops.config.ts`, (t) => t.replace(/, triggers: \[[^\]]*\]/, ''));
    const removal = await ops(['plan', '--json']);
    const ids = (JSON.parse(removal.stdout).changes as { id: string }[]).map((c) => c.id).sort();
    expect(ids).toEqual([`eventsource.delete:${uuid}`, `role.update:${fn}`]);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect(await mappings()).toEqual([]);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });
});
