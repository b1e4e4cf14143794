import { describe, expect, it } from 'vitest';
import type { QueueSpec } from '../../../src/config/resources.js';
import type { Fleet } from '../../../src/config/types.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualQueue } from '../../../src/model/queue.js';
import { createContext } from '../../../src/plan/context.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { desiredQueueAttributes } from '../../../src/resources/queue/plan-desired.js';
import {
  ACCOUNT,
  APP,
  actualFrom,
  artifactsFor,
  expectOrder,
  find,
  kinds,
  REGION,
  STAGE,
  sampleFleet,
  thrownUserError,
} from './builders.js';

/** A resolved queue as the config resolution gives it: `{app}-{stage}-{key}`, ops's tags, 30 s, 4 days, SQS-managed SSE. */
function queueSpec(key: string, over: Partial<QueueSpec> = {}): QueueSpec {
  const fifo = over.fifo ?? false;
  return {
    type: 'queue',
    key,
    physicalName: `${APP}-${STAGE}-${key}${fifo ? '.fifo' : ''}`,
    removal: 'retain',
    adopt: false,
    tags: { team: 'core', 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': key },
    fifo,
    contentBasedDeduplication: false,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 345600,
    encryption: 'sqs',
    ...over,
  };
}

const arnOf = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

function withQueues(queues: QueueSpec[]): Fleet {
  return { ...sampleFleet(), resources: queues };
}

/** What the read gives right after a clean deploy of `queues` (plus extra owned or unowned ones). */
function actualWith(f: Fleet, opts: { owned?: ActualQueue[]; unowned?: ActualQueue[]; deployed?: QueueSpec[] } = {}): Actual {
  const actual = actualFrom(f);
  const ctx = createContext({ fleet: f, artifacts: {}, actual });
  const deployed = (opts.deployed ?? []).map((s) =>
    actualQueue(s.physicalName, desiredQueueAttributes(ctx, s), {
      ...s.tags,
      ...(s.removal === 'destroy' ? { 'ops:removal': 'destroy' } : {}),
    }),
  );
  actual.queues = {
    owned: Object.fromEntries([...deployed, ...(opts.owned ?? [])].map((q) => [q.name, q])),
    unowned: Object.fromEntries((opts.unowned ?? []).map((q) => [q.name, q])),
  };
  return actual;
}

function actualQueue(name: string, attributes: ActualQueue['attributes'], tags: Record<string, string>): ActualQueue {
  return { name, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`, arn: arnOf(name), attributes, tags };
}

const plain = {
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 345600,
  encryption: 'sqs' as const,
};
const ours = (key: string, extra: Record<string, string> = {}) => ({
  'ops:app': APP,
  'ops:stage': STAGE,
  'ops:resource': key,
  team: 'core',
  ...extra,
});

const plan = (f: Fleet, actual: Actual, over: Partial<Parameters<typeof planDeploy>[0]> = {}) =>
  planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, ...over });

const userError = thrownUserError;

describe('queue plan', () => {
  const dlq = queueSpec('jobs-dlq', { retentionSeconds: 1209600 });
  const jobs = queueSpec('jobs', { visibilityTimeoutSeconds: 180, deadLetter: { queue: 'jobs-dlq', maxReceiveCount: 5 } });
  const f = withQueues([jobs, dlq]);

  it('creates both queues, the dead-letter queue first, with the redrive policy naming its ARN', () => {
    const p = plan(f, actualWith(f));
    expect(kinds(p)).toEqual(['queue.create', 'queue.create']);
    expectOrder(p, 'queue.create:tasks-dev-jobs-dlq', 'queue.create:tasks-dev-jobs');
    const create = find(p, 'queue.create:tasks-dev-jobs');
    expect(create).toMatchObject({
      action: 'create',
      attributes: { ...plain, visibilityTimeoutSeconds: 180, deadLetter: { targetArn: arnOf('tasks-dev-jobs-dlq'), maxReceiveCount: 5 } },
      tags: ours('jobs'),
      dependsOn: ['queue.create:tasks-dev-jobs-dlq'],
    });
    expect(find(p, 'queue.create:tasks-dev-jobs-dlq')).toMatchObject({
      attributes: { ...plain, retentionSeconds: 1209600 },
      dependsOn: [],
    });
    expect(create.fields).toContainEqual({ field: 'deadLetter', to: 'tasks-dev-jobs-dlq after 5' });
  });

  it('plans nothing when AWS holds what the config says', () => {
    const p = plan(f, actualWith(f, { deployed: [jobs, dlq] }));
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([]);
  });

  it('a fleet without queues plans none, even with no queue read at all', () => {
    const g = sampleFleet();
    expect(plan(g, actualFrom(g)).changes).toEqual([]);
  });

  it('updates in place, field by field: visibility, redrive count, encryption, tags', () => {
    const changed = withQueues([
      {
        ...jobs,
        visibilityTimeoutSeconds: 300,
        deadLetter: { queue: 'jobs-dlq', maxReceiveCount: 3 },
        tags: { ...jobs.tags, owner: 'ops' },
      },
      { ...dlq, encryption: 'none' },
    ]);
    const p = plan(changed, actualWith(changed, { deployed: [jobs, dlq] }));
    expect(kinds(p)).toEqual(['queue.update', 'queue.update']);
    const u = find(p, 'queue.update:tasks-dev-jobs');
    expect(u.fields).toEqual([
      { field: 'visibilityTimeout', from: '180s', to: '300s' },
      { field: 'deadLetter', from: 'tasks-dev-jobs-dlq after 5', to: 'tasks-dev-jobs-dlq after 3' },
      { field: 'tag.owner', to: "'ops'" },
    ]);
    expect(u).toMatchObject({ which: ['visibilityTimeoutSeconds', 'deadLetter'], addTags: { owner: 'ops' }, removeTags: [] });
    expect(find(p, 'queue.update:tasks-dev-jobs-dlq')).toMatchObject({
      which: ['encryption'],
      fields: [{ field: 'encryption', from: 'sqs', to: 'none' }],
    });
  });

  it('removal destroy is written as the ops:removal tag, and taken off again', () => {
    const destroyable = withQueues([{ ...jobs, removal: 'destroy' }, dlq]);
    const p = plan(destroyable, actualWith(destroyable, { deployed: [jobs, dlq] }));
    expect(find(p, 'queue.update:tasks-dev-jobs')).toMatchObject({ which: [], addTags: { 'ops:removal': 'destroy' }, removeTags: [] });
    const back = plan(f, actualWith(f, { deployed: [{ ...jobs, removal: 'destroy' }, dlq] }));
    expect(find(back, 'queue.update:tasks-dev-jobs')).toMatchObject({ addTags: {}, removeTags: ['ops:removal'] });
  });

  it('a FIFO switch is refused before any write ("replace: the messages are lost"), unless the run allows data loss', () => {
    const single = withQueues([queueSpec('jobs')]);
    const fifo = withQueues([queueSpec('jobs', { fifo: true, contentBasedDeduplication: true })]);
    const actual = actualWith(fifo, { deployed: [queueSpec('jobs')] });
    const e = userError(() => plan(fifo, actual));
    expect(e.message).toBe('queue jobs: replace: the messages are lost (fifo false → true); nothing was changed');
    expect(e.hint).toMatch(/--allow-data-loss/);
    const p = plan(fifo, actual, { allowDataLoss: true });
    expect(kinds(p)).toEqual(['queue.create', 'queue.delete']);
    expect(find(p, 'queue.create:tasks-dev-jobs.fifo')).toMatchObject({
      action: 'replace',
      attributes: { fifo: true, contentBasedDeduplication: true },
    });
    expect(find(p, 'queue.delete:tasks-dev-jobs')).toMatchObject({ dependsOn: ['queue.create:tasks-dev-jobs.fifo'] });
    expect(p.warnings.join('\n')).toMatch(/messages in tasks-dev-jobs are lost/);
    expect(plan(single, actualWith(single, { deployed: [queueSpec('jobs')] })).changes).toEqual([]);
  });

  it('an existing queue not made by ops stops the plan; adopt tags it and brings its attributes to the config', () => {
    const stranger = actualQueue(
      'tasks-dev-jobs-dlq',
      { ...plain, visibilityTimeoutSeconds: 60, retentionSeconds: 1209600 },
      // `team` is named by the config (set to its value); `cost-center` was put on by hand (kept, never removed).
      { team: 'data', 'cost-center': 'cc-42' },
    );
    const e = userError(() => plan(f, actualWith(f, { unowned: [stranger] })));
    expect(e.message).toBe(
      'queue jobs-dlq: tasks-dev-jobs-dlq exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed',
    );
    expect(e.hint).toMatch(/adopt: true/);

    const adopting = withQueues([jobs, { ...dlq, adopt: true }]);
    const p = plan(adopting, actualWith(adopting, { unowned: [stranger] }));
    expect(kinds(p)).toEqual(['queue.adopt', 'queue.create']);
    expect(find(p, 'queue.adopt:tasks-dev-jobs-dlq')).toMatchObject({
      action: 'update',
      url: stranger.url,
      which: ['visibilityTimeoutSeconds'],
      addTags: { team: 'core', 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': 'jobs-dlq' },
      removeTags: [],
    });
    expect(find(p, 'queue.adopt:tasks-dev-jobs-dlq').fields.map((x: { field: string }) => x.field)).not.toContain('tag.cost-center');

    const otherStage = actualQueue('tasks-dev-jobs-dlq', plain, { 'ops:app': APP, 'ops:stage': 'prod' });
    expect(userError(() => plan(adopting, actualWith(adopting, { unowned: [otherStage] }))).message).toMatch(
      /tagged for app tasks stage prod/,
    );
  });

  it('a queue that leaves the config is kept (holds data) unless tagged ops:removal = destroy', () => {
    const old = actualQueue('tasks-dev-old', plain, ours('old'));
    const p = plan(f, actualWith(f, { deployed: [jobs, dlq], owned: [old] }));
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([expect.stringMatching(/^queue tasks-dev-old: kept \(holds data\): no longer in the config/)]);

    const doomed = actualQueue('tasks-dev-old', plain, ours('old', { 'ops:removal': 'destroy' }));
    const q = plan(f, actualWith(f, { deployed: [jobs, dlq], owned: [doomed] }));
    expect(kinds(q)).toEqual(['queue.delete']);
    expect(find(q, 'queue.delete:tasks-dev-old').summary).toBe('delete queue tasks-dev-old (removal: destroy; its messages are lost)');
  });

  it('destroy keeps retained queues and deletes destroyable ones, never a dead-letter queue a kept queue still names', () => {
    const actual = actualWith(f, { deployed: [jobs, { ...dlq, removal: 'destroy' }] });
    const p = plan(f, actual, { destroy: true });
    expect(kinds(p).filter((k) => k.startsWith('queue.'))).toEqual([]);
    expect(p.warnings).toContain(
      "queue tasks-dev-jobs: kept (holds data): its removal is 'retain' (removal: 'destroy' in the config, deployed, lets ops destroy delete it)",
    );
    expect(p.warnings).toContain('queue tasks-dev-jobs-dlq: kept (holds data): it is the dead-letter queue of tasks-dev-jobs, which stays');

    const both = actualWith(f, {
      deployed: [
        { ...jobs, removal: 'destroy' },
        { ...dlq, removal: 'destroy' },
      ],
    });
    const q = plan(f, both, { destroy: true });
    expect(kinds(q).filter((k) => k.startsWith('queue.'))).toEqual(['queue.delete', 'queue.delete']);
    // The queue naming the dead-letter queue goes first.
    expectOrder(q, 'queue.delete:tasks-dev-jobs', 'queue.delete:tasks-dev-jobs-dlq');
  });

  it('a destroy of named functions and a deploy of named functions prune no queue', () => {
    const doomed = actualQueue('tasks-dev-old', plain, ours('old', { 'ops:removal': 'destroy' }));
    const actual = actualWith(f, { deployed: [jobs, dlq], owned: [doomed] });
    const key = f.functions[0].key;
    expect(kinds(plan(f, actual, { destroy: true, only: [key] })).filter((k) => k.startsWith('queue.'))).toEqual([]);
    expect(kinds(plan(f, actual, { only: [key] })).filter((k) => k.startsWith('queue.'))).toEqual([]);
  });

  it('a dead-letter queue of the other type is one line', () => {
    const mixed = withQueues([queueSpec('jobs', { fifo: true, deadLetter: { queue: 'dlq', maxReceiveCount: 2 } }), queueSpec('dlq')]);
    expect(userError(() => plan(mixed, actualWith(mixed))).message).toBe('queue jobs: a FIFO queue needs a FIFO dead-letter queue');
  });
});
