import { iamRoleArn, snsStatementId } from './naming.js';
import type { Fleet, FunctionSpec } from './types.js';

/**
 * References to the fleet itself in a function's environment (`{ ref: 'api.url' }`), and the
 * `${account}` / `${region}` placeholders ARNs in the config may hold. Both are resolved by the plan,
 * where the account (STS) and what exists (the API, a layer's versions) are known.
 */

/** What a reference to another function of the fleet yields: its name or ARN, bare or qualified with `live`. */
export const FUNCTION_REF_FIELDS = ['name', 'qualifiedName', 'arn', 'qualifiedArn'] as const;
export type FunctionRefField = (typeof FUNCTION_REF_FIELDS)[number];

/** A reference as written in the config: `api.url`, `api.id`, `function.<key>.<field>`, `layer.<key>.arn`. */
export type FleetRef = 'api.url' | 'api.id' | `function.${string}.${FunctionRefField}` | `layer.${string}.arn`;

/** A reference, parsed; `suffix` is appended to its value (`{ ref: 'api.url', suffix: '/approval' }`). */
export type EnvRef = (
  | { kind: 'api'; field: 'url' | 'id' }
  | { kind: 'function'; key: string; field: FunctionRefField }
  | { kind: 'layer'; key: string }
) & { suffix?: string };

export const REF_PATTERN =
  /^(api\.(url|id)|function\.([a-z][a-z0-9-]*)\.(name|qualifiedName|arn|qualifiedArn)|layer\.([A-Za-z0-9_-]+)\.arn)$/;

export const REF_HELP = `a reference is api.url, api.id, function.<name>.${FUNCTION_REF_FIELDS.join('|')} or layer.<name>.arn`;

export function parseRef(text: string): EnvRef | undefined {
  const m = REF_PATTERN.exec(text);
  if (!m) return undefined;
  if (m[2]) return { kind: 'api', field: m[2] as 'url' | 'id' };
  if (m[3]) return { kind: 'function', key: m[3], field: m[4] as FunctionRefField };
  return { kind: 'layer', key: m[5] };
}

export function refText(ref: EnvRef): FleetRef {
  if (ref.kind === 'api') return `api.${ref.field}`;
  if (ref.kind === 'function') return `function.${ref.key}.${ref.field}`;
  return `layer.${ref.key}.arn`;
}

export const ACCOUNT_PLACEHOLDER = `\${account}`;
export const REGION_PLACEHOLDER = `\${region}`;
/** A region or `${region}`, an account id or `${account}`, as the ARN patterns of the schema accept them. */
export const REGION_PART = String.raw`(?:[a-z0-9-]+|\$\{region\})`;
export const ACCOUNT_PART = String.raw`(?:\d{12}|\$\{account\})`;

export const fillRegion = (text: string, region: string) => text.split(REGION_PLACEHOLDER).join(region);
export const fillAccount = (text: string, accountId: string) => text.split(ACCOUNT_PLACEHOLDER).join(accountId);
export const needsAccount = (text: string | undefined) => !!text?.includes(ACCOUNT_PLACEHOLDER);

/** IAM role names (with an optional path): what `role` may hold instead of an ARN. */
export const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** A role ARN as written, or a role name made the ARN of that role in this account (`${account}` until bound). */
export function roleArnOf(role: string, region: string): string {
  if (role.startsWith('arn:')) return fillRegion(role, region);
  return iamRoleArn(region, ACCOUNT_PLACEHOLDER, role);
}

/** Every ARN of a function's config that may hold placeholders, mapped by `f` (statement ids that hash a topic follow it). */
export function mapArns(fn: FunctionSpec, f: (arn: string) => string): FunctionSpec {
  const each = (v: string | string[] | undefined) => (v === undefined ? v : Array.isArray(v) ? v.map(f) : f(v));
  return {
    ...fn,
    ...(fn.role ? { role: f(fn.role) } : {}),
    triggers: fn.triggers.map((t) =>
      t.kind === 'sns' ? { ...t, topicArn: f(t.topicArn), statementId: snsStatementId(f(t.topicArn)) } : t,
    ),
    alarms: fn.alarms.map((a) => (a.snsTopicArn ? { ...a, snsTopicArn: f(a.snsTopicArn) } : a)),
    layers: fn.layers.map((l) => (l.kind === 'arn' ? { ...l, arn: f(l.arn) } : l)),
    ...(fn.async?.onFailure ? { async: { ...fn.async, onFailure: f(fn.async.onFailure) } } : {}),
    permissions: fn.permissions.map((s) => ({
      ...s,
      ...(s.Resource !== undefined ? { Resource: each(s.Resource) } : {}),
      ...(s.NotResource !== undefined ? { NotResource: each(s.NotResource) } : {}),
    })),
  };
}

/** Whether any ARN of these functions names `${account}` (only then is the account worth asking for). */
export function fleetNeedsAccount(fns: readonly FunctionSpec[]): boolean {
  let found = false;
  const see = (arn: string) => {
    found ||= needsAccount(arn);
    return arn;
  };
  for (const fn of fns) mapArns(fn, see);
  return found;
}

/** The fleet with `${account}` filled in every ARN: one config, any account. Pure. */
export function bindAccount(fleet: Fleet, accountId: string): Fleet {
  if (!fleetNeedsAccount(fleet.functions)) return fleet;
  return { ...fleet, functions: fleet.functions.map((fn) => mapArns(fn, (arn) => fillAccount(arn, accountId))) };
}
