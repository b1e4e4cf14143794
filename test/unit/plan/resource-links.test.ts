import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import type { PolicyStatement } from '../../../src/model/actual.js';
import { desiredConfiguration } from '../../../src/resources/function/plan.js';
import { resourceEnvironment, resourceStatements } from '../../../src/resources/links.js';
import { desiredRole, expectedGrants } from '../../../src/resources/role/plan.js';

const ACCOUNT = '123456789012';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1111-2222';

const resources = {
  alerts: { type: 'table', partitionKey: 'id', indexes: { byStatus: { partitionKey: 'status' } } },
  plain: { type: 'table', partitionKey: 'id' },
  files: { type: 'bucket', kmsKeyArn: KEY },
  jobs: { type: 'queue' },
  orders: { type: 'queue', fifo: true, kmsKeyArn: KEY },
  events: { type: 'topic' },
  'api-keys': { type: 'secret', name: 'cloudops/api-keys', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/secrets' },
};

function fleetWith(uses: Record<string, string> | undefined, region = 'eu-west-1') {
  const cfg = fleetSchema.parse({
    app: 'shop',
    region,
    resources,
    functions: { api: { handler: 'src/a/handler.ts', ...(uses ? { uses } : {}) } },
  });
  const fleet = resolveFleet(cfg, { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: () => true });
  return { fleet, fn: fleet.functions[0] };
}

const statements = (uses: Record<string, string>, region?: string) => {
  const { fleet, fn } = fleetWith(uses, region);
  return resourceStatements(fleet, fn, ACCOUNT);
};

describe('resource links: environment', () => {
  it('puts each used resource’s name, URL or ARN in its documented variable', () => {
    const { fleet, fn } = fleetWith({
      alerts: 'read',
      files: 'write',
      jobs: 'send',
      events: 'publish',
      'api-keys': 'read',
      orders: 'consume',
    });
    expect(resourceEnvironment(fleet, fn, ACCOUNT)).toEqual({
      ALERTS_TABLE: 'shop-dev-alerts',
      API_KEYS_SECRET_NAME: 'cloudops/api-keys',
      EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:shop-dev-events',
      FILES_BUCKET: 'shop-dev-files',
      JOBS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs',
      ORDERS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-orders.fifo',
    });
  });

  it('reaches the function’s desired configuration beside the config’s own variables', () => {
    const { fleet, fn } = fleetWith({ jobs: 'send' });
    expect(desiredConfiguration(fleet, fn, ACCOUNT).environment).toEqual({
      OPS_APP: 'shop',
      OPS_STAGE: 'dev',
      JOBS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-jobs',
    });
  });

  it('China regions: SQS URLs end in .com.cn and ARNs are in the aws-cn partition', () => {
    const { fleet, fn } = fleetWith({ jobs: 'send', events: 'publish' }, 'cn-north-1');
    expect(resourceEnvironment(fleet, fn, ACCOUNT)).toMatchObject({
      JOBS_QUEUE_URL: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/shop-dev-jobs',
      EVENTS_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:123456789012:shop-dev-events',
    });
  });

  it('without uses: no variable and no statement, so existing fleets plan as before', () => {
    const { fleet, fn } = fleetWith(undefined);
    expect(resourceEnvironment(fleet, fn, ACCOUNT)).toEqual({});
    expect(resourceStatements(fleet, fn, ACCOUNT)).toEqual([]);
    expect(expectedGrants(fleet, fn, ACCOUNT).map((s) => s.Sid)).toEqual(['OpsLogs']);
  });
});

describe('resource links: least-privilege statements', () => {
  const table = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-alerts';

  it('table read: the read actions on the table and its indexes, exactly', () => {
    expect(statements({ alerts: 'read' })).toEqual([
      {
        Sid: 'OpsUseAlerts',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'],
        Resource: [table, `${table}/index/*`],
      },
    ]);
  });

  it('table write: the write actions on the table only; readwrite both; a table without indexes gets no index ARN', () => {
    expect(statements({ alerts: 'write' })).toEqual([
      {
        Sid: 'OpsUseAlerts',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Resource: [table],
      },
    ]);
    const [rw] = statements({ alerts: 'readwrite' });
    expect(rw.Action).toHaveLength(9);
    expect(statements({ plain: 'read' })[0].Resource).toEqual(['arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-plain']);
  });

  it('bucket: ListBucket on the bucket, objects on bucket/*, and its KMS key', () => {
    expect(statements({ files: 'readwrite' })).toEqual([
      { Sid: 'OpsUseFilesList', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::shop-dev-files' },
      {
        Sid: 'OpsUseFilesObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::shop-dev-files/*',
      },
      { Sid: 'OpsUseFilesKms', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY },
    ]);
    expect(statements({ files: 'read' }).map((s) => s.Action)).toEqual([['s3:ListBucket'], ['s3:GetObject'], ['kms:Decrypt']]);
  });

  it('queue send and consume; topic publish; secret read by its ARN with the random suffix', () => {
    expect(statements({ jobs: 'send' })).toEqual([
      {
        Sid: 'OpsUseJobs',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: 'arn:aws:sqs:eu-west-1:123456789012:shop-dev-jobs',
      },
    ]);
    expect(statements({ orders: 'consume' })).toEqual([
      {
        Sid: 'OpsUseOrders',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: 'arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders.fifo',
      },
      { Sid: 'OpsUseOrdersKms', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY },
    ]);
    expect(statements({ events: 'publish' })).toEqual([
      { Sid: 'OpsUseEvents', Effect: 'Allow', Action: ['sns:Publish'], Resource: 'arn:aws:sns:eu-west-1:123456789012:shop-dev-events' },
    ]);
    expect(statements({ 'api-keys': 'read' })).toEqual([
      {
        Sid: 'OpsUseApiKeys',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cloudops/api-keys-??????',
      },
      {
        Sid: 'OpsUseApiKeysKms',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/secrets' } },
      },
    ]);
  });

  it('no statement of any use names a wildcard resource, but for a key matched by its alias (under a condition)', () => {
    const all = statements({
      alerts: 'readwrite',
      files: 'readwrite',
      jobs: 'send',
      orders: 'consume',
      events: 'publish',
      'api-keys': 'read',
    });
    const wild = all.filter((s) => [s.Resource ?? []].flat().some((r) => r === '*' || r.endsWith(':*') || r.endsWith('key/*')));
    expect(wild.map((s) => [s.Sid, s.Condition !== undefined])).toEqual([['OpsUseApiKeysKms', true]]);
    expect(new Set(all.map((s) => s.Sid)).size).toBe(all.length);
  });

  it('reaches the role’s policy after ops’s own grants', () => {
    const { fleet, fn } = fleetWith({ events: 'publish' });
    const role = desiredRole(fleet, fn, ACCOUNT);
    expect(((role?.policy.Statement ?? []) as PolicyStatement[]).map((s) => s.Sid)).toEqual(['OpsLogs', 'OpsUseEvents']);
  });
});
