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

  it('a lifecycle rule\'s empty prefix (seed 003\'s `"Prefix": ""`) is no prefix, as the bucket\'s read gives it back', () => {
    // Kept as '', it differed from the read forever: every deploy updated the rule and failed its verification.
    const [b] = resolve({ files: { type: 'bucket', lifecycle: [{ id: 'DeleteOldAnalysis', prefix: '', expirationDays: 90 }] } })
      .resources as BucketSpec[];
    expect(b.lifecycle).toEqual([{ id: 'DeleteOldAnalysis', expirationDays: 90 }]);
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
    expect(problemsOf(config({ x: { type: 'table', partitionKey: 'id' } }, { x: 'readwrites' }))).toEqual([
      "functions.api.uses.x: an access is one of 'read', 'write', 'readwrite', 'send', 'consume', 'publish'",
    ]);
  });

  it('an unknown key in a resource suggests a key of that resource’s own type', () => {
    const ps = problemsOf(config({ q: { type: 'queue', visibiltyTimeout: 60 } }));
    expect(ps).toEqual(["resources.q.visibiltyTimeout: unknown key (did you mean 'visibilityTimeout'?)"]);
  });
});

describe('resources: cross-field validation, one line each', () => {
  const table = { type: 'table', partitionKey: 'id' };

  it('accepts a fleet whose uses fit their resources', () => {
    const cfg = config(
      { alerts: table, work: { type: 'queue', deadLetter: { queue: 'dead', maxReceiveCount: 5 } }, dead: { type: 'queue' } },
      { alerts: 'readwrite', work: 'consume' },
    );
    expect(problemsOf(cfg)).toEqual([]);
  });

  it('an unknown resource in uses, with a did-you-mean', () => {
    expect(problemsOf(config({ alerts: table }, { alert: 'read' }))).toEqual([
      "functions.api.uses.alert: no resource 'alert' in resources (did you mean 'alerts'?)",
    ]);
    expect(problemsOf(config({}, { alerts: 'read' }))).toEqual(["functions.api.uses.alerts: no resource 'alerts' in resources"]);
  });

  it('an access that does not fit the type', () => {
    expect(problemsOf(config({ alerts: table, jobs: { type: 'queue' } }, { alerts: 'publish', jobs: 'read' }))).toEqual([
      "functions.api.uses.alerts: 'publish' does not apply to a table: write 'read', 'write' or 'readwrite'",
      "functions.api.uses.jobs: 'read' does not apply to a queue: write 'send' or 'consume'",
    ]);
  });

  it('a dead-letter queue that is not a declared queue, is itself, or differs in FIFO-ness', () => {
    const dl = (queue: string, fifo = false) => ({ type: 'queue', fifo, deadLetter: { queue, maxReceiveCount: 3 } });
    expect(problemsOf(config({ work: dl('ded'), dead: { type: 'queue' } }))).toEqual([
      "resources.work.deadLetter.queue: no queue 'ded' in resources (did you mean 'dead'?): a dead-letter queue is a queue declared in resources",
    ]);
    expect(problemsOf(config({ work: dl('alerts'), alerts: table }))).toEqual([
      "resources.work.deadLetter.queue: 'alerts' is a table, not a queue: a dead-letter queue is a queue declared in resources",
    ]);
    expect(problemsOf(config({ work: dl('work') }))).toEqual([
      'resources.work.deadLetter.queue: a queue cannot be its own dead-letter queue: name another queue of resources',
    ]);
    expect(problemsOf(config({ work: dl('dead', true), dead: { type: 'queue' } }))).toEqual([
      "resources.work.deadLetter.queue: 'dead' is a standard queue and this one is FIFO: SQS wants a dead-letter queue of the same kind",
    ]);
  });

  it('an attribute used with two types, and a sort key that repeats the partition key', () => {
    const t = {
      type: 'table',
      partitionKey: 'id',
      sortKey: { name: 'createdAt', type: 'number' },
      indexes: { byId: { partitionKey: { name: 'id', type: 'number' } }, byDate: { partitionKey: 'status', sortKey: 'createdAt' } },
    };
    expect(problemsOf(config({ t }))).toEqual([
      "resources.t.indexes.byDate.sortKey: attribute 'createdAt' is a number in sortKey but a string here: an attribute has one type in a table and its indexes",
      "resources.t.indexes.byId.partitionKey: attribute 'id' is a string in partitionKey but a number here: an attribute has one type in a table and its indexes",
    ]);
    expect(problemsOf(config({ t: { type: 'table', partitionKey: 'id', sortKey: 'id' } }))).toEqual([
      "resources.t.sortKey: 'id' is already the partition key: a sort key is another attribute",
    ]);
  });

  it('physical names AWS would refuse: the default one asks for a `name`, a given one to change it', () => {
    expect(problemsOf(config({ myFiles: { type: 'bucket' } }))).toEqual([
      "resources.myFiles: 'shop-dev-myFiles' is not a name AWS accepts (an S3 bucket name is 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit): give it a `name`",
    ]);
    expect(problemsOf(config({ f: { type: 'bucket', name: 'a..b' } }))).toEqual([
      "resources.f.name: 'a..b' is not a name AWS accepts (an S3 bucket name is 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit): change its `name`",
    ]);
    expect(problemsOf(config({ t: { ...table, name: 'ab' } }))[0]).toContain('a DynamoDB table name is 3-255');
    expect(problemsOf(config({ q: { type: 'queue', fifo: true, name: 'q'.repeat(76) } }))[0]).toMatch(
      /^resources\.q\.name: 'q{76}\.fifo' is not a name AWS accepts \(an SQS queue name is at most 80/,
    );
    expect(problemsOf(config({ q: { type: 'queue', fifo: true, name: 'q'.repeat(75) } }))).toEqual([]);
    expect(problemsOf(config({ s: { type: 'secret', name: 'cloudops/cognito credentials' } }))[0]).toContain('a secret name is');
    expect(problemsOf(config({ s: { type: 'secret', name: 'cloudops/cognito-credentials' } }))).toEqual([]);
  });

  it('two resources of one type with one physical name', () => {
    expect(problemsOf(config({ a: table, b: { ...table, name: 'shop-dev-a' } }))).toEqual([
      'resources.b: has the same physical name as resources.a (shop-dev-a): give one of them another `name`',
    ]);
  });

  it('FIFO-only settings on a standard queue or topic, and encryption that contradicts its key', () => {
    expect(problemsOf(config({ q: { type: 'queue', contentBasedDeduplication: true } }))).toEqual([
      'resources.q.contentBasedDeduplication: only applies to a FIFO queue: add fifo: true or remove it',
    ]);
    expect(problemsOf(config({ q: { type: 'queue', encryption: 'kms' } }))).toEqual([
      "resources.q.kmsKeyArn: encryption 'kms' needs the key: add kmsKeyArn",
    ]);
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/abc';
    expect(problemsOf(config({ b: { type: 'bucket', encryption: 's3', kmsKeyArn: key } }))).toEqual([
      "resources.b.encryption: 's3' uses no KMS key, but kmsKeyArn is given: write 'kms' or remove kmsKeyArn",
    ]);
  });

  it('a variable from uses that collides with one the config sets, or with another use', () => {
    expect(problemsOf(config({ alerts: table }, { alerts: 'read' }, { environment: { ALERTS_TABLE: 'x' } }))).toEqual([
      "functions.api.uses.alerts: sets ALERTS_TABLE, which environment.ALERTS_TABLE also sets: rename one (ops puts the table's name there)",
    ]);
    const cfg: any = config({ jobs: { type: 'queue' } }, { jobs: 'send' });
    cfg.params = { 'jobs-queue-url': {} };
    cfg.functions.api.params = [{ name: 'jobs-queue-url', env: 'JOBS_QUEUE_URL' }];
    expect(problemsOf(cfg)).toEqual([
      "functions.api.uses.jobs: sets JOBS_QUEUE_URL, which params 'jobs-queue-url' also sets: rename one (ops puts the queue's URL there)",
    ]);
    expect(problemsOf(config({ 'A-b': table, 'a-b': table }, { 'A-b': 'read', 'a-b': 'read' })).at(-1)).toContain(
      'sets A_B_TABLE, which uses.A-b also sets',
    );
  });

  it('uses is per function: defaults do not take it', () => {
    const cfg: any = config({ alerts: table });
    cfg.defaults = { uses: { alerts: 'read' } };
    expect(problemsOf(cfg)).toEqual(['defaults.uses: unknown key']);
  });
});
