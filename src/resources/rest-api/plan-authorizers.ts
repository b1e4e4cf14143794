import { namedApiSidPrefix, restIntegrationUri } from '../../config/naming.js';
import type { AuthorizerSpec } from '../../config/resolve-authorizers.js';
import { type RestAuthorizerInput, userPoolArn, v1IdentitySource } from '../../config/rest-authorizers.js';
import type { ApiSpec, RouteSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { ActualRestApi, ActualRestAuthorizer, ActualRestMethod } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, listText } from '../../plan/fields.js';
import { planLambdaAuthorizerGrants } from '../plan-authorizer-grants.js';
import type { PlannedRestAuth, RestAuthorizerChange } from './changes-authorizers.js';

/**
 * A REST API's authorizers (the same config as an HTTP API's): a JWT authorizer becomes COGNITO_USER_POOLS
 * (the pool from the issuer URL), a Lambda one REQUEST (or TOKEN), `iam` is a method's AWS_IAM. Created,
 * updated field by field, deleted once no method uses them; each method's authorization; the Lambda
 * authorizers' invoke permissions, scoped to `{api}/authorizers/{id}`. Functions of ONE ApiSpec.
 */

/** On the authorizer function's `live` alias: one statement per REST Lambda authorizer (not the HTTP API's `ops-authorizer-`). */
export const REST_AUTHORIZER_SID_PREFIX = 'ops-rest-authorizer-';

/**
 * An authorizer's statement id: `ops-rest-authorizer-{name}` on the default API, `ops-api-{key}_ra_{name}` on a
 * named one (Lambda takes [A-Za-z0-9_-] only), so that each API's planner revokes only its own.
 */
export const restAuthorizerSid = (key: string | undefined, name: string) =>
  key ? `${namedApiSidPrefix(key, 'ra')}${name}` : `${REST_AUTHORIZER_SID_PREFIX}${name}`;
const isOwnSid = (key: string | undefined, sid: string) => sid.startsWith(key ? namedApiSidPrefix(key, 'ra') : REST_AUTHORIZER_SID_PREFIX);

const sorted = (l: readonly string[] | undefined) => [...(l ?? [])].sort(compareStrings);
/** v1 holds identity sources comma-separated: compared as a sorted list. */
const sourcesText = (s: string | undefined) =>
  sorted(
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ).join(', ') || '(none)';

/** What API Gateway v1 should hold for an authorizer of the config (`iam` has none: it is a method's type). */
export function restAuthorizerInput(ctx: Pick<PlanContext, 'accountId'>, a: AuthorizerSpec): RestAuthorizerInput | undefined {
  if (a.type === 'iam') return undefined;
  const identitySource = a.identitySource.map(v1IdentitySource).join(',');
  if (a.type === 'lambda')
    return { name: a.name, type: a.token ? 'TOKEN' : 'REQUEST', functionName: a.functionName, identitySource, ttl: a.ttl };
  const pool = userPoolArn(a.issuer, ctx.accountId);
  // The config's validation refuses this first; a fleet built another way still gets one line.
  if (!pool)
    throw new UserError(`authorizer ${a.name}: a REST API verifies JWTs only through a Cognito user pool or a Lambda authorizer`, {
      hint: "use the pool's issuer https://cognito-idp.{region}.amazonaws.com/{poolId}, or type 'lambda'",
    });
  return { name: a.name, type: 'COGNITO_USER_POOLS', providerArns: [pool], identitySource };
}

/** Field by field, both sides normalized (lists sorted; TTL as v1 reads it). */
export function diffRestAuthorizer(
  ctx: Pick<PlanContext, 'region' | 'accountId'>,
  have: ActualRestAuthorizer,
  want: RestAuthorizerInput,
): FieldDiff[] {
  const out: FieldDiff[] = [];
  const field = (name: string, from: string, to: string) => from !== to && out.push({ field: name, from, to });
  field('type', have.type, want.type);
  field('identitySource', sourcesText(have.identitySource), sourcesText(want.identitySource));
  if (want.type === 'COGNITO_USER_POOLS') field('userPool', listText(sorted(have.providerArns)), listText(sorted(want.providerArns)));
  else {
    field('function', have.uri ?? '(none)', restIntegrationUri(ctx.region, ctx.accountId, want.functionName));
    field('ttl', String(have.ttl ?? 0), String(want.ttl));
  }
  return out;
}

export interface RestAuthorizerPlan {
  changes: RestAuthorizerChange[];
  /** Authorizer name → id (undefined: created by this plan). */
  ids: Map<string, string | undefined>;
  /** Authorizers no longer wanted (or second ones with a name): they go once the methods let go of them. */
  deletes: RestAuthorizerChange[];
}

/** Kept per name: the first by id (a second one with the name, from a lost create answer, is deleted). */
function byName(have: ActualRestAuthorizer[]): { kept: Map<string, ActualRestAuthorizer>; extra: ActualRestAuthorizer[] } {
  const kept = new Map<string, ActualRestAuthorizer>();
  const extra: ActualRestAuthorizer[] = [];
  for (const a of [...have].sort((x, y) => compareStrings(x.id, y.id))) {
    if (kept.has(a.name)) extra.push(a);
    else kept.set(a.name, a);
  }
  return { kept, extra };
}

export function planRestAuthorizers(ctx: PlanContext, api: ApiSpec, have: ActualRestApi | undefined, createId: string): RestAuthorizerPlan {
  const apiId = have?.id;
  const { kept, extra } = byName(have?.authorizers ?? []);
  const changes: RestAuthorizerChange[] = [];
  const ids = new Map<string, string | undefined>();
  for (const spec of api.authorizers ?? []) {
    const input = restAuthorizerInput(ctx, spec);
    if (!input) continue;
    const current = kept.get(spec.name);
    ids.set(spec.name, current?.id);
    const base = { resource: { type: 'api authorizer' as const, name: spec.name }, authorizer: input };
    const deps = [createId, ...(spec.type === 'lambda' ? [changeId('alias.publish', spec.functionName)] : [])];
    const kind = input.type === 'COGNITO_USER_POOLS' ? 'cognito' : input.type.toLowerCase();
    if (!current) {
      changes.push({
        ...base,
        kind: 'restapi.authorizer.create',
        id: changeId('restapi.authorizer.create', spec.name),
        action: 'create',
        summary: `create ${kind} authorizer ${spec.name} of the rest api`,
        fields: [],
        dependsOn: deps,
        ...(apiId ? { apiId } : {}),
      });
      continue;
    }
    if (ctx.scope || !apiId) continue;
    const fields = diffRestAuthorizer(ctx, current, input);
    if (fields.length)
      changes.push({
        ...base,
        kind: 'restapi.authorizer.update',
        id: changeId('restapi.authorizer.update', spec.name),
        action: 'update',
        summary: `update authorizer ${spec.name} of the rest api: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: deps,
        have: current,
        apiId,
        authorizerId: current.id,
      });
  }
  const gone = ctx.scope || !apiId ? [] : [...[...kept.values()].filter((a) => !ids.has(a.name)), ...extra];
  const deletes = gone.map(
    (a): RestAuthorizerChange => ({
      kind: 'restapi.authorizer.delete',
      id: changeId('restapi.authorizer.delete', a.id),
      action: 'delete',
      resource: { type: 'api authorizer', name: a.name },
      summary: `delete authorizer ${a.name} (${a.id}) of the rest api${ids.has(a.name) ? ': a second one with the name' : ''}`,
      fields: [],
      dependsOn: [],
      apiId: apiId!,
      authorizerId: a.id,
    }),
  );
  return { changes, ids, deletes };
}

/** What a route's method should have, with the authorizer's id where it exists. */
export function plannedRestAuth(route: RouteSpec, ids: Map<string, string | undefined>): PlannedRestAuth {
  const a = route.auth;
  if (!a) return { type: 'NONE' };
  if (a.type === 'iam') return { type: 'AWS_IAM' };
  const id = ids.get(a.authorizer);
  return {
    type: a.type === 'jwt' ? 'COGNITO_USER_POOLS' : 'CUSTOM',
    authorizer: a.authorizer,
    ...(id ? { authorizerId: id } : {}),
    ...(a.type === 'jwt' && a.scopes?.length ? { scopes: a.scopes } : {}),
  };
}

const authText = (type: string, name?: string, scopes?: string[]) =>
  type === 'NONE' ? 'none' : type === 'AWS_IAM' ? 'iam' : `${name ?? '?'}${scopes?.length ? ` (${sorted(scopes).join(' ')})` : ''}`;

/** The method's authorization differs from what it should have: the field to show, else undefined. */
export function restAuthDiff(
  have: ActualRestMethod,
  want: PlannedRestAuth,
  nameOfId: (id: string) => string | undefined,
): FieldDiff | undefined {
  const type = have.authorizationType ?? 'NONE';
  const from = authText(type, have.authorizerId ? (nameOfId(have.authorizerId) ?? have.authorizerId) : undefined, have.authorizationScopes);
  const to = authText(want.type, want.authorizer, want.scopes);
  const same =
    type === want.type &&
    (want.type === 'NONE' || want.type === 'AWS_IAM' || (want.authorizerId !== undefined && have.authorizerId === want.authorizerId)) &&
    sorted(have.authorizationScopes).join(' ') === sorted(want.scopes).join(' ');
  return same ? undefined : { field: 'auth', from, to: from === to ? `${to} (new authorizer)` : to };
}

/**
 * The Lambda authorizers' statements on their functions' `live` aliases for one API (`key`: a named API's;
 * `api` undefined: none wanted, that API's all revoked).
 */
export function planRestAuthorizerGrants(
  ctx: PlanContext,
  api: ApiSpec | undefined,
  apiId: string | undefined,
  ids: Map<string, string | undefined>,
  key: string | undefined = api?.key,
): RestAuthorizerChange[] {
  const { grants, revokes } = planLambdaAuthorizerGrants(ctx, {
    authorizers: api?.authorizers ?? [],
    apiId,
    ids,
    sid: (name) => restAuthorizerSid(key, name),
    owns: (sid) => isOwnSid(key, sid),
    kinds: { grant: 'restapi.authorizer.grant', create: 'restapi.authorizer.create', revoke: 'restapi.authorizer.revoke' },
    label: 'rest api',
  });
  return [...grants, ...revokes];
}
