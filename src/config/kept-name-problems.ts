import { type KeptName, keptNameFor } from './kept-name.js';
import { apiName, namedApiName } from './naming.js';

/*
 * Config lines about the kept names of APIs (issue 16.3), before any AWS call: two APIs of one config with one
 * physical name, and `name` / `adopt` on a REST API (adopting one is not built yet: the REST module finds its API
 * by tags only, so a same-named API of another stage would go unseen).
 */

interface Problem {
  path: string;
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One named thing of the config with the physical name it gets in `stage`. */
export interface NamedEntry {
  path: string;
  name: string;
}

/** A line for each entry whose physical name an earlier entry already has (`what`: "api", "rule", "alarm"). */
export function duplicateNameProblems(entries: NamedEntry[], what: string): Problem[] {
  const first = new Map<string, string>();
  const out: Problem[] = [];
  for (const e of entries) {
    const other = first.get(e.name);
    if (other) out.push({ path: e.path, message: `physical name '${e.name}' is also ${other}'s: two ${what}s cannot share one name` });
    else first.set(e.name, e.path);
  }
  return out;
}

/** EventBridge's limit on a rule's name. */
const MAX_RULE_NAME = 64;

const keptOf = (v: unknown, app: string, stage: string) =>
  typeof v === 'string' || isObj(v) ? keptNameFor(v as KeptName, app, stage) : undefined;

/** The kept rule names (`ruleName` of schedule and pattern triggers) in `stage`: unique, and within EventBridge's 64. */
export function ruleNameProblems(raw: unknown, stage: string): Problem[] {
  if (!isObj(raw) || typeof raw.app !== 'string' || !isObj(raw.functions)) return [];
  const entries: NamedEntry[] = [];
  const out: Problem[] = [];
  for (const [key, fn] of Object.entries(raw.functions)) {
    const triggers = isObj(fn) && Array.isArray(fn.triggers) ? fn.triggers : [];
    triggers.forEach((t: unknown, i) => {
      const name = isObj(t) ? keptOf(t.ruleName, raw.app as string, stage) : undefined;
      if (name === undefined) return;
      const path = `functions.${key}.triggers.${i}.ruleName`;
      if (name.length > MAX_RULE_NAME)
        out.push({ path, message: `rule name '${name}' is ${name.length} characters; EventBridge allows ${MAX_RULE_NAME}` });
      else if (!/^[.\-_A-Za-z0-9]+$/.test(name))
        out.push({ path, message: `rule name '${name}' may hold only letters, digits, '.', '-' and '_'` });
      entries.push({ path, name });
    });
  }
  return [...out, ...duplicateNameProblems(entries, 'rule')];
}

/** The APIs' physical names in `stage` and the REST refusals. */
export function apiNameProblems(raw: unknown, stage: string): Problem[] {
  if (!isObj(raw) || typeof raw.app !== 'string') return [];
  const app = raw.app;
  const apis: [string, string, unknown][] = [
    ['api', apiName(app, stage), raw.api],
    ...Object.entries(isObj(raw.apis) ? raw.apis : {}).map(([k, v]): [string, string, unknown] => [
      `apis.${k}`,
      namedApiName(app, stage, k),
      v,
    ]),
  ];
  const out: Problem[] = [];
  const entries: NamedEntry[] = [];
  for (const [path, derived, spec] of apis) {
    if (!isObj(spec)) continue;
    const kept = keptOf(spec.name, app, stage);
    entries.push({ path: `${path}.name`, name: kept ?? derived });
    if (spec.type === 'rest')
      for (const field of ['name', 'adopt'] as const)
        if (spec[field] !== undefined)
          out.push({ path: `${path}.${field}`, message: `a REST API's ${field} is not supported yet (HTTP APIs take it): leave it out` });
  }
  return [...out, ...duplicateNameProblems(entries, 'API')];
}
