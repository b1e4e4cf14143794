import { createSchedule, type DeleteScheduleInput, deleteSchedule, readRules, releaseSchedule, updateSchedule } from '../../aws/events.js';
import { busOfRuleArn, POLICY_MARKER_TAG, RULE_SID_PREFIX, ruleKey } from '../../config/naming.js';
import type { ReadScope } from '../../model/actual.js';
import { functionsOf } from '../function/read.js';
import { editKept, inventoryNamesOf } from '../kept-inventory.js';
import { defineKind } from '../kind.js';
import { outsidePrefix } from '../plan-inventory.js';
import { statementSource } from '../trigger-policy.js';
import { planSchedules, type ScheduleChange } from './plan.js';
import { selectionsRule } from './read-selected.js';

/** The stage inventory's kind for rules (src/resources/kept-inventory.ts). */
const RULE_KIND = 'rule';

/** The config keeps a rule name or adopts one: only then does a run without a lease look read the inventory. */
const keepsRuleNames = (scope: ReadScope) =>
  (scope.functions ?? []).some((f) =>
    f.triggers.some((t) => (t.kind === 'schedule' || t.kind === 'eventbridge') && (t.adopt || outsidePrefix(scope, t.ruleName))),
  );

/** The named buses the config's event-pattern triggers use (the default bus is always read). */
const desiredBuses = (scope: ReadScope) =>
  (scope.functions ?? []).flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'eventbridge' && t.bus !== 'default' ? [t.bus] : [])));

/** EventBridge rules that invoke a function's `live` on a schedule or an event pattern, with the permission that lets them. */
export const schedule = defineKind<ScheduleChange>({
  kind: 'schedule',
  after: ['function'],
  changes: ['schedule.create', 'schedule.update', 'schedule.delete', 'schedule.release'],
  marks: { [POLICY_MARKER_TAG]: ['schedule.create', 'schedule.update', 'schedule.delete'] },
  async read(aws, scope, r) {
    const known = new Set(['default', ...desiredBuses(scope)]);
    const elsewhere = inventoryNamesOf(aws, scope, RULE_KIND, keepsRuleNames(scope));
    elsewhere.catch(() => {}); // observed by readRules
    const fnsRead = functionsOf(r);
    const keep = scope.only
      ? Promise.all([fnsRead, elsewhere]).then(([{ items }, listed]) => selectionsRule(scope, items, listed))
      : undefined;
    const first = readRules(aws, scope, [...known], elsewhere, keep);
    first.catch(() => {}); // observed below; not an unhandled rejection while the functions are awaited
    // A rule on a bus the config no longer names is found through its permission on `live`, whose source names the bus.
    const { items: fns } = await fnsRead;
    const more = new Set(
      Object.values(fns).flatMap((f) =>
        f.aliasPolicy.flatMap((s) => (s.Sid?.startsWith(RULE_SID_PREFIX) ? [busOfRuleArn(statementSource(s) ?? '')] : [])),
      ),
    );
    const extra = [...more].filter((b) => !known.has(b));
    const [a, b] = await Promise.all([first, extra.length ? readRules(aws, scope, extra, elsewhere, keep) : undefined]);
    const items = { ...a.items, ...b?.items };
    return { actual: Object.keys(items).length ? { rules: items } : {}, foreign: [...a.foreign, ...(b?.foreign ?? [])] };
  },
  plan: planSchedules,
  apply: {
    async 'schedule.create'(c, run) {
      await editKept(run.aws, c.inventory, RULE_KIND, { add: [ruleKey(c.schedule.ruleName, c.schedule.bus)] });
      return createSchedule(run.aws, c.schedule);
    },
    'schedule.update': async (c, run) => {
      await editKept(run.aws, c.inventory, RULE_KIND, { add: [ruleKey(c.schedule.ruleName, c.schedule.bus)] });
      return updateSchedule(run.aws, c.schedule, {
        rule: c.rule,
        target: c.target,
        permission: c.permission,
        removeTargetIds: c.removeTargetIds,
        addTags: c.addTags,
        removeTags: c.removeTags,
      });
    },
    async 'schedule.release'(c, run) {
      await releaseSchedule(run.aws, { ...ruleInput(c), ruleName: c.ruleName, removeTags: c.removeTags });
      await editKept(run.aws, c.inventory, RULE_KIND, { remove: [ruleKey(c.ruleName, c.bus)] });
    },
    async 'schedule.delete'(c, run) {
      await deleteSchedule(run.aws, ruleInput(c));
      if (c.ruleName) await editKept(run.aws, c.inventory, RULE_KIND, { remove: [ruleKey(c.ruleName, c.bus)] });
    },
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
