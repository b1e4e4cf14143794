import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import type { BucketSpec, QueueSpec, TableSpec, TopicSpec } from '../../../src/config/resources.js';
import { fleetSchema } from '../../../src/config/schema.js';
import { validateFleet } from '../../../src/config/validate.js';

const opts = { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: (p: string) => p === '/proj/src/a/handler.ts' };
const env = { stage: 'dev', exists: (p: string) => p === 'src/a/handler.ts' };

const config = (resources: Record<string, unknown>, uses?: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  app: 'shop',
  region: 'eu-west-1',
  tags: { team: 'core' },
  resources,
  functions: { api: { handler: 'src/a/handler.ts', ...(uses ? { uses } : {}), ...extra } },
});

const resolve = (resources: Record<string, unknown>, uses?: Record<string, string>) =>
  resolveFleet(fleetSchema.parse(config(resources, uses)), opts);

const problemsOf = (raw: unknown) => validateFleet(raw, env).problems.map((p) => `${p.path}: ${p.message}`);

describe('resources: schema and resolution', () => {
  it('resolves a table with shorthand keys, indexes, ttl and stream; on-demand without capacity', () => {
    const [t] = resolve({
      alerts: {
        type: 'table',
        partitionKey: 'id',
        sortKey: { name: 'createdAt', type: 'number' },
        indexes: { byStatus: { partitionKey: 'status', sortKey: { name: 'createdAt', type: 'number' }, projection: 'keys-only' } },
        ttl: 'expiresAt',
        stream: 'new-and-old-images',
      },
    }).resources as TableSpec[];
    expect(t).toEqual({
      key: 'alerts',
      type: 'table',
      physicalName: 'shop-dev-alerts',
      removal: 'retain',
      adopt: false,
      tags: { 'ops:app': 'shop', 'ops:resource': 'alerts', 'ops:stage': 'dev', team: 'core' },
      partitionKey: { name: 'id', type: 'S' },
      sortKey: { name: 'createdAt', type: 'N' },
      billing: 'PAY_PER_REQUEST',
      indexes: [
        {
          name: 'byStatus',
          partitionKey: { name: 'status', type: 'S' },
          sortKey: { name: 'createdAt', type: 'N' },
          projection: 'KEYS_ONLY',
        },
      ],
      ttlAttribute: 'expiresAt',
      stream: 'NEW_AND_OLD_IMAGES',
      pointInTimeRecovery: false,
      deletionProtection: false,
    });
  });

  it('provisioned capacity, a name override, removal destroy (tagged) and adopt', () => {
    const [t] = resolve({
      tasks: { type: 'table', partitionKey: 'pk', capacity: { read: 5, write: 2 }, name: 'legacy-tasks', removal: 'destroy', adopt: true },
    }).resources as TableSpec[];
    expect(t.billing).toBe('PROVISIONED');
    expect(t.capacity).toEqual({ read: 5, write: 2 });
    expect(t.physicalName).toBe('legacy-tasks');
    expect(t.removal).toBe('destroy');
    expect(t.adopt).toBe(true);
    expect(t.tags['ops:removal']).toBe('destroy');
  });

  it('sorts resources by key and fills each type’s defaults', () => {
    const f = resolve({
      work: { type: 'queue', fifo: true, deadLetter: { queue: 'dead', maxReceiveCount: 3 } },
      dead: { type: 'queue', fifo: true, name: 'my-dlq' },
      files: { type: 'bucket' },
      events: { type: 'topic', subscriptions: [{ protocol: 'email', endpoint: 'a@b.c', filterPolicy: { kind: ['x'] } }] },
      creds: { type: 'secret', description: 'API keys' },
    });
    expect(f.resources.map((r) => `${r.key}:${r.physicalName}`)).toEqual([
      'creds:shop-dev-creds',
      'dead:my-dlq.fifo',
      'events:shop-dev-events',
      'files:shop-dev-files',
      'work:shop-dev-work.fifo',
    ]);
    const bucket = f.resources.find((r) => r.key === 'files') as BucketSpec;
    expect(bucket).toMatchObject({ versioning: false, encryption: 'AES256', blockPublicAccess: true, lifecycle: [], cors: [] });
    const work = f.resources.find((r) => r.key === 'work') as QueueSpec;
    expect(work).toMatchObject({
      fifo: true,
      visibilityTimeoutSeconds: 30,
      retentionSeconds: 345600,
      encryption: 'sqs',
      deadLetter: { queue: 'dead', maxReceiveCount: 3 },
    });
    const topic = f.resources.find((r) => r.key === 'events') as TopicSpec;
    expect(topic.subscriptions).toEqual([{ protocol: 'email', endpoint: 'a@b.c', filterPolicy: '{"kind":["x"]}' }]);
  });

  it('a bucket with kmsKeyArn is SSE-KMS; lifecycle ids default to their position; CORS takes the API’s spelling', () => {
    const [b] = resolve({
      files: {
        type: 'bucket',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
        lifecycle: [{ prefix: 'tmp/', expirationDays: 7 }],
        cors: [{ allowOrigins: ['*'], allowMethods: ['GET'], maxAge: 60 }],
      },
    }).resources as BucketSpec[];
    expect(b.encryption).toBe('aws:kms');
    expect(b.lifecycle).toEqual([{ id: 'rule-1', prefix: 'tmp/', expirationDays: 7 }]);
    expect(b.cors).toEqual([{ allowedOrigins: ['*'], allowedMethods: ['GET'], maxAgeSeconds: 60 }]);
  });

  it('resolves uses into ResourceUse with the documented variables, sorted by key', () => {
    const f = resolve(
      { alerts: { type: 'table', partitionKey: 'id' }, jobs: { type: 'queue' }, 'api-keys': { type: 'secret' } },
      { jobs: 'send', alerts: 'readwrite', 'api-keys': 'read' },
    );
    expect(f.functions[0].uses).toEqual([
      { resource: 'alerts', type: 'table', access: 'readwrite', env: 'ALERTS_TABLE' },
      { resource: 'api-keys', type: 'secret', access: 'read', env: 'API_KEYS_SECRET_NAME' },
      { resource: 'jobs', type: 'queue', access: 'send', env: 'JOBS_QUEUE_URL' },
    ]);
  });

  it('a fleet without resources resolves to none and functions without uses to []', () => {
    const f = resolveFleet(fleetSchema.parse({ app: 'shop', functions: { api: { handler: 'src/a/handler.ts' } } }), opts);
    expect(f.resources).toEqual([]);
    expect(f.functions[0].uses).toEqual([]);
  });

  it('schema errors are one line naming the field and what to write', () => {
    expect(problemsOf(config({ a: { type: 'tabel', partitionKey: 'id' } }))).toEqual([
      "resources.a.type: type must be one of 'table', 'bucket', 'queue', 'topic', 'secret'",
    ]);
    expect(problemsOf(config({ a: { type: 'table' } }))).toEqual(['resources.a.partitionKey: is required']);
    expect(problemsOf(config({ a: { type: 'table', partitionKey: { name: 'id', type: 'int' } } }))).toEqual([
      "resources.a.partitionKey.type: a key's type is 'string', 'number' or 'binary'",
    ]);
    expect(problemsOf(config({ q: { type: 'queue', visibilityTimeout: 50000 } }))).toEqual([
      'resources.q.visibilityTimeout: 50,000 seconds, SQS allows visibilityTimeout from 0 to 43,200 (12 hours)',
    ]);
    expect(problemsOf(config({ q: { type: 'queue', removal: 'delete' } }))).toEqual([
      "resources.q.removal: removal is 'retain' (the default) or 'destroy'",
    ]);
    expect(problemsOf(config({}, { x: 'readwrites' }))).toEqual([
      "functions.api.uses.x: an access is one of 'read', 'write', 'readwrite', 'send', 'consume', 'publish'",
    ]);
  });

  it('an unknown key in a resource suggests a key of that resource’s own type', () => {
    const ps = problemsOf(config({ q: { type: 'queue', visibiltyTimeout: 60 } }));
    expect(ps).toEqual(["resources.q.visibiltyTimeout: unknown key (did you mean 'visibilityTimeout'?)"]);
  });
});
