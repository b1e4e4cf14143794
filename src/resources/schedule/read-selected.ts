import { RULE_SID_PREFIX } from '../../config/naming.js';
import type { ActualFunction, ReadScope } from '../../model/actual.js';

/**
 * With a selection (`ops deploy fn`), the listed rules its plan can act on (src/resources/schedule/plan.ts owns a rule
 * by the function it targets): the rules the selected functions want, those named after a selected function, those
 * whose permission is on a selected function's `live` (every rule ops made for it has one, whatever its name), and
 * the kept names the stage inventory lists (`listed`: keys `bus/name`) that no configured trigger wants any more: such
 * a rule is found by nothing else once its permission is gone (removed by hand), and only its target says whose it
 * is. The others' tags and targets are not read: the plan leaves them alone.
 */
export function selectionsRule(
  scope: ReadScope & { only?: readonly string[] },
  fns: Record<string, ActualFunction>,
  listed: readonly string[] = [],
) {
  const selected = new Set(scope.only ?? []);
  const mine = (scope.functions ?? []).filter((f) => selected.has(f.name));
  const ruleNames = (f: NonNullable<ReadScope['functions']>[number]) =>
    f.triggers.flatMap((t) => (t.kind === 'schedule' || t.kind === 'eventbridge' ? [t.ruleName] : []));
  const names = new Set(mine.flatMap(ruleNames));
  for (const f of Object.values(fns)) {
    if (!selected.has(f.name)) continue;
    for (const s of f.aliasPolicy) if (s.Sid?.startsWith(RULE_SID_PREFIX)) names.add(s.Sid.slice(RULE_SID_PREFIX.length));
  }
  const configured = new Set((scope.functions ?? []).flatMap(ruleNames));
  for (const key of listed) {
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (!configured.has(name)) names.add(name);
  }
  const prefixes = mine.map((f) => `${scope.app}-${scope.stage}-${f.key}-`);
  return (name: string) => names.has(name) || prefixes.some((p) => name.startsWith(p));
}
