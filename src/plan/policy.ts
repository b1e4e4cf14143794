import type { PolicyDocument, PolicyStatement } from '../model/actual.js';
import { compareStrings } from './fields.js';
import type { FieldDiff } from './types.js';

export const POLICY_VERSION = '2012-10-17';

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const stringSet = (v: unknown) => [...new Set(asList(v).map(String))].sort(compareStrings);

function sortedObject<T>(o: Record<string, unknown>, value: (v: unknown) => T): Record<string, T> {
  return Object.fromEntries(
    Object.keys(o)
      .sort(compareStrings)
      .map((k) => [k, value(o[k])]),
  );
}

/** `"*"`, or `{ Service: [..] }` with every value a sorted list. */
function normalizePrincipal(p: unknown): unknown {
  if (p === undefined || p === null) return undefined;
  if (typeof p !== 'object' || Array.isArray(p)) return String(p);
  return sortedObject(p as Record<string, unknown>, stringSet);
}

/**
 * A statement in a canonical form: string vs one-element list, order of actions, resources and
 * condition values, and `true` vs `"true"` make no difference (IAM treats them the same).
 */
export function normalizeStatement(s: PolicyStatement): Record<string, unknown> {
  const raw = s as PolicyStatement & Record<string, unknown>;
  const out: Record<string, unknown> = { Effect: raw.Effect ?? 'Allow' };
  if (raw.Sid) out.Sid = raw.Sid;
  for (const key of ['Principal', 'NotPrincipal']) if (raw[key] !== undefined) out[key] = normalizePrincipal(raw[key]);
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) if (raw[key] !== undefined) out[key] = stringSet(raw[key]);
  if (raw.Condition && Object.keys(raw.Condition).length) {
    out.Condition = sortedObject(raw.Condition, (op) => sortedObject(op as Record<string, unknown>, stringSet));
  }
  return out;
}

const statementKey = (s: PolicyStatement) => JSON.stringify(normalizeStatement(s));

/** Canonical JSON of a policy: statements normalized, de-duplicated and sorted. */
export function canonicalPolicy(doc: PolicyDocument | undefined): string {
  if (!doc) return 'null';
  const statements = [...new Set(asList(doc.Statement).map((s) => statementKey(s as PolicyStatement)))].sort(compareStrings);
  return JSON.stringify({ Version: doc.Version || POLICY_VERSION, Statement: statements });
}

/** Semantic equality of two policy documents. */
export const policiesEqual = (a: PolicyDocument | undefined, b: PolicyDocument | undefined) => canonicalPolicy(a) === canonicalPolicy(b);

/** `Allow ssm:GetParameter, ssm:GetParameters on arn:…` for plans and warnings. */
export function statementText(s: PolicyStatement): string {
  const n = normalizeStatement(s) as Record<string, unknown> & { Effect: string };
  const parts = [n.Effect];
  if (n.Principal !== undefined) parts.push(`for ${JSON.stringify(n.Principal)}`);
  parts.push(((n.Action ?? n.NotAction) as string[] | undefined)?.join(', ') ?? '');
  if (n.NotAction) parts.push('(not)');
  const resources = (n.Resource ?? n.NotResource) as string[] | undefined;
  if (resources) parts.push(`on ${n.NotResource ? 'all but ' : ''}${resources.join(', ')}`);
  if (n.Condition) parts.push(`when ${JSON.stringify(n.Condition)}`);
  return parts.filter(Boolean).join(' ');
}

/** Statements added (`to`) and removed (`from`) between two documents, as diffs of `field`. */
export function diffPolicies(field: string, from: PolicyDocument | undefined, to: PolicyDocument | undefined): FieldDiff[] {
  if (policiesEqual(from, to)) return [];
  const index = (doc: PolicyDocument | undefined) =>
    new Map(asList(doc?.Statement).map((s) => [statementKey(s as PolicyStatement), s as PolicyStatement]));
  const a = index(from);
  const b = index(to);
  const out: FieldDiff[] = [];
  for (const [k, s] of a) if (!b.has(k)) out.push({ field, from: statementText(s) });
  for (const [k, s] of b) if (!a.has(k)) out.push({ field, to: statementText(s) });
  if (!out.length) out.push({ field, from: `Version ${from?.Version ?? '(none)'}`, to: `Version ${to?.Version ?? '(none)'}` });
  return out;
}
