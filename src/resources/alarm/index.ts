import { deleteAlarms, putAlarm, readAlarms, releaseAlarm } from '../../aws/alarms.js';
import type { ReadScope } from '../../model/actual.js';
import { editKept, inventoryNamesOf } from '../kept-inventory.js';
import { defineKind } from '../kind.js';
import { outsidePrefix } from '../plan-inventory.js';
import { type AlarmChange, planAlarms } from './plan.js';

/** The stage inventory's kind for alarms (src/resources/kept-inventory.ts). */
const ALARM_KIND = 'alarm';

/** The config keeps an alarm name outside the prefix or adopts one: only then does a run without a lease look read the inventory. */
const keepsAlarmNames = (scope: ReadScope) =>
  (scope.functions ?? []).some((f) => f.alarms.some((a) => a.adopt || outsidePrefix(scope, a.name)));

/** CloudWatch alarms on the functions' metrics (`alarms` in the config). */
export const alarm = defineKind<AlarmChange>({
  kind: 'alarm',
  after: ['function'],
  changes: ['alarm.set', 'alarm.delete', 'alarm.release'],
  async read(aws, scope) {
    // An alarm with a kept name that left the config is found through the inventory, then by its tags.
    const elsewhere = await inventoryNamesOf(aws, scope, ALARM_KIND, keepsAlarmNames(scope));
    const { items, foreign } = await readAlarms(aws, scope, elsewhere);
    return { actual: Object.keys(items).length ? { alarms: items } : {}, foreign };
  },
  plan: planAlarms,
  apply: {
    // Listed before the alarm exists, taken out once it is gone or released: the inventory never misses one.
    async 'alarm.set'(c, run) {
      await editKept(run.aws, c.inventory, ALARM_KIND, { add: [c.alarm.name] });
      return putAlarm(run.aws, c.alarm, { createTags: c.createTags, addTags: c.addTags, removeTags: c.removeTags });
    },
    async 'alarm.delete'(c, run) {
      await deleteAlarms(run.aws, [c.alarmName]);
      await editKept(run.aws, c.inventory, ALARM_KIND, { remove: [c.alarmName] });
    },
    async 'alarm.release'(c, run) {
      await releaseAlarm(run.aws, c.alarmName, c.removeTags);
      await editKept(run.aws, c.inventory, ALARM_KIND, { remove: [c.alarmName] });
    },
  },
});
