import { deleteAlarms, putAlarm, readAlarms, releaseAlarm } from '../../aws/alarms.js';
import { defineKind } from '../kind.js';
import { type AlarmChange, planAlarms } from './plan.js';

/** CloudWatch alarms on the functions' metrics (`alarms` in the config). */
export const alarm = defineKind<AlarmChange>({
  kind: 'alarm',
  after: ['function'],
  changes: ['alarm.set', 'alarm.delete', 'alarm.release'],
  async read(aws, scope) {
    const { items, foreign } = await readAlarms(aws, scope);
    return { actual: Object.keys(items).length ? { alarms: items } : {}, foreign };
  },
  plan: planAlarms,
  apply: {
    'alarm.set': (c, run) => putAlarm(run.aws, c.alarm, { createTags: c.createTags, addTags: c.addTags, removeTags: c.removeTags }),
    'alarm.delete': (c, run) => deleteAlarms(run.aws, [c.alarmName]),
    'alarm.release': (c, run) => releaseAlarm(run.aws, c.alarmName, c.removeTags),
  },
});
