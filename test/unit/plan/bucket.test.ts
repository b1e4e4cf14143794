import { describe, expect, it } from 'vitest';
import type { BucketSpec } from '../../../src/config/resources.js';
import type { S3TriggerSpec } from '../../../src/config/types.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualBucket } from '../../../src/model/bucket.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { desiredBucketSettings } from '../../../src/resources/bucket/plan.js';
import { ACCOUNT, actualFrom, artifactsFor, fleet, fnSpec } from './builders.js';

const tags = { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:resource': 'reports' };
const reports: BucketSpec = {
  type: 'bucket',
  key: 'reports',
  physicalName: 'tasks-dev-reports',
  removal: 'retain',
  adopt: false,
  tags,
  versioning: true,
  encryption: 'AES256',
  lifecycle: [{ id: 'old', expirationDays: 30 }],
  blockPublicAccess: true,
  cors: [],
};
const have = (spec: BucketSpec, over: Partial<ActualBucket> = {}): ActualBucket => ({
  name: spec.physicalName,
  settings: desiredBucketSettings(spec),
  tags: { ...tags },
  ...over,
});
const s3Trigger = (bucket: string, over: Partial<S3TriggerSpec> = {}): S3TriggerSpec => ({
  kind: 's3',
  bucket,
  events: ['s3:ObjectCreated:*'],
  notificationId: 'ops-tasks-dev-api-1234abcd',
  statementId: 'ops-s3-99999999',
  ...over,
});

function plan(
  resources: BucketSpec[],
  buckets: Actual['buckets'],
  opts: { destroy?: boolean; allowDataLoss?: boolean; fns?: ReturnType<typeof fnSpec>[] } = {},
) {
  const f = fleet(opts.fns ?? [fnSpec('api')], { resources });
  const actual = { ...actualFrom(f), buckets };
  return planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, destroy: opts.destroy, allowDataLoss: opts.allowDataLoss });
}

describe('bucket planner', () => {
  it('creates a missing bucket with its settings, and plans nothing once it is as the config says', () => {
    const p = plan([reports], { owned: {}, unowned: {} });
    const create = p.changes.find((c) => c.kind === 'bucket.create');
    expect(create?.summary).toBe('create bucket tasks-dev-reports');
    expect(create?.fields.map((x) => `${x.field}=${x.to}`)).toEqual([
      'versioning=on',
      'encryption=AES256',
      'blockPublicAccess=all four on',
      'lifecycle=1 rule (old)',
    ]);
    expect(plan([reports], { owned: { [reports.physicalName]: have(reports) }, unowned: {} }).changes).toEqual([]);
  });

  it('updates each setting that differs in place, one field each', () => {
    const drifted = have(reports, {
      settings: {
        ...desiredBucketSettings(reports),
        versioning: false,
        encryption: { algorithm: 'aws:kms' },
        cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }],
      },
    });
    const p = plan([reports], { owned: { [reports.physicalName]: drifted }, unowned: {} });
    expect(p.changes.map((c) => c.kind)).toEqual(['bucket.update']);
    const c = p.changes[0] as Extract<(typeof p.changes)[number], { kind: 'bucket.update' }>;
    expect(c.which).toEqual(['versioning', 'encryption', 'cors']);
    expect(c.fields.map((x) => `${x.field}: ${x.from} → ${x.to}`)).toEqual([
      'versioning: off → on',
      'encryption: aws:kms aws/s3 → AES256',
      'cors: 1 rule → (none)',
    ]);
    expect(c.tags).toBeUndefined();
  });

  it('stops on an untagged bucket with the name unless adopt; adopting tags it and never recreates it', () => {
    const untagged = have(reports, { tags: { 'cost-center': '42' }, settings: { ...desiredBucketSettings(reports), versioning: false } });
    expect(() => plan([reports], { owned: {}, unowned: { [reports.physicalName]: untagged } })).toThrow(
      'bucket reports: tasks-dev-reports exists, not managed by ops (no ops:app/ops:stage tags); nothing was changed',
    );
    const p = plan([{ ...reports, adopt: true }], { owned: {}, unowned: { [reports.physicalName]: untagged } });
    expect(p.changes.map((c) => c.kind)).toEqual(['bucket.adopt']);
    expect(p.changes[0]).toMatchObject({
      which: ['versioning'],
      // PutBucketTagging replaces the whole set: the hand-made tag is in it.
      tags: { 'cost-center': '42', 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:resource': 'reports' },
    });
    expect(() =>
      plan([{ ...reports, adopt: true }], { owned: {}, unowned: { [reports.physicalName]: { ...untagged, otherAccount: true } } }),
    ).toThrow(/belongs to another AWS account/);
  });

  it('keeps a bucket that leaves the config or meets destroy, saying so; deletes one tagged removal destroy', () => {
    const kept = plan([], { owned: { [reports.physicalName]: have(reports) }, unowned: {} });
    expect(kept.changes).toEqual([]);
    expect(kept.warnings).toContainEqual(expect.stringMatching(/^bucket tasks-dev-reports: kept \(holds data\): no longer in the config/));
    const destroyed = plan([reports], { owned: { [reports.physicalName]: have(reports) }, unowned: {} }, { destroy: true });
    expect(destroyed.changes.filter((c) => c.kind.startsWith('bucket.'))).toEqual([]);
    expect(destroyed.warnings).toContainEqual(expect.stringMatching(/^bucket tasks-dev-reports: kept \(holds data\)/));

    const doomed = have(reports, { tags: { ...tags, 'ops:removal': 'destroy' }, empty: true });
    const gone = plan([reports], { owned: { [reports.physicalName]: doomed }, unowned: {} }, { destroy: true });
    expect(gone.changes.find((c) => c.kind === 'bucket.delete')).toMatchObject({ name: 'tasks-dev-reports', empty: false });
  });

  it('refuses to delete a non-empty bucket without --allow-data-loss, in one line; with it, empties it first', () => {
    const full = have(reports, { tags: { ...tags, 'ops:removal': 'destroy' }, empty: false });
    expect(() => plan([], { owned: { [reports.physicalName]: full }, unowned: {} }, { destroy: true })).toThrow(
      "bucket tasks-dev-reports: not empty: removal 'destroy' deletes it only with --allow-data-loss (its objects are lost); nothing was changed",
    );
    const p = plan([], { owned: { [reports.physicalName]: full }, unowned: {} }, { destroy: true, allowDataLoss: true });
    expect(p.changes.find((c) => c.kind === 'bucket.delete')).toMatchObject({ empty: true });
  });
});

describe('S3 notification planner', () => {
  const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-api:live`;
  const foreign = { id: 'hand-made', functionArn: 'arn:aws:lambda:us-east-1:1:function:other', events: ['s3:ObjectRemoved:*'] };

  it('permits S3 on live, then puts the stage entries (after the bucket and the permission); foreign entries are not ours to diff', () => {
    const api = fnSpec('api', { triggers: [s3Trigger('tasks-dev-reports', { prefix: 'in/' })] });
    const f = fleet([api], { resources: [reports] });
    const actual = { ...actualFrom(f), buckets: { owned: {}, unowned: {} }, bucketNotifications: { 'tasks-dev-reports': [foreign] } };
    actual.functions['tasks-dev-api'].aliasPolicy = [];
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    const put = p.changes.find((c) => c.kind === 's3notify.put');
    expect(put).toMatchObject({
      bucket: 'tasks-dev-reports',
      ours: [{ id: 'ops-tasks-dev-api-1234abcd', functionArn: arn, events: ['s3:ObjectCreated:*'], prefix: 'in/' }],
      remove: [],
    });
    expect(put?.dependsOn).toEqual(
      expect.arrayContaining(['bucket.create:tasks-dev-reports', 's3notify.permit:tasks-dev-api:tasks-dev-reports']),
    );
    expect(p.changes.some((c) => c.kind === 's3notify.permit')).toBe(true);
  });

  it('plans nothing when the entry and the permission are there, and prunes both when the trigger leaves', () => {
    const t = s3Trigger('tasks-dev-reports');
    const api = fnSpec('api', { triggers: [t] });
    const f = fleet([api], { resources: [reports] });
    const entry = { id: t.notificationId, functionArn: arn, events: t.events };
    const actual = {
      ...actualFrom(f),
      buckets: { owned: { [reports.physicalName]: have(reports) }, unowned: {} },
      bucketNotifications: { 'tasks-dev-reports': [foreign, entry] },
    };
    expect(planDeploy({ fleet: f, artifacts: artifactsFor(f), actual }).changes).toEqual([]);

    const bare = fleet([fnSpec('api')], { resources: [reports] });
    const p = planDeploy({ fleet: bare, artifacts: artifactsFor(bare), actual });
    expect(p.changes.map((c) => c.kind).sort()).toEqual(['s3notify.put', 's3notify.unpermit']);
    expect(p.changes.find((c) => c.kind === 's3notify.put')).toMatchObject({ ours: [], remove: [t.notificationId] });
    expect(p.changes.find((c) => c.kind === 's3notify.unpermit')?.dependsOn).toContain('s3notify.put:tasks-dev-reports');

    // Stage dev-x's entry on the same bucket starts with dev's id prefix too: it targets none of dev's functions, so
    // it is not dev's to prune.
    const devX = { id: 'ops-tasks-dev-x-api-1234abcd', functionArn: arn.replace('tasks-dev-api', 'tasks-dev-x-api'), events: t.events };
    const shared = { ...actual, bucketNotifications: { 'tasks-dev-reports': [foreign, entry, devX] } };
    const q = planDeploy({ fleet: bare, artifacts: artifactsFor(bare), actual: shared });
    expect(q.changes.find((c) => c.kind === 's3notify.put')).toMatchObject({ ours: [], remove: [t.notificationId] });
  });

  it('two triggers an object event could match both (S3 refuses them) stop the plan in one line', () => {
    const api = fnSpec('api', { triggers: [s3Trigger('tasks-dev-reports', { prefix: 'in/' })] });
    const worker = fnSpec('worker', {
      triggers: [
        s3Trigger('tasks-dev-reports', { events: ['s3:ObjectCreated:Put'], prefix: 'in/x', notificationId: 'ops-tasks-dev-worker-1' }),
      ],
    });
    const f = fleet([api, worker], { resources: [reports] });
    const actual = { ...actualFrom(f), buckets: { owned: {}, unowned: {} } };
    expect(() => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual })).toThrow(
      /^bucket tasks-dev-reports: the S3 triggers tasks-dev-api on s3:ObjectCreated:\* prefix in\/ and tasks-dev-worker on s3:ObjectCreated:Put prefix in\/x overlap/,
    );
    const apart = fnSpec('worker', {
      triggers: [s3Trigger('tasks-dev-reports', { prefix: 'out/', notificationId: 'ops-tasks-dev-worker-1' })],
    });
    const g = fleet([api, apart], { resources: [reports] });
    expect(() =>
      planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: { ...actualFrom(g), buckets: { owned: {}, unowned: {} } } }),
    ).not.toThrow();
  });
});
