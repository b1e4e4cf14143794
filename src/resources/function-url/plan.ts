import { FUNCTION_URL_STATEMENTS } from '../../config/naming.js';
import type { FunctionSpec, FunctionUrlSpec } from '../../config/types.js';
import type { ActualFunction } from '../../model/actual.js';
import { functionUrlDiffs, grantsPublicUrl, type PublicUrlStatement } from '../../model/function-url.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { fieldsSummary, listText } from '../../plan/fields.js';

export type FunctionUrlChange =
  /** CreateFunctionUrlConfig on `live`; with auth NONE, the two public statements too. */
  | (ChangeBase & { kind: 'url.create'; name: string; url: FunctionUrlSpec })
  /** `config`: the URL's auth, CORS or invoke mode differ; `permission`: the public statements are put (NONE) or removed (AWS_IAM). */
  | (ChangeBase & { kind: 'url.update'; name: string; url: FunctionUrlSpec; config: boolean; permission: boolean })
  /** DeleteFunctionUrlConfig on `live` (when there is one) and ops's public statements. */
  | (ChangeBase & { kind: 'url.delete'; name: string });

const corsText = (u: Pick<FunctionUrlSpec, 'cors'> | undefined) =>
  u?.cors ? `origins ${listText(u.cors.AllowOrigins)}, methods ${listText(u.cors.AllowMethods)}` : '(none)';

const urlFields = (from: Omit<FunctionUrlSpec, never> | undefined, to: FunctionUrlSpec, which: readonly string[]): FieldDiff[] =>
  which.map((f) =>
    f === 'cors'
      ? { field: 'cors', ...(from ? { from: corsText(from) } : {}), to: corsText(to) }
      : { field: f, ...(from ? { from: String(from[f as 'auth' | 'invokeMode']) } : {}), to: String(to[f as 'auth' | 'invokeMode']) },
  );

/** Do the public statements on `live` say what `auth` needs: both for NONE, none of ops's for AWS_IAM? */
function permissionRight(have: ActualFunction | undefined, auth: FunctionUrlSpec['auth'] | undefined): boolean {
  const policy = have?.aliasPolicy ?? [];
  const kinds = Object.keys(FUNCTION_URL_STATEMENTS) as PublicUrlStatement[];
  if (auth === 'NONE') {
    return kinds.every((k) => {
      const same = policy.filter((s) => s.Sid === FUNCTION_URL_STATEMENTS[k]);
      return same.length === 1 && grantsPublicUrl(same[0], k);
    });
  }
  return !policy.some((s) => kinds.some((k) => s.Sid === FUNCTION_URL_STATEMENTS[k]));
}

function planFunctionUrl(ctx: PlanContext, fn: FunctionSpec): FunctionUrlChange[] {
  const have = ctx.actual.functions[fn.name];
  const want = fn.url;
  const base = { fn: fn.key, resource: { type: 'function url', name: `${fn.name}:live` }, name: fn.name };
  if (want && !have?.url) {
    const fields = urlFields(undefined, want, ['auth', 'invokeMode', ...(want.cors ? ['cors'] : [])]);
    return [
      {
        ...base,
        kind: 'url.create',
        id: changeId('url.create', fn.name),
        action: 'create',
        summary: `create the function url of ${fn.name}:live (${want.auth === 'NONE' ? 'public: auth NONE' : 'auth AWS_IAM'})`,
        fields,
        // The URL is on `live`: the alias comes first.
        dependsOn: [changeId('function.create', fn.name), changeId('alias.publish', fn.name)],
        url: want,
      },
    ];
  }
  if (want && have?.url) {
    const differs = functionUrlDiffs(want, have.url);
    const permission = !permissionRight(have, want.auth);
    if (!differs.length && !permission) return [];
    const fields = urlFields(have.url, want, differs);
    if (permission) fields.push({ field: 'permission', to: want.auth === 'NONE' ? 'public' : 'ops statements removed' });
    return [
      {
        ...base,
        kind: 'url.update',
        id: changeId('url.update', fn.name),
        action: 'update',
        summary: `update the function url of ${fn.name}:live: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [changeId('alias.publish', fn.name)],
        url: want,
        config: differs.length > 0,
        permission,
      },
    ];
  }
  // No URL wanted: the one ops made goes, and so do public statements left without it.
  if (!have?.url && permissionRight(have, undefined)) return [];
  return [
    {
      ...base,
      kind: 'url.delete',
      id: changeId('url.delete', fn.name),
      action: 'delete',
      summary: have?.url
        ? `delete the function url of ${fn.name}:live (${have.url.url})`
        : `remove the stale public url statements from ${fn.name}:live`,
      fields: have?.url ? [{ field: 'url', from: have.url.url }] : [],
      dependsOn: [],
    },
  ];
}

/** The Function URL of each deployed function's `live` (`url` in the config), with the statements auth NONE needs. */
export function planFunctionUrls(ctx: PlanContext): FunctionUrlChange[] {
  return ctx.deploy.flatMap((fn) => planFunctionUrl(ctx, fn));
}
