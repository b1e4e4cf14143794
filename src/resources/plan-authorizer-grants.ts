import { executeApiArn } from '../config/naming.js';
import type { AuthorizerSpec } from '../config/resolve-authorizers.js';
import { UserError } from '../errors.js';
import type { ChangeBase } from '../plan/change.js';
import { changeId, inScope, type PlanContext } from '../plan/context.js';
import { compareStrings } from '../plan/fields.js';

/**
 * The Lambda authorizers' invoke permissions on their functions' `live` aliases, for one API of either kind
 * (HTTP and REST plan the same statements under their own change kinds and statement ids): each kept, added,
 * or moved to the authorizer's new id (scoped to `{api}/authorizers/{id}`), and the API's own statements that
 * no authorizer wants any more revoked.
 */
export interface GrantPlanning<G extends string, R extends string> {
  /** The API's Lambda authorizers wanted (none: every statement of the API's is revoked). */
  authorizers: readonly AuthorizerSpec[];
  apiId: string | undefined;
  /** Authorizer name -> its id (undefined: created in this run). */
  ids: Map<string, string | undefined>;
  /** The statement id of an authorizer of this API, and whether a statement id is one of this API's. */
  sid(name: string): string;
  owns(sid: string): boolean;
  /** Change kinds and the API's name in the summaries ('http api', 'rest api'). */
  kinds: { grant: G; create: string; revoke: R };
  label: string;
}

/**
 * On the `live` alias of `name`: remove `statementId` when `replace`, then allow apigateway.amazonaws.com with
 * SourceArn `{api}/authorizers/{id}` (`authorizerId`, or the one created in this run for `authorizer`).
 */
export type GrantChange<G extends string> = ChangeBase & {
  kind: G;
  name: string;
  statementId: string;
  replace: boolean;
  authorizer: string;
  authorizerId?: string;
  apiId?: string;
};

/** On the `live` alias of `name`: the API's authorizer statements no authorizer wants any more, removed. */
export type RevokeChange<R extends string> = ChangeBase & { kind: R; name: string; statementIds: string[] };

export function planLambdaAuthorizerGrants<G extends string, R extends string>(
  ctx: PlanContext,
  p: GrantPlanning<G, R>,
): { grants: GrantChange<G>[]; revokes: RevokeChange<R>[] } {
  const grants: GrantChange<G>[] = [];
  const wanted = new Map<string, Set<string>>();
  for (const a of p.authorizers) {
    if (a.type !== 'lambda') continue;
    // A deploy of named functions creates a missing authorizer (its routes need it), so its function's grant comes
    // with it, in scope or not: without it every call through the authorizer fails until a full deploy.
    const outside = !inScope(ctx, a.functionName);
    if (outside && !(p.ids.has(a.name) && p.ids.get(a.name) === undefined)) continue;
    if (outside && !ctx.actual.functions[a.functionName])
      throw new UserError(`authorizer ${a.name} runs function ${a.function}, which is not deployed yet and not in this run`, {
        hint: `deploy it in the same run (ops deploy ${a.function} ...) or run a full ops deploy`,
      });
    const sid = p.sid(a.name);
    wanted.set(a.functionName, new Set([...(wanted.get(a.functionName) ?? []), sid]));
    const id = p.ids.get(a.name);
    const current = (ctx.actual.functions[a.functionName]?.aliasPolicy ?? []).find((s) => s.Sid === sid);
    const source = id && p.apiId ? `${executeApiArn(ctx.region, ctx.accountId, p.apiId)}/authorizers/${id}` : undefined;
    const currentSource = current?.Condition?.ArnLike?.['AWS:SourceArn'] ?? current?.Condition?.ArnLike?.['aws:SourceArn'];
    if (current && source && currentSource === source) continue;
    grants.push({
      kind: p.kinds.grant,
      id: changeId(p.kinds.grant, a.name),
      action: current ? 'update' : 'create',
      fn: a.function,
      resource: { type: 'lambda permission', name: `${a.functionName}:live` },
      summary: `allow authorizer ${a.name} of the ${p.label} to invoke ${a.functionName}:live`,
      fields: current ? [{ field: 'source', from: String(currentSource ?? '(none)'), to: source ?? 'the new authorizer' }] : [],
      dependsOn: [changeId(p.kinds.create, a.name), changeId('alias.publish', a.functionName)],
      name: a.functionName,
      statementId: sid,
      replace: current !== undefined,
      authorizer: a.name,
      ...(id ? { authorizerId: id } : {}),
      ...(p.apiId ? { apiId: p.apiId } : {}),
    });
  }
  const revokes: RevokeChange<R>[] = [];
  for (const fn of ctx.deploy) {
    const stale = (ctx.actual.functions[fn.name]?.aliasPolicy ?? [])
      .map((s) => s.Sid ?? '')
      .filter((sid) => p.owns(sid) && !wanted.get(fn.name)?.has(sid));
    if (!stale.length) continue;
    revokes.push({
      kind: p.kinds.revoke,
      id: changeId(p.kinds.revoke, fn.name),
      action: 'delete',
      fn: fn.key,
      resource: { type: 'lambda permission', name: `${fn.name}:live` },
      summary: `remove the ${p.label} authorizer permission from ${fn.name}:live`,
      fields: stale.map((sid) => ({ field: 'statement', from: sid })),
      dependsOn: [],
      name: fn.name,
      statementIds: [...new Set(stale)].sort(compareStrings),
    });
  }
  return { grants, revokes };
}
