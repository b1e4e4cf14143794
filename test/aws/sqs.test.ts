import { describe, expect, it } from 'vitest';
import { createQueue, deleteQueue, getQueueUrl, readQueues, retagQueue, setQueueAttributes } from '../../src/aws/sqs.js';
import { UserError } from '../../src/errors.js';
import type { QueueAttributes } from '../../src/model/queue.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, unique } from './helpers.js';

const emu = useEmulator();

const ACCOUNT = '123456789012';
const base: QueueAttributes = {
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 345600,
  encryption: 'sqs',
};
const ours = (app: string, key: string) => ({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': key });

/**
 * The queue calls against moto. Where moto differs from AWS the test says so: moto replaces the tags of an
 * existing queue on an identical CreateQueue (AWS answers its URL and leaves it as it is), which the proxy plays.
 */
describe('SQS queues', () => {
  it('creates with every managed attribute, reads back owned, unowned and foreign apart, updates in place, deletes', async () => {
    const aws = awsFor(emu.env);
    const app = unique('q');
    const dlq = `${app}-dev-dead.fifo`;
    await createQueue(aws, dlq, { ...base, fifo: true, retentionSeconds: 1209600 }, ours(app, 'dead'));
    const work: QueueAttributes = {
      ...base,
      fifo: true,
      contentBasedDeduplication: true,
      visibilityTimeoutSeconds: 90,
      encryption: 'kms',
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc`,
      deadLetter: { targetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${dlq}`, maxReceiveCount: 3 },
    };
    const url = await createQueue(aws, `${app}-dev-work.fifo`, work, ours(app, 'work'));
    expect(url).toMatch(new RegExp(`/${app}-dev-work\\.fifo$`));
    // Not ours: one with a declared name (given by the config), one found by the prefix.
    const sqs = await aws.sqs();
    await sqs.createQueue({ QueueName: `${app}-legacy`, tags: { team: 'data' } });
    await sqs.createQueue({ QueueName: `${app}-dev-stray` });

    const { queues, foreign } = await readQueues(aws, { app, stage: 'dev' }, [`${app}-dev-work.fifo`, `${app}-legacy`]);
    expect(Object.keys(queues.owned).sort()).toEqual([dlq, `${app}-dev-work.fifo`]);
    expect(queues.owned[`${app}-dev-work.fifo`]).toMatchObject({
      url,
      arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${app}-dev-work.fifo`,
      attributes: work,
    });
    expect(queues.owned[dlq].attributes).toEqual({ ...base, fifo: true, retentionSeconds: 1209600 });
    expect(Object.keys(queues.unowned)).toEqual([`${app}-legacy`]);
    expect(foreign).toEqual([{ type: 'sqs queue', name: `${app}-dev-stray`, reason: 'no ops:app/ops:stage tags' }]);

    const changed: QueueAttributes = { ...work, visibilityTimeoutSeconds: 120, encryption: 'sqs', deadLetter: undefined };
    await setQueueAttributes(aws, url, changed, ['visibilityTimeoutSeconds', 'encryption', 'deadLetter']);
    await retagQueue(aws, url, { team: 'core' }, ['ops:resource']);
    const again = (await readQueues(aws, { app, stage: 'dev' }, [])).queues.owned[`${app}-dev-work.fifo`];
    const { deadLetter: _gone, kmsKeyArn: _kms, ...expected } = changed;
    expect(again.attributes).toEqual(expected);
    expect(again.tags).toEqual({ 'ops:app': app, 'ops:stage': 'dev', team: 'core' });

    await deleteQueue(aws, `${app}-dev-work.fifo`);
    expect(await getQueueUrl(aws, `${app}-dev-work.fifo`)).toBeUndefined();
    await deleteQueue(aws, `${app}-dev-work.fifo`); // already gone: fine
    aws.destroy();
  });

  it('a CreateQueue whose answer was lost is sent again and answered with the same queue', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique('q');
    proxy.addFault({ match: { service: 'sqs', operation: 'CreateQueue' }, times: 1, respond: faults.dropResponse() });
    const url = await createQueue(aws, `${app}-dev-jobs`, base, ours(app, 'jobs'));
    // The first was applied and its answer lost (status 0); the resend finds the queue as sent.
    expect(proxy.requests.filter((r) => r.operation === 'CreateQueue').map((r) => r.status)).toEqual([0, 200]);
    expect(url).toMatch(new RegExp(`/${app}-dev-jobs$`));
    expect(Object.keys((await readQueues(aws, { app, stage: 'dev' }, [])).queues.owned)).toEqual([`${app}-dev-jobs`]);
    aws.destroy();
  });

  it('a create meeting its own queue with other attributes (QueueAlreadyExists, or AWS’s QueueNameExists) sets them', async () => {
    const aws = awsFor(emu.env);
    const app = unique('q');
    const name = `${app}-dev-jobs`;
    await createQueue(aws, name, base, ours(app, 'jobs'));
    // Moto answers QueueAlreadyExists itself.
    await createQueue(aws, name, { ...base, visibilityTimeoutSeconds: 60 }, ours(app, 'jobs'));
    expect((await readQueues(aws, { app, stage: 'dev' }, [])).queues.owned[name].attributes.visibilityTimeoutSeconds).toBe(60);
    // The query protocol's code, played by the proxy.
    const proxy = await emu.proxy();
    const via = awsFor(proxy.env);
    proxy.addFault({
      match: { service: 'sqs', operation: 'CreateQueue' },
      times: 1,
      respond: faults.awsError({
        code: 'QueueNameExists',
        message: 'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
      }),
    });
    await createQueue(via, name, { ...base, visibilityTimeoutSeconds: 90 }, ours(app, 'jobs'));
    expect((await readQueues(aws, { app, stage: 'dev' }, [])).queues.owned[name].attributes.visibilityTimeoutSeconds).toBe(90);
    aws.destroy();
    via.destroy();
  });

  it('a queue made by someone else between the plan and the create is not taken over', async () => {
    const aws = awsFor(emu.env);
    const app = unique('q');
    const name = `${app}-dev-jobs`;
    const sqs = await aws.sqs();
    const theirs = (await sqs.createQueue({ QueueName: name, tags: { team: 'data' } })).QueueUrl!;
    // With other attributes: QueueAlreadyExists, and the queue's tags say it is not ours.
    await expect(createQueue(aws, name, { ...base, visibilityTimeoutSeconds: 60 }, ours(app, 'jobs'))).rejects.toThrow(UserError);
    // With identical attributes AWS answers the existing URL and leaves the queue's tags alone (moto would
    // overwrite them: the proxy answers as AWS does).
    const proxy = await emu.proxy();
    const via = awsFor(proxy.env);
    proxy.addFault({
      match: { service: 'sqs', operation: 'CreateQueue' },
      times: 1,
      respond: faults.raw(200, JSON.stringify({ QueueUrl: theirs }), { 'content-type': 'application/x-amz-json-1.0' }),
    });
    await expect(createQueue(via, name, base, ours(app, 'jobs'))).rejects.toThrow(/created by someone else/);
    expect((await sqs.listQueueTags({ QueueUrl: theirs })).Tags).toEqual({ team: 'data' });
    const a = (await sqs.getQueueAttributes({ QueueUrl: theirs, AttributeNames: ['VisibilityTimeout'] })).Attributes;
    expect(a?.VisibilityTimeout).toBe('30');
    aws.destroy();
    via.destroy();
  });
});
