import type { PolicyDocument, PolicyStatement } from '../model/actual.js';

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '').test(value);
}

function covers(s: PolicyStatement, action: string, resource: string): boolean {
  const action_ =
    s.Action !== undefined
      ? asList(s.Action).some((p) => wildcard(p, action, true))
      : s.NotAction !== undefined && !asList(s.NotAction).some((p) => wildcard(p, action, true));
  const resource_ =
    s.Resource !== undefined
      ? asList(s.Resource).some((p) => wildcard(p, resource, false))
      : s.NotResource !== undefined && !asList(s.NotResource).some((p) => wildcard(p, resource, false));
  return action_ && resource_;
}

const conditional = (s: PolicyStatement) => s.Condition !== undefined && Object.keys(s.Condition).length > 0;

/**
 * Whether the policies let `action` on `resource`, as far as ops can tell from the documents alone:
 * an Allow with a condition is not counted (it may not hold) and a Deny is counted even with one (it
 * may), so an unsure answer is "no" and the warning errs towards asking.
 */
export function policiesAllow(policies: readonly PolicyDocument[], action: string, resource: string): boolean {
  const statements = policies.flatMap((p) => p.Statement);
  if (statements.some((s) => s.Effect === 'Deny' && covers(s, action, resource))) return false;
  return statements.some((s) => (s.Effect ?? 'Allow') === 'Allow' && !conditional(s) && covers(s, action, resource));
}

/**
 * The part of `wanted` the policies do not allow: per statement, the actions and resources of the
 * pairs not allowed (a statement fully allowed is left out).
 */
export function missingGrants(policies: readonly PolicyDocument[], wanted: readonly PolicyStatement[]): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const s of wanted) {
    const actions = asList(s.Action);
    const resources = asList(s.Resource);
    const missing = actions.flatMap((a) => resources.filter((r) => !policiesAllow(policies, a, r)).map((r) => [a, r] as const));
    if (!missing.length) continue;
    out.push({
      Effect: 'Allow',
      Action: [...new Set(missing.map(([a]) => a))],
      Resource: [...new Set(missing.map(([, r]) => r))],
    });
  }
  return out;
}
