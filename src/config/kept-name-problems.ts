import type { KeptName } from './kept-name.js';
import { apiName, namedApiName } from './naming.js';
import { keptNameFor } from './resolve-kept-name.js';

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

/** Where a function lists things with a kept name, and what AWS allows in that name. */
interface KeptField {
  list: 'triggers' | 'alarms';
  field: 'ruleName' | 'alarmName';
  what: 'rule' | 'alarm';
  service: string;
  max: number;
  chars: RegExp;
  charsText: string;
}

const RULE: KeptField = {
  list: 'triggers',
  field: 'ruleName',
  what: 'rule',
  service: 'EventBridge',
  max: MAX_RULE_NAME,
  chars: /^[.\-_A-Za-z0-9]+$/,
  charsText: "letters, digits, '.', '-' and '_'",
};
// CloudWatch takes any printable ASCII in an alarm name, up to 255.
const ALARM: KeptField = {
  list: 'alarms',
  field: 'alarmName',
  what: 'alarm',
  service: 'CloudWatch',
  max: 255,
  chars: /^[\x20-\x7e]+$/,
  charsText: 'printable ASCII',
};

/** The kept names of one field of every function in `stage`: unique, within the service's length and characters. */
function keptFieldProblems(raw: unknown, stage: string, k: KeptField): Problem[] {
  if (!isObj(raw) || typeof raw.app !== 'string' || !isObj(raw.functions)) return [];
  const entries: NamedEntry[] = [];
  const out: Problem[] = [];
  for (const [key, fn] of Object.entries(raw.functions)) {
    const items = isObj(fn) && Array.isArray(fn[k.list]) ? (fn[k.list] as unknown[]) : [];
    items.forEach((t, i) => {
      const name = isObj(t) ? keptOf(t[k.field], raw.app as string, stage) : undefined;
      if (name === undefined) return;
      const path = `functions.${key}.${k.list}.${i}.${k.field}`;
      if (name.length > k.max)
        out.push({ path, message: `${k.what} name '${name}' is ${name.length} characters; ${k.service} allows ${k.max}` });
      else if (!k.chars.test(name)) out.push({ path, message: `${k.what} name '${name}' may hold only ${k.charsText}` });
      entries.push({ path, name });
    });
  }
  return [...out, ...duplicateNameProblems(entries, k.what)];
}

/** The kept rule names (`ruleName` of schedule and pattern triggers) and alarm names (`alarmName`) in `stage`. */
export const keptListNameProblems = (raw: unknown, stage: string): Problem[] => [
  ...keptFieldProblems(raw, stage, RULE),
  ...keptFieldProblems(raw, stage, ALARM),
];

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
