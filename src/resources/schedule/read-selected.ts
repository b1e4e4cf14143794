import { RULE_SID_PREFIX } from '../../config/naming.js';
import type { ActualFunction, ReadScope } from '../../model/actual.js';

/**
 * With a selection (`ops deploy fn`), the listed rules its plan can act on (src/resources/schedule/plan.ts owns a rule
 * by the function it targets): the rules the selected functions want, those named after a selected function, and
 * those whose permission is on a selected function's `live` (every rule ops made for it has one, whatever its
 * name). The others' tags and targets are not read: the plan leaves them alone.
 */
export function selectionsRule(scope: ReadScope & { only?: readonly string[] }, fns: Record<string, ActualFunction>) {
  const selected = new Set(scope.only ?? []);
  const mine = (scope.functions ?? []).filter((f) => selected.has(f.name));
  const names = new Set(
    mine.flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'schedule' || t.kind === 'eventbridge' ? [t.ruleName] : []))),
  );
  for (const f of Object.values(fns)) {
    if (!selected.has(f.name)) continue;
    for (const s of f.aliasPolicy) if (s.Sid?.startsWith(RULE_SID_PREFIX)) names.add(s.Sid.slice(RULE_SID_PREFIX.length));
  }
  const prefixes = mine.map((f) => `${scope.app}-${scope.stage}-${f.key}-`);
  return (name: string) => names.has(name) || prefixes.some((p) => name.startsWith(p));
}
