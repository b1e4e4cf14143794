import { describe, expect, it } from 'vitest';
import { snsStatementId, subscriptionMark, topicArn } from '../../../src/config/naming.js';
import type { SecretSpec, TopicSpec } from '../../../src/config/resources.js';
import type { Fleet } from '../../../src/config/types.js';
import { UserError } from '../../../src/errors.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualSecret } from '../../../src/model/secret.js';
import type { ActualTopic } from '../../../src/model/topic.js';
import { planDeploy } from '../../../src/plan/plan.js';
import type { Change } from '../../../src/plan/types.js';
import { ACCOUNT, APP, actualFrom, artifactsFor, fleet, fnSpec, REGION, STAGE } from './builders.js';

const OWN = { 'ops:app': APP, 'ops:stage': STAGE };

function topicSpec(key: string, over: Partial<TopicSpec> = {}): TopicSpec {
  const fifo = over.fifo ?? false;
  return {
    type: 'topic',
    key,
    physicalName: `${APP}-${STAGE}-${key}${fifo ? '.fifo' : ''}`,
    removal: 'retain',
    adopt: false,
    tags: { team: 'core', ...OWN, 'ops:resource': key },
    fifo,
    contentBasedDeduplication: false,
    subscriptions: [],
    ...over,
  };
}

function secretSpec(key: string, over: Partial<SecretSpec> = {}): SecretSpec {
  return {
    type: 'secret',
    key,
    physicalName: `${APP}-${STAGE}-${key}`,
    removal: 'retain',
    adopt: false,
    tags: { team: 'core', ...OWN, 'ops:resource': key },
    ...over,
  };
}

/** The topic as AWS holds it after a deploy of `spec` (tags and subscriptions included). */
function deployedTopic(spec: TopicSpec, over: Partial<ActualTopic> = {}): ActualTopic {
  const marks = spec.subscriptions.map((s) => subscriptionMark(s.protocol, s.endpoint)).sort();
  return {
    name: spec.physicalName,
    arn: topicArn(REGION, ACCOUNT, spec.physicalName),
    fifo: spec.fifo,
    contentBasedDeduplication: spec.fifo && spec.contentBasedDeduplication,
    tags: { ...spec.tags, ...(marks.length ? { 'ops:subscriptions': marks.join(' ') } : {}) },
    subscriptions: spec.subscriptions.map((s, i) => ({
      arn: `${topicArn(REGION, ACCOUNT, spec.physicalName)}:sub-${i}`,
      protocol: s.protocol,
      endpoint: s.endpoint,
      ...(s.filterPolicy ? { filterPolicy: s.filterPolicy } : {}),
    })),
    ...over,
  };
}

function deployedSecret(spec: SecretSpec, over: Partial<ActualSecret> = {}): ActualSecret {
  return {
    name: spec.physicalName,
    arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${spec.physicalName}-AbCdEf`,
    description: spec.description ?? '',
    ...(spec.kmsKeyArn ? { kmsKeyId: spec.kmsKeyArn } : {}),
    tags: { ...spec.tags, ...(spec.removal === 'destroy' ? { 'ops:removal': 'destroy' } : {}) },
    hasValue: true,
    ...over,
  };
}

const fleetWith = (resources: Fleet['resources'], functions = [fnSpec('api')]) => fleet(functions, { resources });
const withResources = (f: Fleet, parts: Partial<Actual>): Actual => ({ ...actualFrom(f), ...parts });
const plan = (f: Fleet, actual: Actual, opts: { destroy?: boolean; only?: string[] } = {}) =>
  planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, ...opts });
const ofKind = <K extends Change['kind']>(changes: Change[], kind: K) =>
  changes.filter((c): c is Extract<Change, { kind: K }> => c.kind === kind);
const topicsOf = (owned: ActualTopic[], unowned: ActualTopic[] = []) => ({
  topics: { owned: Object.fromEntries(owned.map((t) => [t.name, t])), unowned: Object.fromEntries(unowned.map((t) => [t.name, t])) },
});
const secretsOf = (owned: ActualSecret[], unowned: ActualSecret[] = []) => ({
  secrets: { owned: Object.fromEntries(owned.map((s) => [s.name, s])), unowned: Object.fromEntries(unowned.map((s) => [s.name, s])) },
});
const userErrorOf = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('no UserError thrown');
};

const alerts = topicSpec('alerts', {
  subscriptions: [
    { protocol: 'email', endpoint: 'ops@example.com' },
    { protocol: 'sqs', endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:inbox`, filterPolicy: '{"level":["error"]}' },
  ],
});
const orders = topicSpec('orders', { fifo: true, contentBasedDeduplication: true });
const creds = secretSpec('creds', { description: 'cognito client' });

describe('topics', () => {
  it('creates each topic with its tags and subscribes its endpoints after it', () => {
    const f = fleetWith([alerts, orders]);
    const p = plan(f, actualFrom(f));
    const [a, o] = ofKind(p.changes, 'topic.create');
    expect(a).toMatchObject({
      name: 'tasks-dev-alerts',
      fifo: false,
      tags: { team: 'core', 'ops:app': 'tasks', 'ops:resource': 'alerts' },
    });
    expect(a.tags['ops:subscriptions']?.split(' ')).toHaveLength(2);
    expect(o).toMatchObject({ name: 'tasks-dev-orders.fifo', fifo: true, contentBasedDeduplication: true });
    expect(o.summary).toBe('create topic tasks-dev-orders.fifo (FIFO, content-based deduplication)');
    const subs = ofKind(p.changes, 'topic.subscribe');
    expect(subs.map((s) => [s.protocol, s.endpoint, s.filterPolicy])).toEqual([
      ['email', 'ops@example.com', undefined],
      ['sqs', `arn:aws:sqs:${REGION}:${ACCOUNT}:inbox`, '{"level":["error"]}'],
    ]);
    expect(subs.every((s) => s.dependsOn.includes(a.id) && s.topicArn === topicArn(REGION, ACCOUNT, 'tasks-dev-alerts'))).toBe(true);
    expect(subs[0].summary).toContain('pending until the endpoint confirms');
  });

  it('plans nothing when AWS holds what the config says', () => {
    const f = fleetWith([alerts, orders]);
    const p = plan(f, withResources(f, topicsOf([deployedTopic(alerts), deployedTopic(orders)])));
    expect(p.changes).toEqual([]);
  });

  it('updates deduplication and tags in place, subscribes a new endpoint, refilters and drops only what ops subscribed', () => {
    const before = topicSpec('orders', {
      fifo: true,
      subscriptions: [
        { protocol: 'email', endpoint: 'old@example.com' },
        { protocol: 'https', endpoint: 'https://hook.example.com', filterPolicy: '{"a":["1"]}' },
      ],
    });
    const have = deployedTopic(before);
    // Made by hand on our topic: never touched.
    have.subscriptions.push({ arn: `${have.arn}:by-hand`, protocol: 'email', endpoint: 'someone@example.com' });
    const after = topicSpec('orders', {
      fifo: true,
      contentBasedDeduplication: true,
      tags: { ...before.tags, team: 'edge' },
      subscriptions: [
        { protocol: 'https', endpoint: 'https://hook.example.com', filterPolicy: '{"a":["2"]}' },
        { protocol: 'sqs', endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:q.fifo` },
      ],
    });
    const f = fleetWith([after]);
    const p = plan(f, withResources(f, topicsOf([have])));
    const [update] = ofKind(p.changes, 'topic.update');
    expect(update.contentBasedDeduplication).toBe(true);
    expect(update.addTags.team).toBe('edge');
    expect(update.fields.map((x) => x.field)).toEqual(['contentBasedDeduplication', 'tag.ops:subscriptions', 'tag.team']);
    expect(ofKind(p.changes, 'topic.subscribe').map((s) => s.endpoint)).toEqual([`arn:aws:sqs:${REGION}:${ACCOUNT}:q.fifo`]);
    expect(ofKind(p.changes, 'topic.filter')).toMatchObject([{ subscriptionArn: `${have.arn}:sub-1`, filterPolicy: '{"a":["2"]}' }]);
    const unsubs = ofKind(p.changes, 'topic.unsubscribe');
    expect(unsubs.map((u) => u.subscriptionArn)).toEqual([`${have.arn}:sub-0`]);
    // The mark of a dropped subscription goes only once it is unsubscribed.
    expect(update.dependsOn).toEqual([unsubs[0].id]);
  });

  it('leaves a pending subscription it cannot unsubscribe, with a warning, and never diffs its filter', () => {
    const before = topicSpec('alerts', {
      subscriptions: [
        { protocol: 'email', endpoint: 'a@example.com' },
        { protocol: 'email', endpoint: 'b@example.com' },
      ],
    });
    const have = deployedTopic(before);
    have.subscriptions = have.subscriptions.map((s) => ({ ...s, arn: 'PendingConfirmation' }));
    const after = topicSpec('alerts', { subscriptions: [{ protocol: 'email', endpoint: 'a@example.com', filterPolicy: '{"x":["y"]}' }] });
    const f = fleetWith([after]);
    const p = plan(f, withResources(f, topicsOf([have])));
    expect(ofKind(p.changes, 'topic.unsubscribe')).toEqual([]);
    expect(ofKind(p.changes, 'topic.filter')).toEqual([]);
    expect(p.warnings.join('\n')).toContain('b@example.com is still pending confirmation');
  });

  it('deletes a topic that left the config (topics hold no data), and none on a deploy of named functions', () => {
    const f = fleetWith([]);
    const actual = withResources(f, topicsOf([deployedTopic(alerts)]));
    const p = plan(f, actual);
    expect(ofKind(p.changes, 'topic.delete')).toMatchObject([
      {
        name: 'tasks-dev-alerts',
        arn: topicArn(REGION, ACCOUNT, 'tasks-dev-alerts'),
        summary: 'delete topic tasks-dev-alerts and its 2 subscriptions to endpoints',
      },
    ]);
    expect(ofKind(plan(f, actual, { only: ['api'] }).changes, 'topic.delete')).toEqual([]);
  });

  it('ops destroy deletes the stage topics', () => {
    const f = fleetWith([alerts]);
    const p = plan(f, withResources(f, topicsOf([deployedTopic(alerts)])), { destroy: true });
    expect(ofKind(p.changes, 'topic.delete').map((c) => c.name)).toEqual(['tasks-dev-alerts']);
  });

  it('stops before any write on an untagged topic with a declared name, unless adopt; another stage owns: never', () => {
    const f = fleetWith([alerts]);
    const untagged = deployedTopic(alerts, { tags: { 'cost-center': 'cc-42' }, subscriptions: [] });
    const err = userErrorOf(() => plan(f, withResources(f, topicsOf([], [untagged]))));
    expect(err.message).toBe('topic alerts: tasks-dev-alerts exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed');
    expect(err.hint).toContain('adopt: true');

    const adopting = fleetWith([{ ...alerts, adopt: true }]);
    const p = plan(adopting, withResources(adopting, topicsOf([], [untagged])));
    const [adopt] = ofKind(p.changes, 'topic.adopt');
    expect(adopt).toMatchObject({
      arn: untagged.arn,
      addTags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:resource': 'alerts', 'ops:adopted': 'true' },
    });
    // A tag put on by hand is kept: never removed, and not a change of the next plan either.
    expect(adopt.removeTags).toEqual([]);
    const adopted = deployedTopic(alerts, { tags: { ...untagged.tags, ...adopt.addTags } });
    expect(ofKind(plan(adopting, withResources(adopting, topicsOf([adopted]))).changes, 'topic.update')).toEqual([]);
    expect(ofKind(p.changes, 'topic.create')).toEqual([]);
    expect(ofKind(p.changes, 'topic.subscribe').every((s) => s.dependsOn.includes(adopt.id))).toBe(true);
    // Made by someone else: neither its leaving the config nor ops destroy deletes it; the plan says it is kept.
    for (const opts of [{}, { destroy: true }]) {
      const gone = fleetWith(opts.destroy ? [{ ...alerts, adopt: true }] : []);
      const after = plan(gone, withResources(gone, topicsOf([adopted])), opts);
      expect(ofKind(after.changes, 'topic.delete')).toEqual([]);
      expect(after.warnings.join('\n')).toContain('topic tasks-dev-alerts: kept: ops adopted it, did not create it');
    }

    const other = deployedTopic(alerts, { tags: { 'ops:app': 'tasks', 'ops:stage': 'prod' } });
    expect(userErrorOf(() => plan(adopting, withResources(adopting, topicsOf([], [other])))).message).toContain(
      'tagged for app tasks stage prod',
    );
  });

  it('refuses a FIFO switch it cannot make in place', () => {
    const f = fleetWith([topicSpec('alerts', { physicalName: 'custom-alerts', fifo: true })]);
    const have = deployedTopic(topicSpec('alerts', { physicalName: 'custom-alerts' }));
    expect(userErrorOf(() => plan(f, withResources(f, topicsOf([have])))).message).toContain('SNS cannot change that in place');
  });

  it("a function's subscription to a declared topic waits for the topic's creation", () => {
    const arn = topicArn(REGION, ACCOUNT, 'tasks-dev-alerts');
    const fn = fnSpec('worker', { triggers: [{ kind: 'sns', topicArn: arn, statementId: snsStatementId(arn) }] });
    const f = fleetWith([alerts], [fn]);
    const p = plan(f, { ...actualFrom(f), subscriptions: [] });
    const [sub] = ofKind(p.changes, 'subscription.create');
    expect(sub.dependsOn).toContain('topic.create:tasks-dev-alerts');
    expect(p.changes.findIndex((c) => c.id === 'topic.create:tasks-dev-alerts')).toBeLessThan(p.changes.indexOf(sub));
  });
});

describe('secrets', () => {
  it('creates a secret empty, tagged, and says how to set it', () => {
    const f = fleetWith([creds, secretSpec('token', { removal: 'destroy', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k' })]);
    const p = plan(f, actualFrom(f));
    const [c, t] = ofKind(p.changes, 'secret.create');
    expect(c).toMatchObject({ name: 'tasks-dev-creds', description: 'cognito client', tags: { 'ops:resource': 'creds' } });
    expect(c.tags['ops:removal']).toBeUndefined();
    expect(t).toMatchObject({ kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k', tags: { 'ops:removal': 'destroy' } });
    expect(c.summary).toBe('create secret tasks-dev-creds (empty: no value until `ops secrets set creds`)');
    expect(p.warnings).toContain('secret creds: created empty: set its value with `ops secrets set creds --stdin --stage dev`');
  });

  it('plans nothing when AWS holds what the config says; warns while it has no value', () => {
    const f = fleetWith([creds]);
    expect(plan(f, withResources(f, secretsOf([deployedSecret(creds)]))).changes).toEqual([]);
    const empty = plan(f, withResources(f, secretsOf([deployedSecret(creds, { hasValue: false })])));
    expect(empty.changes).toEqual([]);
    expect(empty.warnings.join('\n')).toContain('secret creds: has no value yet');
  });

  it('updates description, key and removal tag in place', () => {
    const want = secretSpec('creds', { description: 'new', kmsKeyArn: 'alias/mine', removal: 'destroy' });
    const f = fleetWith([want]);
    const [u] = ofKind(plan(f, withResources(f, secretsOf([deployedSecret(creds)]))).changes, 'secret.update');
    expect(u).toMatchObject({ description: 'new', kmsKeyId: 'alias/mine', addTags: { 'ops:removal': 'destroy' }, removeTags: [] });
    expect(u.fields.map((x) => x.field)).toEqual(['description', 'kmsKey', 'tag.ops:removal']);
  });

  it('restores a secret of ours scheduled for deletion when the config declares it again', () => {
    const f = fleetWith([creds]);
    const [r] = ofKind(
      plan(f, withResources(f, secretsOf([deployedSecret(creds, { deletedDate: '2026-12-20T00:00:00.000Z' })]))).changes,
      'secret.restore',
    );
    expect(r.summary).toBe('restore secret tasks-dev-creds (scheduled for deletion on 2026-12-20: its value comes back)');
  });

  it('keeps a secret that leaves the config or meets destroy, unless tagged ops:removal = destroy (scheduled, recoverable)', () => {
    const kept = deployedSecret(secretSpec('old'));
    const doomed = deployedSecret(secretSpec('gone', { removal: 'destroy' }));
    const f = fleetWith([]);
    const p = plan(f, withResources(f, secretsOf([kept, doomed])));
    expect(p.warnings).toContain("secret tasks-dev-old: kept (holds data): no longer in the config and its removal is 'retain'");
    expect(ofKind(p.changes, 'secret.delete').map((c) => [c.name, c.summary])).toEqual([
      [
        'tasks-dev-gone',
        'delete secret tasks-dev-gone (removal: destroy): recoverable for 30 days (`aws secretsmanager restore-secret --secret-id tasks-dev-gone`), then its value is gone',
      ],
    ]);

    const g = fleetWith([creds]);
    const d = plan(g, withResources(g, secretsOf([deployedSecret(creds)])), { destroy: true });
    expect(ofKind(d.changes, 'secret.delete')).toEqual([]);
    expect(d.warnings.join('\n')).toContain('secret tasks-dev-creds: kept (holds data)');
  });

  it('stops before any write on an untagged secret with a declared name, unless adopt (tagged, value kept)', () => {
    const untagged = deployedSecret(creds, { tags: { owner: 'someone' } });
    const f = fleetWith([creds]);
    expect(userErrorOf(() => plan(f, withResources(f, secretsOf([], [untagged])))).message).toBe(
      'secret creds: tasks-dev-creds exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed',
    );
    const a = fleetWith([{ ...creds, adopt: true }]);
    const [adopt] = ofKind(plan(a, withResources(a, secretsOf([], [untagged]))).changes, 'secret.adopt');
    // Tags the config does not name are the user's: adopting sets ops's and the config's, and keeps `owner`.
    expect(adopt).toMatchObject({
      name: 'tasks-dev-creds',
      addTags: { 'ops:app': 'tasks', 'ops:resource': 'creds' },
      removeTags: [],
    });
    expect(adopt.fields.map((x) => x.field)).not.toContain('tag.owner');
    expect(adopt.summary).toContain('adopt secret tasks-dev-creds (tagged, not recreated; its value is kept)');
  });
});
