import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import type { QueueSpec, TableSpec, TopicSpec } from '../../../src/config/resources.js';
import { fleetSchema } from '../../../src/config/schema.js';
import type { DynamoTriggerSpec, EventRuleSpec, Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import { UserError } from '../../../src/errors.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualStreamMapping } from '../../../src/model/stream-mapping.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import { scheduleChangeSpec } from '../../../src/resources/schedule/plan.js';
import { ACCOUNT, APP, actualFrom, artifactsFor, expectOrder, find, fleet, fnSpec, kinds, REGION, STAGE } from './builders.js';

/* DynamoDB stream triggers (the event-source kind) and event-pattern rules (the schedule kind): config and planners. */

const base = { removal: 'retain' as const, adopt: false };
const tags = (key: string) => ({ 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': key });
const orders: TableSpec = {
  ...base,
  type: 'table',
  key: 'orders',
  physicalName: `${APP}-${STAGE}-orders`,
  tags: tags('orders'),
  partitionKey: { name: 'id', type: 'S' },
  billing: 'PAY_PER_REQUEST',
  indexes: [],
  stream: 'NEW_IMAGE',
  pointInTimeRecovery: false,
  deletionProtection: false,
};
const failed: QueueSpec = {
  ...base,
  type: 'queue',
  key: 'failed',
  physicalName: `${APP}-${STAGE}-failed`,
  tags: tags('failed'),
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 345600,
  encryption: 'sqs',
};
const alerts: TopicSpec = {
  ...base,
  type: 'topic',
  key: 'alerts',
  physicalName: `${APP}-${STAGE}-alerts`,
  tags: tags('alerts'),
  fifo: false,
  contentBasedDeduplication: false,
  subscriptions: [],
};
const streamArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${orders.physicalName}/stream/2026-01-01T00:00:00.000`;
const fnName = `${APP}-${STAGE}-consumer`;

const trigger = (over: Partial<DynamoTriggerSpec> = {}): DynamoTriggerSpec => ({
  kind: 'dynamodb',
  table: 'orders',
  startingPosition: 'LATEST',
  batchSize: 100,
  batchWindowSeconds: 0,
  filters: [],
  bisectOnError: false,
  retryAttempts: -1,
  maxRecordAgeSeconds: -1,
  ...over,
});
const fleetWith = (triggers: Fleet['functions'][number]['triggers'], resources: Fleet['resources'] = [orders, failed, alerts]) =>
  fleet([fnSpec('consumer', { triggers })], { resources });

/** The fleet deployed (role included), its table there with a stream, and the mapping `have` (if any). */
function actualWith(f: Fleet, have?: Partial<ActualStreamMapping>): Actual {
  const actual = actualFrom(f);
  actual.tables = {
    [orders.physicalName]: { ...orders, indexes: [], name: orders.physicalName, arn: 'arn:t', status: 'ACTIVE', streamArn },
  };
  if (have) {
    const { kind: _, table: __, ...settings } = trigger();
    actual.streamMappings = [
      {
        uuid: 'u-1',
        streamArn,
        table: orders.physicalName,
        functionName: fnName,
        state: 'Enabled',
        ...settings,
        ...have,
      },
    ];
  }
  return actual;
}
const plan = (f: Fleet, actual: Actual) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });

const env = { stage: 'dev', exists: (p: string) => p === 'src/a/handler.ts' };
const raw = (
  t: Record<string, unknown>,
  resources: Record<string, unknown> = { orders: { type: 'table', partitionKey: 'id', stream: 'new-image' } },
) => ({
  app: 'shop',
  region: 'eu-west-1',
  resources,
  functions: { api: { handler: 'src/a/handler.ts', triggers: [t] } },
});
const problemsOf = (r: unknown) => validateFleet(r, env).problems.map((p) => `${p.path}: ${p.message}`);

describe('dynamodb and eventPattern triggers in the config', () => {
  it('resolve with Lambda’s defaults, sorted filter keys, and a pattern rule named by a hash of bus and pattern', () => {
    const cfg = raw({ dynamodb: 'orders', filters: [{ eventName: ['INSERT'], dynamodb: { Keys: {} } }] });
    cfg.functions.api.triggers.push({ eventPattern: { source: ['a'] }, bus: 'shop' } as never);
    const f = resolveFleet(fleetSchema.parse(cfg), { stage: 'dev', root: '/p', configPath: '/p/ops.config.ts', exists: () => true });
    const [stream, rule] = f.functions[0].triggers as [DynamoTriggerSpec, EventRuleSpec];
    expect(stream).toEqual(trigger({ filters: ['{"dynamodb":{"Keys":{}},"eventName":["INSERT"]}'] }));
    expect(rule).toMatchObject({ kind: 'eventbridge', bus: 'shop', pattern: '{"source":["a"]}', enabled: true });
    expect(rule.ruleName).toMatch(/^shop-dev-api-[0-9a-f]{8}$/);
    expect(rule.statementId).toBe(`ops-rule-${rule.ruleName}`);
  });

  it('an undeclared table, a table without stream, an unknown onFailure, a pattern that is not an object: one line each', () => {
    expect(problemsOf(raw({ dynamodb: 'order' }))).toEqual([
      "functions.api.triggers.0.dynamodb: no table 'order' in resources (did you mean 'orders'?)",
    ]);
    expect(problemsOf(raw({ dynamodb: 'orders' }, { orders: { type: 'table', partitionKey: 'id' } }))).toEqual([
      "functions.api.triggers.0.dynamodb: table orders has no stream: set resources.orders.stream to 'new-image', 'old-image', 'new-and-old-images' or 'keys-only'",
    ]);
    expect(problemsOf(raw({ dynamodb: 'orders', onFailure: 'dlq' }))).toEqual([
      "functions.api.triggers.0.onFailure: no queue or topic 'dlq' in resources (or give an SQS queue or SNS topic ARN)",
    ]);
    const bad = problemsOf(raw({ eventPattern: '{"source":["a"]}' }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toContain('eventPattern is an object');
    expect(problemsOf(raw({ eventPattern: { source: 'shop', detail: { kind: [] } } }))).toEqual([
      "functions.api.triggers.0.eventPattern: eventPattern: source must be a non-empty list of values (['shop']) or an object",
    ]);
    expect(problemsOf(raw({ dynamodb: 'orders', filters: [{ dynamodb: { NewImage: { status: { S: 'open' } } } }] }))).toEqual([
      "functions.api.triggers.0.filters.0: a filter: dynamodb.NewImage.status.S must be a non-empty list of values (['open']) or an object",
    ]);
  });

  it('two pattern rules that give one rule name are refused like two schedules', () => {
    const cfg = raw({ eventPattern: { source: ['a'] }, name: 'x' });
    cfg.functions.api.triggers.push({ eventPattern: { source: ['b'] }, name: 'x' } as never);
    expect(problemsOf(cfg)).toEqual([
      'functions.api.triggers.1: gives the same rule name as triggers.0 (shop-dev-api-x): give the schedules different names',
    ]);
  });
});

describe('dynamodb stream mappings (planner)', () => {
  it('a new mapping waits for the table, the destination, the role and live; the role reads exactly that stream', () => {
    const f = fleetWith([trigger({ onFailure: 'failed', bisectOnError: true })]);
    const p = plan(f, actualFrom(fleet([fnSpec('consumer')], { resources: [] })));
    const id = `eventsource.create:${orders.physicalName}:${fnName}`;
    expect(find(p, id)).toMatchObject({
      table: orders.physicalName,
      stream: { startingPosition: 'LATEST', bisectOnError: true, onFailure: `arn:aws:sqs:${REGION}:${ACCOUNT}:${failed.physicalName}` },
    });
    expectOrder(p, `table.create:${orders.physicalName}`, id);
    expectOrder(p, `queue.create:${failed.physicalName}`, id);
    expectOrder(p, `role.update:${fnName}`, id);
    const statements = desiredRole(f, f.functions[0], ACCOUNT)?.policy.Statement ?? [];
    expect(statements.filter((s) => s.Sid?.startsWith('OpsDynamodbStreams'))).toEqual([
      {
        Sid: 'OpsDynamodbStreams',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${orders.physicalName}/stream/*`,
      },
      {
        Sid: 'OpsDynamodbStreamsOnFailureSqs',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:${failed.physicalName}`,
      },
    ]);
    const topic = fleetWith([trigger({ onFailure: 'alerts' })]);
    expect(
      desiredRole(topic, topic.functions[0], ACCOUNT)?.policy.Statement.find((s) => s.Sid === 'OpsDynamodbStreamsOnFailureSns'),
    ).toMatchObject({
      Action: ['sns:Publish'],
      Resource: `arn:aws:sns:${REGION}:${ACCOUNT}:${alerts.physicalName}`,
    });
  });

  it('nothing when the mapping is as configured; a setting is updated in place; a new starting position replaces it', () => {
    const f = fleetWith([trigger({ batchSize: 50, filters: ['{"eventName":["INSERT"]}'] })], [orders]);
    expect(plan(f, actualWith(f, { batchSize: 50, filters: ['{"eventName":["INSERT"]}'] })).changes).toEqual([]);
    const upd = plan(f, actualWith(f, { batchSize: 50 }));
    expect(kinds(upd)).toEqual(['eventsource.update']);
    expect(upd.changes[0]).toMatchObject({ uuid: 'u-1', fields: [{ field: 'filters', from: '(none)', to: '{"eventName":["INSERT"]}' }] });
    const moved = plan(f, actualWith(f, { batchSize: 50, filters: ['{"eventName":["INSERT"]}'], startingPosition: 'TRIM_HORIZON' }));
    expect(kinds(moved).sort()).toEqual(['eventsource.create', 'eventsource.delete']);
    expectOrder(moved, 'eventsource.delete:u-1', `eventsource.create:${orders.physicalName}:${fnName}`);
  });

  it('a mapping no trigger wants is deleted; a trigger on a table without stream is one line', () => {
    const f = fleetWith([], [orders]);
    expect(find(plan(f, actualWith(f, {})), 'eventsource.delete:u-1')).toMatchObject({ streamArn, fn: 'consumer' });
    const noStream = fleetWith([trigger()], [{ ...orders, stream: undefined }]);
    expect(() => plan(noStream, actualFrom(noStream))).toThrow(UserError);
    expect(() => plan(noStream, actualFrom(noStream))).toThrow('functions.consumer.triggers: table orders has no stream');
  });
});

describe('event-pattern rules (schedule planner)', () => {
  const rule: EventRuleSpec = {
    kind: 'eventbridge',
    ruleName: `${APP}-${STAGE}-consumer-created`,
    pattern: '{"source":["shop"]}',
    bus: 'orders',
    enabled: true,
    statementId: `ops-rule-${APP}-${STAGE}-consumer-created`,
  };
  const withRule = (r: EventRuleSpec) => fleet([fnSpec('consumer', { triggers: [r] })]);
  /** The rule as deployed from `r`, on its bus, with the permission naming `rule/<bus>/<name>`. */
  function deployedRule(f: Fleet, r: EventRuleSpec): Actual {
    const actual = actualFrom(f);
    const s = scheduleChangeSpec({ region: REGION, accountId: ACCOUNT }, f.functions[0], r);
    actual.rules = {
      [`${r.bus}/${r.ruleName}`]: {
        name: r.ruleName,
        arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${r.bus}/${r.ruleName}`,
        eventPattern: '{ "source": ["shop"] }',
        bus: r.bus,
        state: 'ENABLED',
        description: '',
        tags: { ...f.functions[0].tags },
        targets: [{ id: 'live', arn: s.targetArn }],
      },
    };
    return actual;
  }

  it('creates the rule on its bus with the pattern; the permission names rule/<bus>/<name>', () => {
    const f = withRule(rule);
    const p = plan(f, actualFrom(fleet([fnSpec('consumer')])));
    expect(find(p, `schedule.create:${rule.ruleName}`)).toMatchObject({
      summary: `create rule ${rule.ruleName} on bus orders: '{"source":["shop"]}' → ${fnName}:live`,
      schedule: { pattern: rule.pattern, bus: 'orders' },
    });
    expect(actualFrom(f).functions[fnName].aliasPolicy[0].Condition).toEqual({
      ArnLike: { 'AWS:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders/${rule.ruleName}` },
    });
  });

  it('the same pattern written otherwise is no change; another pattern under the same name is one rule update', () => {
    const f = withRule(rule);
    expect(plan(f, deployedRule(f, rule)).changes).toEqual([]);
    const g = withRule({ ...rule, pattern: '{"source":["shop","billing"]}' });
    const p = plan(g, deployedRule(f, rule));
    expect(kinds(p)).toEqual(['schedule.update']);
    expect(p.changes[0]).toMatchObject({ rule: true, target: false, permission: false, fields: [{ field: 'eventPattern' }] });
  });

  it('a rule on a bus that no trigger wants is deleted on its bus, with its permission', () => {
    const f = withRule(rule);
    const p = plan(fleet([fnSpec('consumer')]), deployedRule(f, rule));
    expect(find(p, `schedule.delete:orders/${rule.ruleName}`)).toMatchObject({
      ruleName: rule.ruleName,
      bus: 'orders',
      targetIds: ['live'],
      statementId: rule.statementId,
    });
  });
});
