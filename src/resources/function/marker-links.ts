import { ASYNC_MARKER_TAG, POLICY_MARKER_TAG, PROVISIONED_MARKER_TAG, RESERVED_MARKER_TAG, URL_MARKER_TAG } from '../../config/naming.js';
import type { KindChange } from '../kind.js';

/** The changes each marker tag stands for (naming.ts): the reader asks about these only on marked functions. */
const MARKED: Record<string, ReadonlySet<string>> = {
  [POLICY_MARKER_TAG]: new Set([
    'permission.set',
    'permission.delete',
    'authorizer.grant',
    'authorizer.revoke',
    'restapi.permit',
    'restapi.authorizer.grant',
    'restapi.authorizer.revoke',
    'schedule.create',
    'schedule.update',
    'schedule.delete',
    'subscription.create',
    'subscription.update',
    'subscription.delete',
    's3notify.permit',
    's3notify.unpermit',
    'url.create',
    'url.update',
    'url.delete',
  ]),
  [RESERVED_MARKER_TAG]: new Set(['reserved.set', 'reserved.delete']),
  [PROVISIONED_MARKER_TAG]: new Set(['provisioned.set', 'provisioned.delete']),
  [ASYNC_MARKER_TAG]: new Set(['async.set', 'async.delete']),
  [URL_MARKER_TAG]: new Set(['url.create', 'url.update', 'url.delete']),
};

/**
 * A marker goes on a function before what it marks is made there, and comes off only once that is gone: a statement
 * or setting on an unmarked function would be invisible to the next read (a failed or interrupted run included).
 */
export function linkMarkers(changes: readonly KindChange[]): void {
  for (const change of changes) {
    if (change.kind !== 'function.tag') continue;
    const tag = change as KindChange & { name: string; add: Record<string, string>; remove: string[] };
    for (const [marker, kinds] of Object.entries(MARKED)) {
      const adds = marker in tag.add;
      const removes = tag.remove.includes(marker);
      if (!adds && !removes) continue;
      for (const c of changes) {
        if (!kinds.has(c.kind) || (c as { name?: string }).name !== tag.name) continue;
        if (adds && c.action !== 'delete') c.dependsOn.push(tag.id);
        if (removes && c.action === 'delete') tag.dependsOn.push(c.id);
      }
    }
  }
}
