import type { FunctionSpec, RouteAuth } from '../config/types.js';

/**
 * HTTP API route matching, as API Gateway selects a route (pure):
 *   1. a full match of the path, with no variables (`GET /pets/dog/1`);
 *   2. a match with path variables (`GET /pets/dog/{id}`), a literal segment beating a variable at
 *      the first place they differ;
 *   3. a match with a greedy variable (`GET /pets/{proxy+}`), the longest literal prefix first;
 *   4. `$default`.
 * Within the same path, a route for the request's method beats `ANY`. A greedy variable needs at
 * least one segment: `/pets/{proxy+}` does not match `/pets`.
 */

type Segment = { literal: string } | { param: string } | { greedy: string };

export type RouteKind = 'exact' | 'param' | 'greedy' | 'default';

export interface DevRoute {
  /** API Gateway's RouteKey: `GET /tasks/{id}`, `ANY /api/{proxy+}`, `$default`. */
  key: string;
  /** `GET`, `ANY`, or `*` for `$default`. */
  method: string;
  segments: Segment[];
  kind: RouteKind;
  /** The function serving it (its config key). */
  fn: string;
  /** Its authorization (absent: none). */
  auth?: RouteAuth;
}

export interface RouteMatch {
  route: DevRoute;
  /** Decoded path variables; absent when the route has none (as in API Gateway's event). */
  pathParameters?: Record<string, string>;
}

const KIND_RANK: Record<RouteKind, number> = { exact: 0, param: 1, greedy: 2, default: 3 };

function parseSegments(routePath: string): Segment[] {
  return routePath
    .split('/')
    .slice(1)
    .filter((s, i, all) => s !== '' || i < all.length - 1)
    .map((s) => {
      const variable = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(s);
      if (!variable) return { literal: s };
      return variable[2] ? { greedy: variable[1] } : { param: variable[1] };
    });
}

/** The routes of every function, sorted by API Gateway's precedence (most specific first). */
export function compileRoutes(fns: Pick<FunctionSpec, 'key' | 'routes'>[]): DevRoute[] {
  const routes = fns.flatMap((fn) =>
    fn.routes.map((r): DevRoute => {
      const auth = r.auth ? { auth: r.auth } : {};
      if (r.key === '$default') return { key: r.key, method: '*', segments: [], kind: 'default', fn: fn.key, ...auth };
      const segments = parseSegments(r.path);
      const kind = segments.some((s) => 'greedy' in s) ? 'greedy' : segments.some((s) => 'param' in s) ? 'param' : 'exact';
      return { key: r.key, method: r.method.toUpperCase(), segments, kind, fn: fn.key, ...auth };
    }),
  );
  return routes.sort(compareRoutes);
}

/** Negative when `a` takes precedence over `b`. */
export function compareRoutes(a: DevRoute, b: DevRoute): number {
  const kind = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (kind) return kind;
  // Only paths of the same length can both match (greedy: the longer prefix is more specific).
  const length = a.kind === 'greedy' ? b.segments.length - a.segments.length : a.segments.length - b.segments.length;
  if (length) return length;
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const la = 'literal' in a.segments[i];
    const lb = 'literal' in b.segments[i];
    if (la !== lb) return la ? -1 : 1;
  }
  return Number(a.method === 'ANY') - Number(b.method === 'ANY');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path variables when `route` matches the path's segments, else undefined. */
function matchPath(route: DevRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const { segments } = route;
  const greedy = route.kind === 'greedy';
  if (greedy ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if ('greedy' in s) {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[s.greedy] = decode(rest);
    } else if ('param' in s) {
      if (parts[i] === '') return undefined;
      params[s.param] = decode(parts[i]);
    } else if (parts[i] !== s.literal && decode(parts[i]) !== s.literal) {
      return undefined;
    }
  }
  return params;
}

/** The route serving `method rawPath` (no query string), or undefined: API Gateway's 404. */
export function matchRoute(routes: DevRoute[], method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.split('/').slice(1);
  if (parts.length === 1 && parts[0] === '') parts.length = 0; // `/`
  const upper = method.toUpperCase();
  for (const route of routes) {
    if (route.kind === 'default') return { route };
    if (route.method !== upper && route.method !== 'ANY') continue;
    const params = matchPath(route, parts);
    if (params) return Object.keys(params).length ? { route, pathParameters: params } : { route };
  }
  return undefined;
}
