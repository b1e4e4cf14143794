import type { CorsSpec } from '../../config/types.js';
import type { ActualApi } from '../../model/actual.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, listText } from '../../plan/fields.js';
import { claimApi, isAdopted, releaseApi } from './plan-adopt.js';
import { type AuthorizerPlan, planAuthorizerGrants, planAuthorizers } from './plan-authorizers.js';
import { opsStatementIds, permissionDelete, planPermissions } from './plan-permissions.js';
import { planRoutesAndIntegrations } from './plan-routes.js';
import { planStages } from './plan-stages.js';

export { desiredApiPermission } from './plan-permissions.js';

import type { FieldDiff } from '../../plan/change.js';
import type { HttpApiChange } from './changes.js';

export type { HttpApiChange };

/** CORS in a comparable form: missing lists are empty, methods upper case, headers lower case, all sorted. */
function normalizeCors(c: CorsSpec | undefined) {
  const sorted = (l: string[] | undefined, f: (s: string) => string = (s) => s) => [...new Set((l ?? []).map(f))].sort(compareStrings);
  return {
    allowOrigins: sorted(c?.allowOrigins),
    allowMethods: sorted(c?.allowMethods, (s) => s.toUpperCase()),
    allowHeaders: sorted(c?.allowHeaders, (s) => s.toLowerCase()),
    exposeHeaders: sorted(c?.exposeHeaders, (s) => s.toLowerCase()),
    maxAge: String(c?.maxAge ?? 0),
    allowCredentials: String(c?.allowCredentials ?? false),
  };
}

export function diffCors(from: CorsSpec | undefined, to: CorsSpec | undefined): FieldDiff[] {
  const a = normalizeCors(from);
  const b = normalizeCors(to);
  const out: FieldDiff[] = [];
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    const x = a[key];
    const y = b[key];
    const text = (v: string | string[]) => (Array.isArray(v) ? listText(v) : v);
    if (text(x) !== text(y)) out.push({ field: `cors.${key}`, from: text(x), to: text(y) });
  }
  return out;
}

/** The HTTP API, its stage, integrations, routes, and the permissions that let it invoke functions. */
export function planApi(ctx: PlanContext): HttpApiChange[] {
  const { fleet } = ctx;
  // A REST API (`api.type: 'rest'`) is the rest-api module's: an HTTP API left from before is deleted.
  const want = (ctx.destroy && !ctx.scope) || fleet.api?.type === 'rest' ? undefined : fleet.api;
  // An API with a kept name that is not ours: adopted, or the plan stops (plan-adopt.ts).
  const { have, adopt } = claimApi(ctx, want, ctx.actual.api);
  if (!want) return have && !ctx.scope ? planApiDelete(ctx, have) : [];
  const routed = ctx.deploy.filter((f) => f.routes.length > 0);
  // A function deployed alone that names the API's URL or id needs it too.
  const named = ctx.deploy.some((f) => Object.values(f.envRefs ?? {}).some((r) => r.kind === 'api'));
  if (!have && ctx.scope && !routed.length && !named) return [];
  // A selection attached to the API (a route on it, a reference to it, the function of one of its Lambda authorizers)
  // may need its stage and authorizers made; one that is not changes nothing of the API's own (`ops deploy cron`).
  const authorizerFns = new Set((want.authorizers ?? []).flatMap((a) => (a.type === 'lambda' ? [a.functionName] : [])));
  const attached = !ctx.scope || routed.length > 0 || named || ctx.deploy.some((f) => authorizerFns.has(f.name));

  const out: HttpApiChange[] = adopt ? [adopt] : [];
  const apiId = have?.id;
  const createId = changeId('api.create', want.name);
  const apiResource = { type: 'http api' as const, name: want.name };
  if (!have) {
    out.push({
      kind: 'api.create',
      id: createId,
      action: 'create',
      resource: apiResource,
      summary: `create http api ${want.name}`,
      fields: [],
      dependsOn: [],
      apiName: want.name,
      cors: want.cors,
      tags: fleet.tags,
      ...(want.stage ? { stage: want.stage } : {}),
    });
  } else if (!ctx.scope) {
    const fields = diffCors(have.cors, want.cors);
    if (fields.length) {
      out.push({
        kind: 'api.update',
        id: changeId('api.update', want.name),
        action: 'update',
        resource: apiResource,
        summary: `update CORS of http api ${want.name}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [],
        apiId: have.id,
        cors: want.cors,
      });
    }
  }
  if (attached) out.push(...planStages(ctx, want, have, createId));

  const authorizers = attached ? planAuthorizers(ctx, have, apiId, createId) : withoutCreates(planAuthorizers(ctx, have, apiId, createId));
  out.push(...authorizers.changes);
  out.push(...planRoutesAndIntegrations(ctx, { have, apiId, createId, routed, authorizerIds: authorizers.ids }));
  // An authorizer goes once no route uses it: after every route change of the plan.
  const routeChanges = out.filter((c) => c.kind.startsWith('route.')).map((c) => c.id);
  out.push(...authorizers.deletes.map((c) => ({ ...c, dependsOn: routeChanges })));
  out.push(...planAuthorizerGrants(ctx, apiId, authorizers.ids, false));
  out.push(...planPermissions(ctx, apiId, createId, out));
  if (have?.duplicates?.length && !ctx.scope) out.push(...planDuplicateApis(have, out));
  return out;
}

/** The authorizers as they are: none created (nor granted, as a created one would be). */
function withoutCreates(plan: AuthorizerPlan): AuthorizerPlan {
  const created = new Set(plan.changes.filter((c) => c.kind === 'authorizer.create').map((c) => c.resource.name));
  return {
    changes: plan.changes.filter((c) => c.kind !== 'authorizer.create'),
    ids: new Map([...plan.ids].filter(([name]) => !created.has(name))),
    deletes: plan.deletes,
  };
}

/**
 * Newer owned APIs with the stage's name: deleted once the permissions point at the kept (oldest)
 * one and its routes are in place, so nothing is left calling through them.
 */
function planDuplicateApis(have: ActualApi, planned: HttpApiChange[]): HttpApiChange[] {
  const after = planned
    .filter((c) => c.kind === 'permission.set' || c.kind === 'route.create' || c.kind === 'route.update' || c.kind === 'integration.create')
    .map((c) => c.id);
  return (have.duplicates ?? []).map((d) => ({
    kind: 'api.delete' as const,
    id: changeId('api.delete', `${have.name} ${d.id}`),
    action: 'delete' as const,
    resource: { type: 'http api' as const, name: `${have.name} (${d.id})` },
    summary: `delete duplicate http api ${have.name} (${d.id}, ${d.endpoint || 'no endpoint'}); ${have.id} is kept`,
    fields: [],
    dependsOn: after,
    apiId: d.id,
  }));
}

/** No API in the config: delete the owned one (with its routes and integrations) and the functions' permissions. */
function planApiDelete(ctx: PlanContext, have: ActualApi): HttpApiChange[] {
  if (isAdopted(have)) return planApiRelease(ctx, have);
  const id = changeId('api.delete', have.name);
  const out: HttpApiChange[] = [
    {
      kind: 'api.delete',
      id,
      action: 'delete',
      resource: { type: 'http api', name: have.name },
      summary: `delete http api ${have.name} (${have.id}) with its routes and integrations`,
      fields: [],
      dependsOn: [],
      apiId: have.id,
    },
    ...planDuplicateApis(have, []),
  ];
  return [...out, ...permissionsAfter(ctx, id)];
}

/** The functions' API permissions and authorizer grants, removed once `id` (the API's delete or release) is done. */
function permissionsAfter(ctx: PlanContext, id: string): HttpApiChange[] {
  const out: HttpApiChange[] = [];
  for (const fn of ctx.deploy) {
    const ours = opsStatementIds(ctx.actual.functions[fn.name]?.aliasPolicy, ctx.namedApi);
    if (ours.length) out.push(permissionDelete(fn.key, fn.name, ours, [id]));
  }
  out.push(...planAuthorizerGrants(ctx, undefined, new Map(), true).map((c) => ({ ...c, dependsOn: [id] })));
  return out;
}

/** An adopted API leaving: ops's routes and integrations go (nothing else of it), then its tags; the API stays. */
function planApiRelease(ctx: PlanContext, have: ActualApi): HttpApiChange[] {
  const view = { ...ctx, desired: [], deploy: [] };
  const routes = planRoutesAndIntegrations(view, { have, apiId: have.id, createId: '', routed: [] });
  const release = releaseApi(
    have,
    routes.map((c) => c.id),
  );
  return [...routes, release, ...permissionsAfter(ctx, release.id)];
}
