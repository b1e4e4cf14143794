import { API_KEY_TAG } from '../config/naming.js';
import type { FunctionSpec } from '../config/types.js';
import type { ChangeBase } from '../plan/change.js';
import type { PlanContext } from '../plan/context.js';

/**
 * Several APIs per stage, planned by the planners written for one: each API is planned on a view of the
 * context where `fleet.api` is that API, the functions hold only its routes, and `actual.api` / `actual.restApi`
 * are its own. A stage without named APIs (in the config or on AWS) is planned on the context itself, so
 * its plan is what it always was.
 */

/** One API's view: `key` undefined for the default API. */
export interface ApiView {
  key?: string;
  ctx: PlanContext;
}

export function apiViews(ctx: PlanContext): ApiView[] {
  const wanted = (ctx.fleet.apis ?? []).map((a) => a.key as string);
  const keys = [...new Set([...wanted, ...Object.keys(ctx.actual.apis ?? {}), ...Object.keys(ctx.actual.restApis ?? {})])].sort();
  if (!keys.length) return [{ ctx }];
  return [{ ctx: viewOf(ctx, undefined) }, ...keys.map((key) => ({ key, ctx: viewOf(ctx, key) }))];
}

function viewOf(ctx: PlanContext, key: string | undefined): PlanContext {
  const spec = key ? ctx.fleet.apis?.find((a) => a.key === key) : ctx.fleet.api;
  // One copy per function, so that `desired`, `deploy` and `fleet.functions` keep sharing their objects.
  const copies = new Map<FunctionSpec, FunctionSpec>();
  const only = (f: FunctionSpec) => {
    let copy = copies.get(f);
    if (!copy) copies.set(f, (copy = { ...f, routes: f.routes.filter((r) => r.api === key) }));
    return copy;
  };
  return {
    ...ctx,
    fleet: {
      ...ctx.fleet,
      api: spec,
      apis: undefined,
      functions: ctx.fleet.functions.map(only),
      // A named API is created with its key among its tags: that is how reads find it.
      ...(key ? { tags: { ...ctx.fleet.tags, [API_KEY_TAG]: key } } : {}),
    },
    actual: key ? { ...ctx.actual, api: ctx.actual.apis?.[key], restApi: ctx.actual.restApis?.[key] } : ctx.actual,
    desired: ctx.desired.map(only),
    deploy: ctx.deploy.map(only),
    namedApi: key,
  };
}

/**
 * A named API's change id: `{kind}:{name}@{key}`, unless the name already starts with the API's physical name
 * (`api.create:{app}-{stage}-{key}`), which is unique. Other kinds that depend on an API's changes use it too.
 */
export function apiScopedId(id: string, key: string | undefined, apiName: string | undefined): string {
  if (!key) return id;
  const name = id.slice(id.indexOf(':') + 1);
  if (apiName && (name === apiName || name.startsWith(`${apiName} `))) return id;
  return `${id}@${key}`;
}

/**
 * Plans every API with `plan` (written for one API); a named API's changes get scoped ids (their dependencies
 * on changes of `kinds` too), its key (`namedApi`, for the apply), and its name in the summary.
 */
export function planPerApi<C extends ChangeBase & { namedApi?: string }>(
  ctx: PlanContext,
  kinds: readonly string[],
  plan: (view: PlanContext) => C[],
): C[] {
  const own = new Set(kinds);
  return apiViews(ctx).flatMap(({ key, ctx: view }) => {
    const changes = plan(view);
    if (!key) return changes;
    const apiName = view.fleet.api?.name ?? view.actual.api?.name ?? view.actual.restApi?.name;
    const scoped = (id: string) => (own.has(id.slice(0, id.indexOf(':'))) ? apiScopedId(id, key, apiName) : id);
    return changes.map((c) => ({
      ...c,
      id: scoped(c.id),
      dependsOn: c.dependsOn.map(scoped),
      summary: apiName && !c.summary.includes(apiName) ? `${c.summary} (api ${key})` : c.summary,
      namedApi: key,
    }));
  });
}
