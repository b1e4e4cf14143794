import { describe, expect, it } from 'vitest';
import { createQueueMapping, deleteQueueMapping, listQueueMappings, updateQueueMapping } from '../../src/aws/event-source.js';
import { publishVersionAndMoveAlias } from '../../src/aws/lambda-alias.js';
import { createQueue } from '../../src/aws/sqs.js';
import { createFunction, createRole } from '../../src/aws/write.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

/**
 * SQS event source mappings on `live` against moto. Moto never answers a second CreateEventSourceMapping for
 * the same queue and function with a conflict (it makes a second mapping; AWS answers ResourceConflictException),
 * and does not check the role's grants (AWS answers InvalidParameterValueException until a new grant is seen):
 * the proxy plays both as AWS answers them.
 */
describe('SQS event source mappings', () => {
  const settings = { batchSize: 5, batchWindowSeconds: 2, reportBatchItemFailures: true };
  const calls = (proxy: { requests: readonly { operation: string; status?: number }[] }, op: string) =>
    proxy.requests.filter((r) => r.operation === op).map((r) => r.status);

  async function fixture(env: Record<string, string | undefined>) {
    const aws = awsFor(env);
    const app = unique('esm');
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'f'));
    const zip = await makeZip();
    const name = `${app}-dev-f`;
    await createFunction(aws, { name, config: functionConfig(arn), zipPath: zip.zipPath, tags: { 'ops:app': app, 'ops:stage': 'dev' } });
    await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
    const qs = {
      fifo: false,
      contentBasedDeduplication: false,
      visibilityTimeoutSeconds: 180,
      retentionSeconds: 345600,
      encryption: 'sqs' as const,
    };
    await createQueue(aws, `${app}-dev-jobs`, qs, { 'ops:app': app, 'ops:stage': 'dev' });
    return { aws, name, queueArn: `arn:aws:sqs:us-east-1:123456789012:${app}-dev-jobs` };
  }

  it('created on live with its settings, read back, updated in place, deleted', async () => {
    const { aws, name, queueArn } = await fixture(emu.env);
    const uuid = await createQueueMapping(aws, queueArn, name, { ...settings, maxConcurrency: 3 });
    expect(await listQueueMappings(aws, queueArn)).toEqual([
      { uuid, queueArn, functionName: name, state: 'Enabled', ...settings, maxConcurrency: 3 },
    ]);
    await updateQueueMapping(aws, uuid, { ...settings, batchSize: 9, reportBatchItemFailures: false });
    expect(await listQueueMappings(aws, queueArn)).toMatchObject([{ uuid, batchSize: 9, reportBatchItemFailures: false }]);
    await deleteQueueMapping(aws, uuid);
    expect(await listQueueMappings(aws, queueArn)).toEqual([]);
    await deleteQueueMapping(aws, uuid); // already gone: fine
    aws.destroy();
  });

  it('a grant not yet seen by Lambda is waited for', async () => {
    const proxy = await emu.proxy();
    const { aws, name, queueArn } = await fixture(proxy.env);
    proxy.addFault({
      match: { service: 'lambda', operation: 'CreateEventSourceMapping' },
      times: 2,
      respond: faults.awsError({
        code: 'InvalidParameterValueException',
        message: 'The provided execution role does not have permissions to call ReceiveMessage on SQS',
      }),
    });
    await createQueueMapping(aws, queueArn, name, settings);
    expect(calls(proxy, 'CreateEventSourceMapping')).toEqual([400, 400, 201]);
    expect(await listQueueMappings(aws, queueArn)).toHaveLength(1);
    aws.destroy();
  });

  it("create's answer lost, the SDK resends, AWS answers ResourceConflict: the mapping is found and set; one mapping", async () => {
    const proxy = await emu.proxy();
    const { aws, name, queueArn } = await fixture(proxy.env);
    const op = { service: 'lambda', operation: 'CreateEventSourceMapping' };
    proxy.addFault({ match: op, times: 1, respond: faults.dropResponse() });
    proxy.addFault({
      match: op,
      times: 1,
      respond: faults.resourceConflict(`An event source mapping with SQS arn (" ${queueArn} ") and function (" ${name} ") already exists.`),
    });
    const uuid = await createQueueMapping(aws, queueArn, name, settings);
    expect(calls(proxy, 'CreateEventSourceMapping')).toEqual([0, 409]);
    expect((await listQueueMappings(aws, queueArn)).map((m) => m.uuid)).toEqual([uuid]);
    aws.destroy();
  });
});
