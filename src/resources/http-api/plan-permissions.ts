import {
  API_PERMISSION_SID,
  apiPermissionSid,
  apiSourceArn,
  functionNameOfArn,
  integrationTarget,
  liveAliasArn,
} from '../../config/naming.js';
import type { PolicyStatement } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings } from '../../plan/fields.js';
import { normalizeStatement } from '../../plan/policy.js';
import type { HttpApiChange } from './changes.js';
import { leftCalling } from './plan-left-calling.js';

/** The permissions on each function's `live` alias that let the fleet's HTTP API invoke it. */

/** The statement on a function's `live` alias that lets the fleet's API invoke it. */
export function desiredApiPermission(
  region: string,
  accountId: string,
  functionName: string,
  apiId: string,
  opts: { sid?: string; stage?: string } = {},
): PolicyStatement {
  return {
    Sid: opts.sid ?? API_PERMISSION_SID,
    Effect: 'Allow',
    Principal: { Service: 'apigateway.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: liveAliasArn(region, accountId, functionName),
    Condition: { ArnLike: { 'AWS:SourceArn': apiSourceArn(region, accountId, apiId, opts.stage) } },
  };
}

/**
 * The API's statements on an alias policy: `ops-http-api` (duplicates possible on moto) and stale
 * `ops-http-api-*` variants; a set replaces all of them. The triggers' `ops-rule-*` / `ops-sns-*`
 * statements are not the API's (triggers.ts owns them).
 */
export const opsStatementIds = (policy: PolicyStatement[] | undefined, namedApi?: string) =>
  (policy ?? [])
    .map((s) => s.Sid ?? '')
    .filter((sid) =>
      namedApi ? sid === apiPermissionSid(namedApi) : sid === API_PERMISSION_SID || sid.startsWith(`${API_PERMISSION_SID}-`),
    )
    .sort(compareStrings);

const sourceOf = (s: PolicyStatement) => {
  const v = s.Condition?.ArnLike?.['AWS:SourceArn'];
  return Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : undefined;
};

export function planPermissions(ctx: PlanContext, apiId: string | undefined, createId: string, planned: HttpApiChange[]): HttpApiChange[] {
  const out: HttpApiChange[] = [];
  // A named API's statement is its own (`ops-api-{key}`); an HTTP API with a named stage allows that stage only.
  const sid = apiPermissionSid(ctx.namedApi);
  const stage = ctx.fleet.api?.type !== 'rest' ? ctx.fleet.api?.stage : undefined;
  for (const fn of ctx.deploy) {
    const policy = ctx.actual.functions[fn.name]?.aliasPolicy ?? [];
    const ours = opsStatementIds(policy, ctx.namedApi);
    const resource = { type: 'lambda permission' as const, name: `${fn.name}:live` };
    if (fn.routes.length) {
      const want = apiId ? desiredApiPermission(ctx.region, ctx.accountId, fn.name, apiId, { sid, stage }) : undefined;
      const current = policy.find((s) => s.Sid === sid);
      const same = want && current && JSON.stringify(normalizeStatement(want)) === JSON.stringify(normalizeStatement(current));
      if (same && ours.length === 1) continue;
      const sourceArn = apiId ? apiSourceArn(ctx.region, ctx.accountId, apiId, stage) : undefined;
      const fields: FieldDiff[] = ours.filter((s) => s !== sid).map((s) => ({ field: 'statement', from: s }));
      if (current && !same) fields.unshift({ field: 'source', from: sourceOf(current) ?? '(none)', to: sourceArn ?? 'the new http api' });
      out.push({
        kind: 'permission.set',
        id: changeId('permission.set', fn.name),
        action: current ? 'update' : 'create',
        fn: fn.key,
        resource,
        summary: `allow the http api to invoke ${fn.name}:live`,
        fields,
        dependsOn: [createId, changeId('alias.publish', fn.name)],
        name: fn.name,
        statementId: sid,
        removeStatementIds: ours,
        apiId,
        sourceArn,
        ...(stage ? { stage } : {}),
      });
    } else if (ours.length) {
      // `ops deploy <fn>` whose routes moved to a function not deployed now: they still call it until that one is.
      const staying = ctx.scope ? (leftCalling(ctx.fleet.functions, ctx.namedApi, ctx.actual.api, ctx.scope).get(fn.name) ?? []) : [];
      if (staying.length) {
        const api = ctx.namedApi ? ` ${ctx.namedApi}` : '';
        ctx.warnings.push(
          `${fn.key}: keeps the permission that lets the http api${api} invoke it: ${staying.join(', ')} still ${staying.length === 1 ? 'calls' : 'call'} it until the function the config gives ${staying.length === 1 ? 'it' : 'them'} to is deployed`,
        );
        continue;
      }
      out.push(permissionDelete(fn.key, fn.name, ours, leavingRoutes(ctx, fn.name, planned)));
    }
  }
  return out;
}

/** The changes of `planned` that delete the routes calling `name` or move them to another function: its permission goes after them. */
function leavingRoutes(ctx: PlanContext, name: string, planned: HttpApiChange[]): string[] {
  const have = ctx.actual.api;
  const mine = new Set((have?.integrations ?? []).filter((i) => functionNameOfArn(integrationTarget(i.uri)) === name).map((i) => i.id));
  const calling = (have?.routes ?? []).filter(
    (r) => r.target?.startsWith('integrations/') && mine.has(r.target.slice('integrations/'.length)),
  );
  const moves = new Map<string, string>();
  for (const c of planned) {
    if (c.kind === 'route.delete' || (c.kind === 'route.update' && c.fields.some((f) => f.field === 'target'))) moves.set(c.routeId, c.id);
  }
  const leaving = planned.filter((c) => c.kind === 'route.delete' && c.fn === keyOfName(ctx, name)).map((c) => c.id);
  for (const r of calling) if (moves.has(r.id)) leaving.push(moves.get(r.id)!);
  return [...new Set(leaving)];
}

export function permissionDelete(key: string, name: string, statementIds: string[], dependsOn: string[]): HttpApiChange {
  return {
    kind: 'permission.delete',
    id: changeId('permission.delete', name),
    action: 'delete',
    fn: key,
    resource: { type: 'lambda permission', name: `${name}:live` },
    summary: `remove the http api permission from ${name}:live`,
    fields: statementIds.map((sid) => ({ field: 'statement', from: sid })),
    dependsOn,
    name,
    statementIds,
  };
}
