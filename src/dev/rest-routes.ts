import type { ApiSpec, FunctionSpec } from '../config/types.js';
import { corsHeaders } from '../resources/rest-api/plan.js';
import { compileRoutes, type DevRoute, matchRoute, type RouteMatch } from './routes.js';

/**
 * REST API (API Gateway v1) route matching for `ops dev` (pure). API Gateway v1 walks its resource
 * tree: at each path segment a literal child beats a `{param}` child, which beats a `{proxy+}` child;
 * on the chosen resource an explicit method beats `ANY`. Sorting the routes segment by segment that
 * way, the first whose path matches is the resource (`/a/{proxy+}` beats `/{x}/b` for `/a/b`, where an
 * HTTP API picks `/{x}/b`: no greedy variable), and the method is then looked for on it only.
 */

export interface RestRoute extends DevRoute {
  /** The route needs an `x-api-key` (RouteSpec.apiKey). */
  apiKey?: boolean;
  /** A CORS preflight the REST API answers itself (a MOCK OPTIONS method): its headers. */
  cors?: Record<string, string>;
}

export interface RestMatch extends RouteMatch {
  route: RestRoute;
}

type Segment = DevRoute['segments'][number];
const rank = (s: Segment | undefined) => (s === undefined ? -1 : 'literal' in s ? 0 : 'param' in s ? 1 : 2);

/** Negative when `a` takes precedence over `b` on a REST API. */
export function compareRestRoutes(a: DevRoute, b: DevRoute): number {
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const diff = rank(a.segments[i]) - rank(b.segments[i]);
    if (diff) return diff;
    if (rank(a.segments[i]) === 2) break;
  }
  const any = Number(a.method === 'ANY') - Number(b.method === 'ANY');
  return any || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const resourceOf = (r: DevRoute) => r.key.slice(r.key.indexOf(' ') + 1);

/**
 * The API's routes for `ops dev`, in REST precedence, with the CORS preflights the deployed API has
 * (one OPTIONS per resource that has routes, headers as src/resources/rest-api/plan.ts deploys them).
 */
export function compileRestRoutes(api: ApiSpec, all: Pick<FunctionSpec, 'key' | 'routes'>[]): RestRoute[] {
  // Only this API's routes: a named API's carry its key, the default API's none.
  const fns = all.map((fn) => ({ key: fn.key, routes: fn.routes.filter((r) => r.api === api.key) }));
  const keyed = new Map(fns.flatMap((fn) => fn.routes.map((r) => [`${fn.key} ${r.key}`, r] as const)));
  const routes: RestRoute[] = compileRoutes(fns).map((r) => (keyed.get(`${r.fn} ${r.key}`)?.apiKey ? { ...r, apiKey: true } : r));
  if (api.cors) {
    const methodsAt = new Map<string, string[]>();
    for (const r of routes) methodsAt.set(resourceOf(r), [...(methodsAt.get(resourceOf(r)) ?? []), r.method]);
    for (const [resource, methods] of methodsAt) {
      // The integration response holds quoted literals (`'*'`); the client gets them unquoted.
      const headers = Object.fromEntries(Object.entries(corsHeaders(api.cors, methods)).map(([k, v]) => [k, v.replace(/^'|'$/g, '')]));
      const template = routes.find((r) => resourceOf(r) === resource)!;
      routes.push({
        key: `OPTIONS ${resource}`,
        method: 'OPTIONS',
        segments: template.segments,
        kind: template.kind,
        fn: '',
        cors: headers,
      });
    }
  }
  return routes.sort(compareRestRoutes);
}

/**
 * The route serving `method path` (the path after the stage, no query), or undefined: API Gateway's 403.
 * v1 picks the resource first, then the method on it: a resource that matches the path but has neither
 * the request's method nor ANY is a 403, not a fall back to a less specific resource (`POST /items/special`
 * with only `GET /items/special` and `ANY /items/{id}`).
 */
export function matchRestRoute(routes: RestRoute[], method: string, resourcePath: string): RestMatch | undefined {
  const resource = matchRoute(
    routes.map((r) => ({ ...r, method: 'ANY' })),
    method,
    resourcePath,
  );
  if (!resource) return undefined;
  const onIt = routes.filter((r) => resourceOf(r) === resourceOf(resource.route));
  return matchRoute(onIt, method, resourcePath) as RestMatch | undefined;
}

/** `/prod/tasks/1` → `/tasks/1` for stage `prod` (`/prod` → `/`); undefined when the path is not under the stage. */
export function underStage(stage: string, rawPath: string): string | undefined {
  const prefix = `/${stage}`;
  if (rawPath === prefix) return '/';
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : undefined;
}
