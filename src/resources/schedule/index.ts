import { createSchedule, type DeleteScheduleInput, deleteSchedule, readRules, releaseSchedule, updateSchedule } from '../../aws/events.js';
import { busOfRuleArn, RULE_SID_PREFIX } from '../../config/naming.js';
import type { ReadScope } from '../../model/actual.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { statementSource } from '../trigger-policy.js';
import { planSchedules, type ScheduleChange } from './plan.js';

/** The named buses the config's event-pattern triggers use (the default bus is always read). */
const desiredBuses = (scope: ReadScope) =>
  (scope.functions ?? []).flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'eventbridge' && t.bus !== 'default' ? [t.bus] : [])));

/** EventBridge rules that invoke a function's `live` on a schedule or an event pattern, with the permission that lets them. */
export const schedule = defineKind<ScheduleChange>({
  kind: 'schedule',
  after: ['function'],
  changes: ['schedule.create', 'schedule.update', 'schedule.delete', 'schedule.release'],
  async read(aws, scope, r) {
    const known = new Set(['default', ...desiredBuses(scope)]);
    const first = readRules(aws, scope, [...known]);
    first.catch(() => {}); // observed below; not an unhandled rejection while the functions are awaited
    // A rule on a bus the config no longer names is found through its permission on `live`, whose source names the bus.
    const { items: fns } = await functionsOf(r);
    const more = new Set(
      Object.values(fns).flatMap((f) =>
        f.aliasPolicy.flatMap((s) => (s.Sid?.startsWith(RULE_SID_PREFIX) ? [busOfRuleArn(statementSource(s) ?? '')] : [])),
      ),
    );
    const extra = [...more].filter((b) => !known.has(b));
    const [a, b] = await Promise.all([first, extra.length ? readRules(aws, scope, extra) : undefined]);
    const items = { ...a.items, ...b?.items };
    return { actual: Object.keys(items).length ? { rules: items } : {}, foreign: [...a.foreign, ...(b?.foreign ?? [])] };
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
    'schedule.release': (c, run) => releaseSchedule(run.aws, { ...ruleInput(c), ruleName: c.ruleName, removeTags: c.removeTags }),
    'schedule.delete': (c, run) => deleteSchedule(run.aws, ruleInput(c)),
  },
});

/** The rule, its targets and the permission a delete or a release removes. */
const ruleInput = (c: {
  ruleName?: string;
  bus?: string;
  targetIds: string[];
  name?: string;
  statementId?: string;
}): DeleteScheduleInput => ({
  ...(c.ruleName ? { ruleName: c.ruleName } : {}),
  ...(c.bus ? { bus: c.bus } : {}),
  targetIds: c.targetIds,
  functionName: c.name,
  statementId: c.statementId,
});
