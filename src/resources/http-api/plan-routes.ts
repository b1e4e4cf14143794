import { functionNameOfArn, integrationTarget, liveAliasArn } from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import type { ActualApi } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary } from '../../plan/fields.js';
import type { HttpApiChange } from './changes.js';
import { plannedRouteAuth, routeAuthDiff } from './plan-authorizers.js';

/** The integrations and routes of the stage's HTTP API: one AWS_PROXY integration per routed function, its routes. */

const PAYLOAD_FORMAT = '2.0';
const INTEGRATION_TYPE = 'AWS_PROXY';

const integrationIdOf = (target: string | undefined) =>
  target?.startsWith('integrations/') ? target.slice('integrations/'.length) : target;

interface ApiScope {
  have?: ActualApi;
  /** Undefined while the API is created by this plan. */
  apiId?: string;
  createId: string;
  /** The deployed functions with routes. */
  routed: FunctionSpec[];
  /** Authorizer name → id (undefined: created by this plan); absent: no route has or wants authorization. */
  authorizerIds?: Map<string, string | undefined>;
}

/** What the integrations are: in use by how many routes, whose function, and the one each function will use. */
interface Integrations {
  have: NonNullable<ActualApi['integrations']>;
  ownerOf: Map<string, string | undefined>;
  /** Function name → integration id it will have (undefined: created by this plan). */
  integrationOf: Map<string, string | undefined>;
}

/** What the route changes leave behind: per integration id the changes that stop using it, and the keys deleted. */
interface RouteOutcome {
  leaving: Map<string, string[]>;
  deleted: Set<string>;
  wantRoutes: Map<string, FunctionSpec>;
  haveRoutes: Map<string, ActualApi['routes'][number]>;
}

export function planRoutesAndIntegrations(ctx: PlanContext, api: ApiScope): HttpApiChange[] {
  const out: HttpApiChange[] = [];
  const integrations = planIntegrations(ctx, api, out);
  const routes = planRoutes(ctx, api, integrations, out);
  planUnusedIntegrations(ctx, api, integrations, routes, out);
  return out;
}

function planIntegrations(ctx: PlanContext, { have, apiId, createId }: ApiScope, out: HttpApiChange[]): Integrations {
  const { region, accountId } = ctx;
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
  return { have: haveIntegrations, ownerOf, integrationOf };
}

function planRoutes(ctx: PlanContext, scope: ApiScope, ints: Integrations, out: HttpApiChange[]): RouteOutcome {
  const { have, apiId, createId, routed } = scope;
  const { ownerOf, integrationOf } = ints;
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
      const auth = plannedRouteAuth(r, scope.authorizerIds ?? new Map());
      const authDeps = auth.authorizer && !auth.authorizerId ? [changeId('authorizer.create', auth.authorizer)] : [];
      if (!route) {
        out.push({
          ...base,
          kind: 'route.create',
          id: changeId('route.create', r.key),
          action: 'create',
          summary: `create route ${r.key} → ${fn.name}${auth.type === 'NONE' ? '' : ` (auth ${auth.authorizer ?? 'iam'})`}`,
          fields: [],
          dependsOn: [...deps, ...authDeps],
          ...(auth.type === 'NONE' ? {} : { auth }),
        });
        continue;
      }
      const moved = integration === undefined || integrationIdOf(route.target) !== integration;
      const authField = routeAuthDiff(route, auth, (id) => have?.authorizers?.find((a) => a.id === id)?.name);
      if (!moved && !authField) continue;
      const id = changeId('route.update', r.key);
      const from = nameOfTarget(route.target);
      const fields: FieldDiff[] = [...(moved ? [{ field: 'target', from, to: fn.name }] : []), ...(authField ? [authField] : [])];
      out.push({
        ...base,
        kind: 'route.update',
        id,
        action: 'update',
        summary: moved ? `update route ${r.key} → ${fn.name} (was ${from})` : `update route ${r.key}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [...deps, ...authDeps],
        routeId: route.id,
        ...(authField ? { auth } : {}),
      });
      if (moved) leave(route.target, id);
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
  return { leaving, deleted, wantRoutes, haveRoutes };
}

function planUnusedIntegrations(
  ctx: PlanContext,
  { apiId }: ApiScope,
  ints: Integrations,
  routes: RouteOutcome,
  out: HttpApiChange[],
): void {
  const { ownerOf, integrationOf, have: haveIntegrations } = ints;
  const { leaving, deleted, wantRoutes, haveRoutes } = routes;
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
