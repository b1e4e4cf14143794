import { REMOVAL_TAG } from '../../config/naming.js';
import type { BucketSpec } from '../../config/resources.js';
import { UserError } from '../../errors.js';
import { type ActualBucket, type BucketSetting, type BucketSettings, bucketSettingDiffs } from '../../model/bucket.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, userTags } from '../../plan/fields.js';
import { assertAdoptable, desiredResourceTags, keptHoldsData, keptTagEdit } from '../plan-owned.js';

export const BUCKET_TYPE = 's3 bucket';

export type BucketChange =
  /** CreateBucket, its tags, then each setting (public access block, encryption, versioning, lifecycle, CORS). */
  | (ChangeBase & { kind: 'bucket.create'; name: string; key: string; settings: BucketSettings; tags: Record<string, string> })
  /** The settings in `which`, one call each; `tags`: the whole new tag set (PutBucketTagging replaces it). */
  | (ChangeBase & { kind: 'bucket.update'; name: string; settings: BucketSettings; which: BucketSetting[]; tags?: Record<string, string> })
  /** An existing bucket not made by ops, taken over (`adopt: true`): tagged first, its settings brought to the config; never recreated. */
  | (ChangeBase & { kind: 'bucket.adopt'; name: string; settings: BucketSettings; which: BucketSetting[]; tags: Record<string, string> })
  /** DeleteBucket of one tagged `ops:removal = destroy`; `empty`: its objects may be deleted first (--allow-data-loss). */
  | (ChangeBase & { kind: 'bucket.delete'; name: string; empty: boolean });

/** The buckets the run wants: none on a destroy. */
export const desiredBuckets = (ctx: PlanContext): BucketSpec[] =>
  ctx.destroy ? [] : (ctx.fleet.resources ?? []).filter((r): r is BucketSpec => r.type === 'bucket');

export function desiredBucketSettings(spec: BucketSpec): BucketSettings {
  return {
    versioning: spec.versioning,
    encryption: { algorithm: spec.encryption, ...(spec.encryption === 'aws:kms' && spec.kmsKeyArn ? { kmsKeyArn: spec.kmsKeyArn } : {}) },
    blockPublicAccess: spec.blockPublicAccess,
    lifecycle: spec.lifecycle,
    cors: spec.cors,
  };
}

const rules = (n: number, ids?: string[]) => (n ? `${n} rule${n === 1 ? '' : 's'}${ids ? ` (${ids.join(', ')})` : ''}` : '(none)');
const SETTING_TEXT: Record<BucketSetting, (s: BucketSettings) => string> = {
  versioning: (s) => (s.versioning ? 'on' : 'off'),
  encryption: (s) => (s.encryption.algorithm === 'AES256' ? 'AES256' : `aws:kms ${s.encryption.kmsKeyArn ?? 'aws/s3'}`),
  blockPublicAccess: (s) => (s.blockPublicAccess ? 'all four on' : 'off'),
  lifecycle: (s) =>
    rules(
      s.lifecycle.length,
      s.lifecycle.map((r) => r.id),
    ),
  cors: (s) => rules(s.cors.length),
};

export const bucketFields = (from: BucketSettings | undefined, to: BucketSettings, which: readonly BucketSetting[]): FieldDiff[] =>
  which.map((k) => ({ field: k, ...(from ? { from: SETTING_TEXT[k](from) } : {}), to: SETTING_TEXT[k](to) }));

/**
 * The tag edit (hand-made tags stay, as on the other kinds) and the whole set to put: PutBucketTagging
 * replaces every tag, so the set is what the bucket has, less the ops tags no longer wanted, plus ours.
 */
function bucketTags(have: Record<string, string>, want: Record<string, string>): { fields: FieldDiff[]; all: Record<string, string> } {
  const edit = keptTagEdit(have, want);
  const kept = Object.entries(userTags(have)).filter(([k]) => !edit.removeTags.includes(k));
  return { fields: edit.fields, all: { ...Object.fromEntries(kept), ...edit.addTags } };
}

function planBucket(ctx: PlanContext, spec: BucketSpec): BucketChange[] {
  const want = desiredBucketSettings(spec);
  const tags = desiredResourceTags(ctx, spec, { withRemoval: true });
  const base = { resource: { type: BUCKET_TYPE, name: spec.physicalName }, name: spec.physicalName, settings: want };
  const have = ctx.actual.buckets?.owned[spec.physicalName];
  const unowned = ctx.actual.buckets?.unowned[spec.physicalName];
  if (!have && unowned) {
    if (unowned.otherAccount)
      throw new UserError(
        `bucket ${spec.key}: ${spec.physicalName} belongs to another AWS account (S3 bucket names are global), or this identity may not read its tags; nothing was changed`,
        {
          hint: `give resources.${spec.key} another name (name: '...')`,
        },
      );
    assertAdoptable('bucket', spec, unowned.tags);
    const which = bucketSettingDiffs(want, unowned.settings);
    const edit = bucketTags(unowned.tags, tags);
    const fields = [...bucketFields(unowned.settings, want, which), ...edit.fields];
    return [
      {
        ...base,
        kind: 'bucket.adopt',
        id: changeId('bucket.adopt', spec.physicalName),
        action: 'update',
        summary: `adopt bucket ${spec.physicalName} (tagged, not recreated): ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [],
        which,
        tags: edit.all,
      },
    ];
  }
  if (have) {
    const which = bucketSettingDiffs(want, have.settings);
    const edit = bucketTags(have.tags, tags);
    const fields = [...bucketFields(have.settings, want, which), ...edit.fields];
    if (!fields.length) return [];
    return [
      {
        ...base,
        kind: 'bucket.update',
        id: changeId('bucket.update', spec.physicalName),
        action: 'update',
        summary: `update bucket ${spec.physicalName}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [],
        which,
        ...(edit.fields.length ? { tags: edit.all } : {}),
      },
    ];
  }
  const shown: BucketSetting[] = ['versioning', 'encryption', 'blockPublicAccess'];
  if (want.lifecycle.length) shown.push('lifecycle');
  if (want.cors.length) shown.push('cors');
  return [
    {
      ...base,
      kind: 'bucket.create',
      id: changeId('bucket.create', spec.physicalName),
      action: 'create',
      summary: `create bucket ${spec.physicalName}`,
      fields: bucketFields(undefined, want, shown),
      dependsOn: [],
      key: spec.key,
      tags,
    },
  ];
}

/** Owned buckets no desired bucket keeps (all of them on a destroy), by name. */
export function leavingBuckets(ctx: PlanContext): ActualBucket[] {
  if (ctx.scope && !ctx.destroy) return [];
  const desired = new Set(desiredBuckets(ctx).map((s) => s.physicalName));
  return Object.values(ctx.actual.buckets?.owned ?? {})
    .filter((b) => !desired.has(b.name))
    .sort((a, b) => compareStrings(a.name, b.name));
}

/** Buckets this plan deletes: those leaving that are tagged `ops:removal = destroy`. */
export const deletedBuckets = (ctx: PlanContext): Set<string> =>
  new Set(
    leavingBuckets(ctx)
      .filter((b) => b.tags[REMOVAL_TAG] === 'destroy')
      .map((b) => b.name),
  );

/**
 * Buckets that leave the config (or meet `ops destroy`) are kept: they hold the user's objects. Only one
 * tagged `ops:removal = destroy` (the config said so while it was in it) is deleted, and one that holds
 * objects only with --allow-data-loss: otherwise the plan stops.
 */
function planBucketRemovals(ctx: PlanContext): BucketChange[] {
  const out: BucketChange[] = [];
  for (const b of leavingBuckets(ctx)) {
    if (b.tags[REMOVAL_TAG] !== 'destroy') {
      ctx.warnings.push(keptHoldsData(ctx, 'bucket', b.name, `aws s3 rb s3://${b.name}`));
      continue;
    }
    if (b.empty === false && !ctx.allowDataLoss)
      throw new UserError(
        `bucket ${b.name}: not empty: removal 'destroy' deletes it only with --allow-data-loss (its objects are lost); nothing was changed`,
        {
          hint: `run again with --allow-data-loss to empty and delete it, or empty it yourself (aws s3 rm s3://${b.name} --recursive)`,
        },
      );
    out.push({
      kind: 'bucket.delete',
      id: changeId('bucket.delete', b.name),
      action: 'delete',
      resource: { type: BUCKET_TYPE, name: b.name },
      summary: `delete bucket ${b.name} (removal: destroy${b.empty === false ? '; emptied first: its objects are lost' : ''})`,
      fields: [],
      dependsOn: [],
      name: b.name,
      empty: ctx.allowDataLoss,
    });
  }
  return out;
}

/**
 * The fleet's S3 buckets: created with their settings, updated in place setting by setting, adopted when the
 * config says so; an existing bucket not ours stops the plan. A destroy of named functions leaves them alone.
 */
export function planBuckets(ctx: PlanContext): BucketChange[] {
  if (ctx.destroy && ctx.scope) return [];
  return [...desiredBuckets(ctx).flatMap((spec) => planBucket(ctx, spec)), ...planBucketRemovals(ctx)];
}
