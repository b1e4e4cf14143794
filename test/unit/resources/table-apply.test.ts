import { describe, expect, it } from 'vitest';
import type { Aws } from '../../../src/aws/clients.js';
import { retryPolicy } from '../../../src/aws/retry.js';
import type { TableSpec } from '../../../src/config/resources.js';
import { applySteps } from '../../../src/resources/table/index.js';
import type { TableSteps } from '../../../src/resources/table/plan.js';

/** A DynamoDB client that records each write and answers DescribeTable with an ACTIVE table. */
function recordingAws() {
  const writes: [string, unknown][] = [];
  const record = (op: string) => async (input: unknown) => {
    writes.push([op, input]);
    return {};
  };
  const db = {
    describeTable: async ({ TableName }: { TableName: string }) => ({
      Table: { TableName, TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], GlobalSecondaryIndexes: [] },
    }),
    updateTable: record('UpdateTable'),
    updateTimeToLive: record('UpdateTimeToLive'),
    updateContinuousBackups: record('UpdateContinuousBackups'),
    tagResource: record('TagResource'),
    untagResource: record('UntagResource'),
  };
  const retry = retryPolicy({ sleep: async () => {}, jitter: (ms) => ms, readyPollMs: [1], readyTimeoutMs: 1_000 });
  const aws = { dynamodb: async () => db, write: (fn: () => Promise<unknown>) => fn(), retry } as unknown as Aws;
  return { aws, writes };
}

const spec: TableSpec = {
  type: 'table',
  key: 'alerts',
  physicalName: 'tasks-dev-alerts',
  removal: 'retain',
  adopt: false,
  tags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:resource': 'alerts' },
  partitionKey: { name: 'pk', type: 'S' },
  billing: 'PROVISIONED',
  capacity: { read: 5, write: 2 },
  indexes: [
    { name: 'kept', partitionKey: { name: 'status', type: 'S' }, projection: 'ALL' },
    { name: 'added', partitionKey: { name: 'owner', type: 'N' }, projection: 'KEYS_ONLY' },
  ],
  stream: 'NEW_IMAGE',
  ttlAttribute: 'b',
  pointInTimeRecovery: true,
  deletionProtection: false,
};

/**
 * The writes of an in-place table update, in order. Moto refuses a new stream once one was disabled (its
 * stream label survives; AWS allows it), so the stream's off-then-on sequence is pinned here rather than there.
 */
describe('table update steps', () => {
  it('removes, bills, adds one index per call, switches the stream off then on, then TTL, PITR and tags', async () => {
    const { aws, writes } = recordingAws();
    const steps: TableSteps = {
      removeIndexes: ['old'],
      billing: true,
      indexCapacity: ['kept'],
      addIndexes: [spec.indexes[1]],
      stream: { from: 'KEYS_ONLY', to: 'NEW_IMAGE' },
      deletionProtection: true,
      ttl: { from: 'a', to: 'b' },
      pointInTimeRecovery: true,
      addTags: { team: 'ops' },
      removeTags: ['old'],
    };
    await applySteps(aws, spec.physicalName, 'arn:table', spec, steps);
    const throughput = { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 } };
    const T = { TableName: spec.physicalName };
    expect(writes).toEqual([
      ['UpdateTable', { ...T, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'old' } }] }],
      [
        'UpdateTable',
        {
          ...T,
          BillingMode: 'PROVISIONED',
          ...throughput,
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'kept', ...throughput } }],
        },
      ],
      [
        'UpdateTable',
        {
          ...T,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'status', AttributeType: 'S' },
            { AttributeName: 'owner', AttributeType: 'N' },
          ],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: 'added',
                KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'KEYS_ONLY' },
                ...throughput,
              },
            },
          ],
        },
      ],
      ['UpdateTable', { ...T, StreamSpecification: { StreamEnabled: false } }],
      ['UpdateTable', { ...T, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }],
      ['UpdateTable', { ...T, DeletionProtectionEnabled: true }],
      ['UpdateTimeToLive', { ...T, TimeToLiveSpecification: { AttributeName: 'a', Enabled: false } }],
      ['UpdateTimeToLive', { ...T, TimeToLiveSpecification: { AttributeName: 'b', Enabled: true } }],
      ['UpdateContinuousBackups', { ...T, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
      ['UntagResource', { ResourceArn: 'arn:table', TagKeys: ['old'] }],
      ['TagResource', { ResourceArn: 'arn:table', Tags: [{ Key: 'team', Value: 'ops' }] }],
    ]);
  });

  it('an update with nothing but tags writes only the tags', async () => {
    const { aws, writes } = recordingAws();
    const none: TableSteps = { removeIndexes: [], billing: false, indexCapacity: [], addIndexes: [], addTags: { a: '1' }, removeTags: [] };
    await applySteps(aws, spec.physicalName, 'arn:table', spec, none);
    expect(writes.map(([op]) => op)).toEqual(['TagResource']);
  });
});
