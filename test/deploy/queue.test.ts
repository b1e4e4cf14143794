import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const HANDLER = { 'src/worker/handler.ts': 'export const handler = async () => ({ ok: true });\n' };
const ACCOUNT = '123456789012';

/**
 * SQS queues declared in `resources` (issue 14, items 1, 4 and 5): a queue with its dead-letter queue deployed
 * and read back with the SDK, planned again with no changes, changed in place, kept by `ops destroy` unless
 * `removal: 'destroy'`; an existing queue not made by ops stops the plan before any write, and `adopt: true`
 * tags it without recreating it.
 */
describe('ops deploy: SQS queues', () => {
  const emu = useEmulator();
  const sqs = () => new SQSClient(emu.clientConfig);
  const lambda = () => new LambdaClient(emu.clientConfig);
  const urlOf = (name: string) =>
    sqs()
      .send(new GetQueueUrlCommand({ QueueName: name }))
      .then((r) => r.QueueUrl)
      .catch((e: Error) => (/NonExistentQueue|QueueDoesNotExist/.test(e.name) ? undefined : Promise.reject(e)));
  const attributes = async (name: string) =>
    (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(name), AttributeNames: ['All'] }))).Attributes ?? {};
  const tags = async (name: string) => (await sqs().send(new ListQueueTagsCommand({ QueueUrl: await urlOf(name) }))).Tags ?? {};
  const functionExists = (name: string) =>
    lambda()
      .send(new GetFunctionCommand({ FunctionName: name }))
      .then(() => true)
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? false : Promise.reject(e)));

  describe('a queue with its dead-letter queue', () => {
    const app = uniqueApp('queue');
    const jobs = `${app}-dev-jobs`;
    const dlq = `${app}-dev-jobs-dlq`;
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: {
    jobs: { type: 'queue', visibilityTimeout: 120, deadLetter: { queue: 'jobs-dlq', maxReceiveCount: 4 } },
    'jobs-dlq': { type: 'queue', retention: 1209600 },
  },
  functions: { worker: { handler: 'src/worker/handler.ts' } },`,
      );
    });

    it('creates both, the redrive policy naming the dead-letter queue, and plans nothing after', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const a = await attributes(jobs);
      expect(a).toMatchObject({ VisibilityTimeout: '120', MessageRetentionPeriod: '345600', SqsManagedSseEnabled: 'true' });
      expect(JSON.parse(a.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${dlq}`,
        maxReceiveCount: 4,
      });
      expect(await attributes(dlq)).toMatchObject({ MessageRetentionPeriod: '1209600', VisibilityTimeout: '30' });
      expect(await tags(jobs)).toMatchObject({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'jobs' });
      expect((await tags(dlq))['ops:removal']).toBeUndefined();
      const again = await ops(['plan']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes');
    });

    it('changes the visibility timeout in place: same queue, one update', async () => {
      const before = await urlOf(jobs);
      await edit(`${dir}/ops.config.ts`, (t) => t.replace('visibilityTimeout: 120', 'visibilityTimeout: 300'));
      const plan = await ops(['plan', '--json']);
      const changes = JSON.parse(plan.stdout).changes as { id: string; fields: unknown[] }[];
      expect(changes.map((c) => c.id)).toEqual([`queue.update:${jobs}`]);
      expect(changes[0].fields).toEqual([{ field: 'visibilityTimeout', from: '120s', to: '300s' }]);
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(await urlOf(jobs)).toBe(before);
      expect((await attributes(jobs)).VisibilityTimeout).toBe('300');
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });

    it('ops destroy removes the function and keeps both queues (holds data)', async () => {
      const d = await ops(['destroy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stderr).toContain(`queue ${jobs}: kept (holds data)`);
      expect(d.stderr).toContain(`queue ${dlq}: kept (holds data)`);
      expect(await functionExists(`${app}-dev-worker`)).toBe(false);
      expect(await urlOf(jobs)).toBeDefined();
      expect(await urlOf(dlq)).toBeDefined();
    });

    it("with removal: 'destroy' deployed, ops destroy deletes them", async () => {
      await edit(`${dir}/ops.config.ts`, (t) =>
        t
          .replace("type: 'queue', visibilityTimeout", "type: 'queue', removal: 'destroy', visibilityTimeout")
          .replace("type: 'queue', retention", "type: 'queue', removal: 'destroy', retention"),
      );
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect((await tags(jobs))['ops:removal']).toBe('destroy');
      const gone = await ops(['destroy', '--yes']);
      expect(gone.code, gone.stderr).toBe(0);
      expect(await urlOf(jobs)).toBeUndefined();
      expect(await urlOf(dlq)).toBeUndefined();
    });
  });

  it('a fleet that declares no resources makes no SQS call and lists no event source mapping, on a deploy or a no-op deploy', async () => {
    const dir = await fleetDir(uniqueApp('qnone'), HANDLER, "  functions: { worker: { handler: 'src/worker/handler.ts' } },");
    const proxy = await emu.proxy();
    for (let i = 0; i < 2; i++) {
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(d.code, d.stderr).toBe(0);
    }
    expect(proxy.requests.some((r) => r.service === 'lambda')).toBe(true);
    expect(proxy.requests.filter((r) => r.service === 'sqs' || r.operation === 'ListEventSourceMappings')).toEqual([]);
  });

  describe('a queue that exists and is not ops’s', () => {
    const app = uniqueApp('qadopt');
    const legacy = `${app}-dev-legacy`;
    let dir: string;
    let url: string | undefined;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      url = (
        await sqs().send(new CreateQueueCommand({ QueueName: legacy, Attributes: { VisibilityTimeout: '45' }, tags: { team: 'data' } }))
      ).QueueUrl;
      await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'still here' }));
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: { legacy: { type: 'queue', visibilityTimeout: 60 } },
  functions: { worker: { handler: 'src/worker/handler.ts' } },`,
      );
    });

    it('stops the plan before any write', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code).not.toBe(0);
      expect(d.stderr).toContain(`queue legacy: ${legacy} exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed`);
      expect(d.stderr).toContain('adopt: true');
      expect(await functionExists(`${app}-dev-worker`)).toBe(false);
      expect(await tags(legacy)).toEqual({ team: 'data' });
      expect((await attributes(legacy)).VisibilityTimeout).toBe('45');
    });

    it('adopt: true tags it and brings it to the config: same URL, the message still there', async () => {
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("type: 'queue',", "type: 'queue', adopt: true,"));
      const plan = await ops(['plan', '--json']);
      const ids = (JSON.parse(plan.stdout).changes as { id: string }[]).map((c) => c.id);
      expect(ids).toContain(`queue.adopt:${legacy}`);
      expect(ids.some((id) => id.startsWith('queue.create'))).toBe(false);
      const adopt = (JSON.parse(plan.stdout).changes as { id: string; fields: unknown[] }[]).find((c) => c.id === `queue.adopt:${legacy}`);
      expect(adopt?.fields).toContainEqual({ field: 'visibilityTimeout', from: '45s', to: '60s' });
      // `team` was put on by hand and the config does not name it: kept, so not a change.
      expect(adopt?.fields).not.toContainEqual(expect.objectContaining({ field: 'tag.team' }));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(await urlOf(legacy)).toBe(url);
      // ops's tags are added; the hand-made `team` stays.
      expect(await tags(legacy)).toEqual({ team: 'data', 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'legacy' });
      const a = await attributes(legacy);
      expect(a.VisibilityTimeout).toBe('60');
      expect(a.ApproximateNumberOfMessages).toBe('1');
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });
  });
});
