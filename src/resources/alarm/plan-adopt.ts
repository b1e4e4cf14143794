import { ADOPTED_TAG } from '../../config/naming.js';
import type { AlarmSpec, FunctionSpec } from '../../config/types.js';
import type { ActualAlarm } from '../../model/actual.js';
import type { ChangeBase } from '../../plan/change.js';
import { changeId } from '../../plan/context.js';
import { assertClaimable } from '../plan-claim.js';

/*
 * Alarms with a kept name that ops did not create (issue 16.2), as for rules (src/resources/schedule/plan-adopt.ts):
 * another stage's or app's stops the plan, an untagged one stops unless `adopt: true`, which tags it in place and
 * puts the config's settings on it. An adopted alarm that leaves the config is kept, its ops tags removed.
 */

/** An adopted alarm leaving the config: kept, ops's tags removed. */
export type AlarmReleaseChange = ChangeBase & { kind: 'alarm.release'; alarmName: string; removeTags: string[] };

export const isAdoptedAlarm = (a: ActualAlarm) => a.tags[ADOPTED_TAG] === 'true';

/** Stops the plan for an alarm that is not ours and may not be taken; returns whether this plan adopts it. */
export function assertAlarmClaim(fn: FunctionSpec, want: AlarmSpec, have: ActualAlarm | undefined): boolean {
  if (!have?.notOwned) return false;
  assertClaimable({
    at: `functions.${fn.key}.alarms (alarmName ${want.name})`,
    what: 'alarm',
    field: 'alarmName',
    tags: have.tags,
    adopt: want.adopt,
  });
  return true;
}

export function releaseAlarmChange(a: ActualAlarm, fn: string | undefined): AlarmReleaseChange {
  const removeTags = Object.keys(a.tags).filter((k) => k.startsWith('ops:'));
  return {
    kind: 'alarm.release',
    id: changeId('alarm.release', a.name),
    action: 'update',
    fn,
    resource: { type: 'cloudwatch alarm', name: a.name },
    summary: `keep alarm ${a.name}: kept (adopted: ops did not create it); ops's tags removed`,
    fields: removeTags.map((k) => ({ field: `tag.${k}`, from: a.tags[k] })),
    dependsOn: [],
    alarmName: a.name,
    removeTags,
  };
}
