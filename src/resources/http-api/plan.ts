import type { CorsSpec, FunctionSpec } from '../../config/types.js';
import type { ActualApi } from '../../model/actual.js';
import { functionNameOfArn, integrationTarget, liveAliasArn } from '../../plan/arn.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, listText } from '../../plan/fields.js';
import { opsStatementIds, permissionDelete, planPermissions } from './plan-permissions.js';

export { desiredApiPermission } from './plan-permissions.js';

import type { FieldDiff } from '../../plan/change.js';
import type { HttpApiChange } from './changes.js';

export type { HttpApiChange };

const PAYLOAD_FORMAT = '2.0';
const INTEGRATION_TYPE = 'AWS_PROXY';

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

const integrationIdOf = (target: string | undefined) =>
  target?.startsWith('integrations/') ? target.slice('integrations/'.length) : target;

/** The HTTP API, its stage, integrations, routes, and the permissions that let it invoke functions. */
export function planApi(ctx: PlanContext): HttpApiChange[] {
  const { fleet, actual, region, accountId } = ctx;
  const have = actual.api;
  const want = ctx.destroy && !ctx.scope ? undefined : fleet.api;
  if (!want) return have && !ctx.scope ? planApiDelete(ctx, have) : [];
  const routed = ctx.deploy.filter((f) => f.routes.length > 0);
  // A function deployed alone that names the API's URL or id needs it too.
  const named = ctx.deploy.some((f) => Object.values(f.envRefs ?? {}).some((r) => r.kind === 'api'));
  if (!have && ctx.scope && !routed.length && !named) return [];

  const out: HttpApiChange[] = [];
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
  const stage = have?.stages.find((s) => s.name === '$default');
  if (!stage?.autoDeploy) {
    out.push({
      kind: 'api.stage',
      id: changeId('api.stage', want.name),
      action: stage ? 'update' : 'create',
      resource: { type: 'api stage', name: `${want.name} $default` },
      summary: stage
        ? `turn on auto-deploy of the $default stage of ${want.name}`
        : `create the $default stage of ${want.name} (auto-deploy)`,
      fields: [],
      dependsOn: [createId],
      apiName: want.name,
      apiId,
    });
  }

  // Integrations, matched to functions by the alias ARN they invoke.
  // Two for one function (a lost CreateIntegration answer, a race): keep the one most routes use, the
  // other becomes unused below and is deleted.
  const routesUsing = new Map<string, number>();
  for (const r of have?.routes ?? []) {
    const id = integrationIdOf(r.target) ?? '';
    routesUsing.set(id, (routesUsing.get(id) ?? 0) + 1);
  }
  const haveIntegrations = [...(have?.integrations ?? [])].sort(
    (a, b) => (routesUsing.get(b.id) ?? 0) - (routesUsing.get(a.id) ?? 0) || compareStrings(a.id, b.id),
  );
  const ownerOf = new Map(haveIntegrations.map((i) => [i.id, functionNameOfArn(integrationTarget(i.uri))]));
  const byTarget = new Map<string, (typeof haveIntegrations)[number]>();
  for (const i of haveIntegrations) if (!byTarget.has(integrationTarget(i.uri))) byTarget.set(integrationTarget(i.uri), i);
  /** Function name → integration id it will have (undefined: created by this plan). */
  const integrationOf = new Map<string, string | undefined>();
  for (const fn of ctx.desired.filter((f) => f.routes.length > 0)) {
    const uri = liveAliasArn(region, accountId, fn.name);
    const match = byTarget.get(uri);
    integrationOf.set(fn.name, match?.id);
    if (!inScope(ctx, fn.name)) continue;
    const base = { fn: fn.key, resource: { type: 'api integration' as const, name: fn.name }, apiId, uri };
    if (!match) {
      out.push({
        ...base,
        kind: 'integration.create',
        id: changeId('integration.create', fn.name),
        action: 'create',
        summary: `create integration for ${fn.name}:live (payload ${PAYLOAD_FORMAT})`,
        fields: [],
        dependsOn: [createId, changeId('alias.publish', fn.name)],
        name: fn.name,
      });
    } else if (match.payloadFormatVersion !== PAYLOAD_FORMAT || (match.type ?? INTEGRATION_TYPE) !== INTEGRATION_TYPE) {
      const fields: FieldDiff[] = [];
      if (match.payloadFormatVersion !== PAYLOAD_FORMAT)
        fields.push({ field: 'payload', from: match.payloadFormatVersion ?? '(none)', to: PAYLOAD_FORMAT });
      if ((match.type ?? INTEGRATION_TYPE) !== INTEGRATION_TYPE) fields.push({ field: 'type', from: match.type, to: INTEGRATION_TYPE });
      out.push({
        ...base,
        kind: 'integration.update',
        id: changeId('integration.update', fn.name),
        action: 'update',
        summary: `update integration of ${fn.name}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [changeId('alias.publish', fn.name)],
        name: fn.name,
        integrationId: match.id,
      });
    }
  }

  // Routes. `leaving` collects, per integration id, the route changes that stop using it.
  const leaving = new Map<string, string[]>();
  const leave = (target: string | undefined, changeIdValue: string) => {
    const id = integrationIdOf(target);
    if (id) leaving.set(id, [...(leaving.get(id) ?? []), changeIdValue]);
  };
  const wantRoutes = new Map<string, FunctionSpec>();
  for (const fn of ctx.desired) for (const r of fn.routes) wantRoutes.set(r.key, fn);
  const { kept: haveRoutes, extra: extraRoutes } = dedupeRoutes(have?.routes ?? [], (key) => {
    const fn = wantRoutes.get(key);
    return fn ? integrationOf.get(fn.name) : undefined;
  });
  const nameOfTarget = (target: string | undefined) => ownerOf.get(integrationIdOf(target) ?? '') ?? target ?? '(none)';
  for (const fn of routed) {
    const integration = integrationOf.get(fn.name);
    const deps = [createId, changeId('integration.create', fn.name)];
    for (const r of fn.routes) {
      const route = haveRoutes.get(r.key);
      const base = { fn: fn.key, resource: { type: 'api route' as const, name: r.key }, routeKey: r.key, name: fn.name, apiId };
      if (!route) {
        out.push({
          ...base,
          kind: 'route.create',
          id: changeId('route.create', r.key),
          action: 'create',
          summary: `create route ${r.key} → ${fn.name}`,
          fields: [],
          dependsOn: [...deps],
        });
      } else if (integration === undefined || integrationIdOf(route.target) !== integration) {
        const id = changeId('route.update', r.key);
        const from = nameOfTarget(route.target);
        out.push({
          ...base,
          kind: 'route.update',
          id,
          action: 'update',
          summary: `update route ${r.key} → ${fn.name} (was ${from})`,
          fields: [{ field: 'target', from, to: fn.name }],
          dependsOn: [...deps],
          routeId: route.id,
        });
        leave(route.target, id);
      }
    }
  }
  const deleted = new Set<string>();
  for (const route of [...haveRoutes.values()].sort((a, b) => compareStrings(a.key, b.key))) {
    if (wantRoutes.has(route.key)) continue;
    const owner = ownerOf.get(integrationIdOf(route.target) ?? '');
    if (ctx.scope && !(owner && inScope(ctx, owner))) continue;
    const id = changeId('route.delete', route.key);
    out.push({
      kind: 'route.delete',
      id,
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'api route', name: route.key },
      summary: `delete route ${route.key}`,
      fields: [],
      dependsOn: [],
      routeKey: route.key,
      routeId: route.id,
      apiId,
    });
    deleted.add(route.key);
    leave(route.target, id);
  }

  // Second routes with one key (AWS refuses them; moto and races made them): deleted.
  for (const route of extraRoutes) {
    const owner = ownerOf.get(integrationIdOf(route.target) ?? '');
    if (ctx.scope && !(owner && inScope(ctx, owner))) continue;
    const id = changeId('route.delete', `${route.key} ${route.id}`);
    out.push({
      kind: 'route.delete',
      id,
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'api route', name: route.key },
      summary: `delete duplicate route ${route.key} (${route.id})`,
      fields: [],
      dependsOn: [],
      routeKey: route.key,
      routeId: route.id,
      apiId,
    });
    leave(route.target, id);
  }

  // Integrations no route uses once the plan is applied.
  const used = new Set<string>();
  for (const route of haveRoutes.values()) {
    if (deleted.has(route.key)) continue;
    const fn = wantRoutes.get(route.key);
    const target = fn && inScope(ctx, fn.name) ? integrationOf.get(fn.name) : integrationIdOf(route.target);
    if (target) used.add(target);
  }
  for (const id of integrationOf.values()) if (id) used.add(id);
  for (const i of haveIntegrations) {
    if (used.has(i.id)) continue;
    const owner = ownerOf.get(i.id);
    if (ctx.scope && !(owner && inScope(ctx, owner))) continue;
    out.push({
      kind: 'integration.delete',
      id: changeId('integration.delete', i.id),
      action: 'delete',
      fn: owner ? keyOfName(ctx, owner) : undefined,
      resource: { type: 'api integration', name: owner ?? i.id },
      summary: `delete integration ${i.id}${owner ? ` (${owner})` : ''}`,
      fields: [],
      dependsOn: leaving.get(i.id) ?? [],
      integrationId: i.id,
      apiId,
    });
  }
  out.push(...planPermissions(ctx, apiId, createId, out));
  if (have?.duplicates?.length && !ctx.scope) out.push(...planDuplicateApis(have, out));
  return out;
}

/**
 * A route per key: the one already calling the integration the key should call, else the first by
 * id. The others are returned as `extra`.
 */
function dedupeRoutes(routes: ActualApi['routes'], wanted: (key: string) => string | undefined) {
  const kept = new Map<string, ActualApi['routes'][number]>();
  const extra: ActualApi['routes'] = [];
  for (const r of [...routes].sort((a, b) => compareStrings(a.id, b.id))) {
    const current = kept.get(r.key);
    if (!current) kept.set(r.key, r);
    else if (integrationIdOf(r.target) === wanted(r.key) && integrationIdOf(current.target) !== wanted(r.key)) {
      extra.push(current);
      kept.set(r.key, r);
    } else extra.push(r);
  }
  return { kept, extra: extra.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.id, b.id)) };
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
  for (const fn of ctx.deploy) {
    const ours = opsStatementIds(ctx.actual.functions[fn.name]?.aliasPolicy);
    if (ours.length) out.push(permissionDelete(fn.key, fn.name, ours, [id]));
  }
  return out;
}
