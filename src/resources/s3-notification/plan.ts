import { bucketArn, functionNameOfArn, liveAliasArn, S3_SID_PREFIX, s3NotificationPrefix } from '../../config/naming.js';
import type { FunctionSpec, S3TriggerSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { type BucketLambdaNotification, sameNotification } from '../../model/bucket.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, type PlanContext } from '../../plan/context.js';
import { compareStrings } from '../../plan/fields.js';
import { deletedBuckets } from '../bucket/plan.js';
import { permits, S3, stalePermissionDelete, stalePermissions, statementSource } from '../trigger-policy.js';

export type S3NotificationChange =
  /** The statement on `live` that lets S3 (this bucket, this account) invoke it. */
  | (ChangeBase & { kind: 's3notify.permit'; name: string; statementId: string; bucket: string })
  /** The bucket's notification configuration read again and merged: the entries in `remove` and `ours` replaced by `ours`. */
  | (ChangeBase & { kind: 's3notify.put'; bucket: string; ours: BucketLambdaNotification[]; remove: string[] })
  /** A statement left on `live` for a bucket that no longer notifies it. */
  | (ChangeBase & { kind: 's3notify.unpermit'; name: string; statementId: string });

export const isS3 = (t: FunctionSpec['triggers'][number]): t is S3TriggerSpec => t.kind === 's3';

const entryText = (n: BucketLambdaNotification) =>
  `${functionNameOfArn(n.functionArn) ?? n.functionArn} on ${n.events.join(',')}${n.prefix ? ` prefix ${n.prefix}` : ''}${n.suffix ? ` suffix ${n.suffix}` : ''}`;

function desiredEntry(ctx: PlanContext, fn: FunctionSpec, t: S3TriggerSpec): BucketLambdaNotification {
  return {
    id: t.notificationId,
    functionArn: liveAliasArn(ctx.region, ctx.accountId, fn.name),
    events: t.events,
    ...(t.prefix ? { prefix: t.prefix } : {}),
    ...(t.suffix ? { suffix: t.suffix } : {}),
  };
}

/** Permissions each deployed function needs on `live`, one per bucket it is triggered by. */
function planPermits(ctx: PlanContext): S3NotificationChange[] {
  const out: S3NotificationChange[] = [];
  for (const fn of ctx.deploy) {
    const policy = ctx.actual.functions[fn.name]?.aliasPolicy ?? [];
    const seen = new Set<string>();
    for (const t of fn.triggers.filter(isS3)) {
      if (seen.has(t.bucket)) continue;
      seen.add(t.bucket);
      if (permits(policy, t.statementId, S3, bucketArn(ctx.region, t.bucket))) continue;
      out.push({
        kind: 's3notify.permit',
        id: changeId('s3notify.permit', `${fn.name}:${t.bucket}`),
        action: 'create',
        fn: fn.key,
        resource: { type: 'lambda permission', name: `${fn.name}:live ${t.statementId}` },
        summary: `let bucket ${t.bucket} invoke ${fn.name}:live`,
        fields: [],
        dependsOn: [changeId('function.create', fn.name), changeId('alias.publish', fn.name)],
        name: fn.name,
        statementId: t.statementId,
        bucket: t.bucket,
      });
    }
  }
  return out;
}

/** The stage's entries a bucket should hold after this run (with `only`, other functions' entries stay as they are). */
function wantedEntries(ctx: PlanContext, bucket: string, have: BucketLambdaNotification[]): BucketLambdaNotification[] {
  const fromConfig = ctx.deploy.flatMap((fn) =>
    fn.triggers
      .filter(isS3)
      .filter((t) => t.bucket === bucket)
      .map((t) => desiredEntry(ctx, fn, t)),
  );
  const kept = ctx.scope ? have.filter((n) => !inScope(ctx, functionNameOfArn(n.functionArn) ?? '')) : [];
  const byId = new Map([...kept, ...fromConfig].map((n) => [n.id, n]));
  return [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
}

const eventsOverlap = (a: string, b: string) =>
  a === b || (a.endsWith(':*') && b.startsWith(a.slice(0, -1))) || (b.endsWith(':*') && a.startsWith(b.slice(0, -1)));
const filterOverlaps = (a = '', b = '', cover: (x: string, y: string) => boolean) => cover(a, b) || cover(b, a);

/** S3 refuses two entries of one bucket that an object event could match both of ("Configurations overlap"). */
export function overlapping(
  entries: readonly BucketLambdaNotification[],
): [BucketLambdaNotification, BucketLambdaNotification] | undefined {
  for (const [i, a] of entries.entries()) {
    for (const b of entries.slice(i + 1)) {
      if (!a.events.some((x) => b.events.some((y) => eventsOverlap(x, y)))) continue;
      if (!filterOverlaps(a.prefix, b.prefix, (x, y) => x.startsWith(y))) continue;
      if (filterOverlaps(a.suffix, b.suffix, (x, y) => x.endsWith(y))) return [a, b];
    }
  }
  return undefined;
}

function planBucketNotification(ctx: PlanContext, bucket: string, permitIds: string[]): S3NotificationChange | undefined {
  const prefix = s3NotificationPrefix(ctx.fleet.app, ctx.fleet.stage);
  // Ours: our id prefix AND a target among this stage's functions (read by their tags). The prefix alone is not
  // enough: stage dev's `ops-tasks-dev-` also starts stage dev-x's ids on a bucket both stages trigger from.
  const have = (ctx.actual.bucketNotifications?.[bucket] ?? []).filter(
    (n) => n.id.startsWith(prefix) && (functionNameOfArn(n.functionArn) ?? '') in ctx.actual.functions,
  );
  const want = wantedEntries(ctx, bucket, have);
  const clash = overlapping(want);
  if (clash)
    throw new UserError(
      `bucket ${bucket}: the S3 triggers ${clash.map(entryText).join(' and ')} overlap (an object event would match both, and S3 refuses that); nothing was changed`,
      { hint: 'give them different events, or prefixes/suffixes that cannot both match one key' },
    );
  const fields: FieldDiff[] = [];
  for (const n of want) {
    const old = have.find((h) => h.id === n.id);
    if (!old) fields.push({ field: n.id, to: entryText(n) });
    else if (!sameNotification(old, n)) fields.push({ field: n.id, from: entryText(old), to: entryText(n) });
  }
  const remove = have.filter((h) => !want.some((n) => n.id === h.id)).map((h) => h.id);
  for (const h of have.filter((x) => remove.includes(x.id))) fields.push({ field: h.id, from: entryText(h), to: '(none)' });
  if (!fields.length) return undefined;
  return {
    kind: 's3notify.put',
    id: changeId('s3notify.put', bucket),
    action: have.length ? (want.length ? 'update' : 'delete') : 'create',
    resource: { type: 's3 bucket notification', name: bucket },
    summary: `${want.length ? 'set' : 'remove'} ${want.length || remove.length} S3 notification${(want.length || remove.length) === 1 ? '' : 's'} of bucket ${bucket} (other entries kept)`,
    fields,
    dependsOn: [changeId('bucket.create', bucket), changeId('bucket.adopt', bucket), ...permitIds],
    bucket,
    ours: want,
    remove,
  };
}

/**
 * S3 triggers: each bucket's notification configuration holds the stage's entries the config asks for
 * (ids `ops-{app}-{stage}-...`), merged with every entry ops does not own; entries of triggers that left the
 * config are pruned, and so are the permissions on `live` of buckets that no longer notify a function. A
 * bucket this run deletes is left as it is.
 */
export function planS3Notifications(ctx: PlanContext): S3NotificationChange[] {
  const permitsPlanned = planPermits(ctx);
  const deleting = deletedBuckets(ctx);
  const buckets = new Set([
    ...ctx.deploy.flatMap((fn) => fn.triggers.filter(isS3).map((t) => t.bucket)),
    ...Object.keys(ctx.actual.bucketNotifications ?? {}),
  ]);
  const puts: S3NotificationChange[] = [];
  for (const bucket of [...buckets].sort(compareStrings)) {
    if (deleting.has(bucket)) continue;
    const ids = permitsPlanned.filter((p) => p.kind === 's3notify.permit' && p.bucket === bucket).map((p) => p.id);
    const put = planBucketNotification(ctx, bucket, ids);
    if (put) puts.push(put);
  }
  const stale = stalePermissions(ctx, S3_SID_PREFIX, new Set()).map((p) => {
    const change: S3NotificationChange = stalePermissionDelete('s3notify.unpermit', p);
    // After the bucket stops naming the function: S3 checks its destinations on every put.
    const source = statementSource(p.statement);
    const bucket = source?.slice(source.lastIndexOf(':') + 1);
    if (bucket) change.dependsOn.push(changeId('s3notify.put', bucket));
    return change;
  });
  return [...permitsPlanned, ...puts, ...stale];
}
