import { restPermissionPrefix, restPermissionSid, restRouteSourceArn } from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import type { PolicyStatement } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings } from '../../plan/fields.js';
import { leftCallingRest } from '../http-api/plan-left-calling.js';
import type { RestApiChange } from './changes.js';

/**
 * The statements on each function's `live` alias that let the REST API invoke it: one per route, scoped to
 * the route's method and path (`{apiId}/*\/GET/users/*`), ids `ops-rest-api-{hash}`. The HTTP API's
 * `ops-http-api` statements and the triggers' are not these (their planners own them).
 */

const sourceOf = (s: PolicyStatement) => {
  const v = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnLike?.['aws:SourceArn'];
  return typeof v === 'string' ? v : undefined;
};

const principalOf = (s: PolicyStatement) =>
  typeof s.Principal === 'object' && s.Principal !== null ? (s.Principal as { Service?: unknown }).Service : s.Principal;

/** The REST statements on a function's `live` alias, by sid. */
export function restStatements(policy: PolicyStatement[] | undefined, namedApi?: string): Map<string, PolicyStatement[]> {
  const out = new Map<string, PolicyStatement[]>();
  const prefix = restPermissionPrefix(namedApi);
  for (const s of policy ?? []) if (s.Sid?.startsWith(prefix)) out.set(s.Sid, [...(out.get(s.Sid) ?? []), s]);
  return out;
}

/** `apiId` undefined: the API is created by this plan (every statement is new), or no API is wanted (`want` false). */
export function planRestPermissions(ctx: PlanContext, want: boolean, apiId: string | undefined, after: string[]): RestApiChange[] {
  const out: RestApiChange[] = [];
  for (const fn of ctx.deploy) {
    const change = permitChange(ctx, fn, want ? fn.routes : [], apiId, after);
    if (change) out.push(change);
  }
  return out;
}

function permitChange(
  ctx: PlanContext,
  fn: FunctionSpec,
  routes: FunctionSpec['routes'],
  apiId: string | undefined,
  after: string[],
): RestApiChange | undefined {
  const have = restStatements(ctx.actual.functions[fn.name]?.aliasPolicy, ctx.namedApi);
  const add: { sid: string; method: string; path: string }[] = [];
  const remove: string[] = [];
  const wanted = new Set<string>();
  for (const r of routes) {
    const sid = restPermissionSid(r.method, r.path, ctx.namedApi);
    wanted.add(sid);
    const current = have.get(sid) ?? [];
    const source = apiId ? restRouteSourceArn(ctx.region, ctx.accountId, apiId, r.method, r.path) : undefined;
    const same =
      current.length === 1 && source && sourceOf(current[0]) === source && principalOf(current[0]) === 'apigateway.amazonaws.com';
    if (same) continue;
    if (current.length) remove.push(sid);
    add.push({ sid, method: r.method, path: r.path });
  }
  // `ops deploy <fn>` whose routes moved to a function not deployed now: they still call it until that one is.
  const staying = ctx.scope ? (leftCallingRest(ctx.fleet.functions, ctx.namedApi, ctx.actual.restApi, ctx.scope).get(fn.name) ?? []) : [];
  const sidOf = (m: string) => restPermissionSid(m.slice(0, m.indexOf(' ')), m.slice(m.indexOf(' ') + 1), ctx.namedApi);
  for (const m of staying) wanted.add(sidOf(m));
  if (staying.some((m) => have.has(sidOf(m)))) {
    const api = ctx.namedApi ? ` ${ctx.namedApi}` : '';
    ctx.warnings.push(
      `${fn.key}: keeps the permissions that let the rest api${api} invoke it: ${staying.join(', ')} still ${staying.length === 1 ? 'calls' : 'call'} it until the function the config gives ${staying.length === 1 ? 'it' : 'them'} to is deployed`,
    );
  }
  for (const sid of have.keys()) if (!wanted.has(sid)) remove.push(sid);
  if (!add.length && !remove.length) return undefined;
  remove.sort(compareStrings);
  const fields: FieldDiff[] = [
    ...add.map((a) => ({ field: 'route', to: `${a.method} ${a.path}` })),
    ...remove.filter((sid) => !add.some((a) => a.sid === sid)).map((sid) => ({ field: 'statement', from: sid })),
  ];
  const removing = !add.length;
  return {
    kind: 'restapi.permit',
    id: changeId('restapi.permit', fn.name),
    action: removing ? 'delete' : have.size ? 'update' : 'create',
    fn: fn.key,
    resource: { type: 'lambda permission', name: `${fn.name}:live` },
    summary: removing ? `remove the rest api permissions from ${fn.name}:live` : `allow the rest api to invoke ${fn.name}:live`,
    fields,
    dependsOn: [...after, changeId('alias.publish', fn.name)],
    name: fn.name,
    add,
    remove,
    ...(apiId ? { apiId } : {}),
  };
}
