import { createSchedule, deleteSchedule, readRules, updateSchedule } from '../../aws/events.js';
import { defineKind } from '../kind.js';
import { planSchedules, type ScheduleChange } from './plan.js';

/** EventBridge rules that invoke a function's `live` on a schedule, with the permission that lets them. */
export const schedule = defineKind<ScheduleChange>({
  kind: 'schedule',
  after: ['function'],
  changes: ['schedule.create', 'schedule.update', 'schedule.delete'],
  async read(aws, scope) {
    const { items, foreign } = await readRules(aws, scope);
    return { actual: Object.keys(items).length ? { rules: items } : {}, foreign };
  },
  plan: planSchedules,
  apply: {
    'schedule.create': (c, run) => createSchedule(run.aws, c.schedule),
    'schedule.update': (c, run) =>
      updateSchedule(run.aws, c.schedule, {
        rule: c.rule,
        target: c.target,
        permission: c.permission,
        removeTargetIds: c.removeTargetIds,
        addTags: c.addTags,
        removeTags: c.removeTags,
      }),
    'schedule.delete': (c, run) =>
      deleteSchedule(run.aws, { ruleName: c.ruleName, targetIds: c.targetIds, functionName: c.name, statementId: c.statementId }),
  },
});
