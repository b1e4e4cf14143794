import { namedApiSidPrefix, restIntegrationUri } from '../../config/naming.js';
import type { AuthorizerInput, AuthorizerSpec } from '../../config/resolve-authorizers.js';
import type { RouteSpec } from '../../config/types.js';
import type { ActualApi, ActualAuthorizer } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, listText } from '../../plan/fields.js';
import { planLambdaAuthorizerGrants } from '../plan-authorizer-grants.js';
import type { HttpApiChange, PlannedRouteAuth } from './changes.js';

/**
 * The HTTP API's authorizers: created, updated field by field, deleted once no route uses them; each route's
 * authorization; the Lambda authorizers' invoke permissions, scoped to `{api}/authorizers/{id}`.
 */

/** On the authorizer function's `live` alias: one statement per Lambda authorizer. Not `ops-http-api-*` (those are the routes'). */
export const AUTHORIZER_SID_PREFIX = 'ops-authorizer-';

type ActualRoute = ActualApi['routes'][number];

/** What API Gateway should hold for an authorizer of the config (`iam` has none: it is a route's type). */
export function authorizerInput(a: AuthorizerSpec): AuthorizerInput | undefined {
  if (a.type === 'iam') return undefined;
  if (a.type === 'jwt') return { name: a.name, type: 'JWT', issuer: a.issuer, audience: a.audience, identitySource: a.identitySource };
  return { name: a.name, type: 'REQUEST', functionName: a.functionName, identitySource: a.identitySource, ttl: a.ttl, payload: a.payload };
}

const sorted = (l: readonly string[] | undefined) => [...(l ?? [])].sort(compareStrings);

/** Field by field, both sides normalized (lists sorted; TTL 0 when unset, as API Gateway reads it). */
export function diffAuthorizer(ctx: Pick<PlanContext, 'region' | 'accountId'>, have: ActualAuthorizer, want: AuthorizerInput): FieldDiff[] {
  const out: FieldDiff[] = [];
  const field = (name: string, from: string, to: string) => from !== to && out.push({ field: name, from, to });
  field('type', have.type, want.type);
  field('identitySource', listText(sorted(have.identitySource)), listText(sorted(want.identitySource)));
  if (want.type === 'JWT') {
    field('issuer', have.issuer ?? '(none)', want.issuer);
    field('audience', listText(sorted(have.audience)), listText(sorted(want.audience)));
  } else {
    field('function', have.uri ?? '(none)', restIntegrationUri(ctx.region, ctx.accountId, want.functionName));
    field('ttl', String(have.ttl ?? 0), String(want.ttl));
    field('payload', have.payload ?? '(none)', want.payload);
    field('simpleResponses', String(have.simpleResponses ?? false), String(want.payload === '2.0'));
  }
  return out;
}

export interface AuthorizerPlan {
  changes: HttpApiChange[];
  /** Authorizer name → id (undefined: created by this plan). */
  ids: Map<string, string | undefined>;
  /** Ids to delete once the route changes are done (their change ids). */
  deletes: HttpApiChange[];
}

/** Kept per name: the first by id (a second one with the name, from a lost create answer, is deleted). */
function byName(have: ActualAuthorizer[]): { kept: Map<string, ActualAuthorizer>; extra: ActualAuthorizer[] } {
  const kept = new Map<string, ActualAuthorizer>();
  const extra: ActualAuthorizer[] = [];
  for (const a of [...have].sort((x, y) => compareStrings(x.id, y.id))) {
    if (kept.has(a.name)) extra.push(a);
    else kept.set(a.name, a);
  }
  return { kept, extra };
}

export function planAuthorizers(
  ctx: PlanContext,
  have: ActualApi | undefined,
  apiId: string | undefined,
  createId: string,
): AuthorizerPlan {
  const want = (ctx.fleet.api?.authorizers ?? []).flatMap((a) => {
    const input = authorizerInput(a);
    return input ? [{ spec: a, input }] : [];
  });
  const { kept, extra } = byName(have?.authorizers ?? []);
  const changes: HttpApiChange[] = [];
  const ids = new Map<string, string | undefined>();
  for (const { spec, input } of want) {
    const current = kept.get(spec.name);
    ids.set(spec.name, current?.id);
    const base = { resource: { type: 'api authorizer' as const, name: spec.name }, apiId, authorizer: input };
    const deps = [createId, ...(spec.type === 'lambda' ? [changeId('alias.publish', spec.functionName)] : [])];
    if (!current) {
      changes.push({
        ...base,
        kind: 'authorizer.create',
        id: changeId('authorizer.create', spec.name),
        action: 'create',
        summary: `create ${spec.type} authorizer ${spec.name}`,
        fields: [],
        dependsOn: deps,
      });
      continue;
    }
    if (ctx.scope) continue;
    const fields = diffAuthorizer(ctx, current, input);
    if (fields.length)
      changes.push({
        ...base,
        kind: 'authorizer.update',
        id: changeId('authorizer.update', spec.name),
        action: 'update',
        summary: `update authorizer ${spec.name}: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: deps,
        authorizerId: current.id,
      });
  }
  const deletes: HttpApiChange[] = ctx.scope
    ? []
    : [...[...kept.values()].filter((a) => !ids.has(a.name)), ...extra].map((a) => ({
        kind: 'authorizer.delete' as const,
        id: changeId('authorizer.delete', a.id),
        action: 'delete' as const,
        resource: { type: 'api authorizer' as const, name: a.name },
        summary: `delete authorizer ${a.name} (${a.id})${ids.has(a.name) ? ': a second one with the name' : ''}`,
        fields: [],
        dependsOn: [],
        apiId,
        authorizerId: a.id,
      }));
  return { changes, ids, deletes };
}

/** What a route should have, with the authorizer's id where it exists. */
export function plannedRouteAuth(route: RouteSpec, ids: Map<string, string | undefined>): PlannedRouteAuth {
  const a = route.auth;
  if (!a) return { type: 'NONE' };
  if (a.type === 'iam') return { type: 'AWS_IAM' };
  const id = ids.get(a.authorizer);
  return {
    type: a.type === 'jwt' ? 'JWT' : 'CUSTOM',
    authorizer: a.authorizer,
    ...(id ? { authorizerId: id } : {}),
    ...(a.type === 'jwt' && a.scopes?.length ? { scopes: a.scopes } : {}),
  };
}

const authText = (type: string, name?: string, scopes?: string[]) =>
  type === 'NONE' ? 'none' : type === 'AWS_IAM' ? 'iam' : `${name ?? '?'}${scopes?.length ? ` (${sorted(scopes).join(' ')})` : ''}`;

/**
 * The route's authorization differs from what it should have: the field to show, else undefined. The
 * authorizer id of NONE and AWS_IAM routes is not compared (API Gateway ignores it there).
 */
export function routeAuthDiff(
  have: ActualRoute,
  want: PlannedRouteAuth,
  nameOfId: (id: string) => string | undefined,
): FieldDiff | undefined {
  const h = have.auth ?? { type: 'NONE' };
  const from = authText(
    h.type,
    h.authorizerId ? (nameOfId(h.authorizerId) ?? h.authorizerId) : undefined,
    h.type === 'JWT' ? h.scopes : undefined,
  );
  const to = authText(want.type, want.authorizer, want.scopes);
  const same =
    h.type === want.type &&
    (want.type === 'NONE' || want.type === 'AWS_IAM' || (want.authorizerId !== undefined && h.authorizerId === want.authorizerId)) &&
    (want.type !== 'JWT' || sorted(h.scopes).join(' ') === sorted(want.scopes).join(' '));
  return same ? undefined : { field: 'auth', from, to: from === to ? `${to} (new authorizer)` : to };
}

/** The Lambda authorizers' statements on their functions' `live` aliases: added, moved to a new id, or removed. */
export function planAuthorizerGrants(
  ctx: PlanContext,
  apiId: string | undefined,
  ids: Map<string, string | undefined>,
  gone: boolean,
): HttpApiChange[] {
  // A named API's grants are `ops-api-{key}_ha_{name}`: the default API's (`ops-authorizer-*`) leave them.
  const prefix = ctx.namedApi ? namedApiSidPrefix(ctx.namedApi, 'ha') : AUTHORIZER_SID_PREFIX;
  const { grants, revokes } = planLambdaAuthorizerGrants(ctx, {
    authorizers: gone ? [] : (ctx.fleet.api?.authorizers ?? []),
    apiId,
    ids,
    sid: (name) => `${prefix}${name}`,
    owns: (sid) => sid.startsWith(prefix),
    kinds: { grant: 'authorizer.grant', create: 'authorizer.create', revoke: 'authorizer.revoke' },
    label: 'http api',
  });
  return [...grants, ...revokes];
}
