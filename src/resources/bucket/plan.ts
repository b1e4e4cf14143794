import type { BucketSpec } from '../../config/resources.js';
import type { PlanContext } from '../../plan/context.js';

/**
 * Declared buckets have no change kinds yet: ops names them and grants their use, but does not create them. Each
 * deploy that declares one says so, so that nobody takes the declaration for a created bucket.
 */
export function planBuckets(ctx: PlanContext): never[] {
  if (ctx.destroy) return [];
  const buckets = ctx.fleet.resources.filter((r): r is BucketSpec => r.type === 'bucket');
  for (const b of buckets) {
    ctx.warnings.push(
      `bucket ${b.key} (${b.physicalName}): ops does not create buckets yet: it must exist (create it outside ops); uses of it are granted and named as declared`,
    );
  }
  return [];
}
