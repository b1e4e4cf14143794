import { routeKeyOf } from './authorizers.js';
import { didYouMean } from './did-you-mean.js';
import type { Problem } from './validate.js';

/**
 * The config rules of several APIs per stage (`apis` beside `api`): a route's `api` names one, two APIs do not
 * claim one base path of one domain name, and each API's own rules (REST, authorizers) run on a view of the
 * config holding only that API and its routes, their field paths pointing at `apis.<key>`.
 */

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A view of the raw config per API: `api` is that API, routes of other APIs are hidden (null keeps the indices). */
interface ApiView {
  /** `api` or `apis.<key>`. */
  at: string;
  raw: Record<string, any>;
}

function viewsOf(raw: Record<string, any>): ApiView[] {
  const named = isObj(raw.apis) ? Object.keys(raw.apis) : [];
  // A fleet without `apis` is checked exactly as before.
  if (!named.length) return [{ at: 'api', raw }];
  const only = (key: string | undefined) => {
    const fns = isObj(raw.functions) ? raw.functions : {};
    return Object.fromEntries(
      Object.entries(fns).map(([k, fn]) => [
        k,
        isObj(fn) && Array.isArray(fn.routes) ? { ...fn, routes: fn.routes.map((r: unknown) => (apiOf(r) === key ? r : null)) } : fn,
      ]),
    );
  };
  return [
    { at: 'api', raw: { ...raw, functions: only(undefined) } },
    ...named.map((key) => ({ at: `apis.${key}`, raw: { ...raw, api: raw.apis[key], functions: only(key) } })),
  ];
}

const apiOf = (r: unknown): string | undefined => (isObj(r) && typeof r.api === 'string' ? r.api : undefined);

/** Runs one API's rules (written for `api`) on every API, each problem's path moved to its API. */
export function perApiProblems(raw: Record<string, any>, rules: (view: Record<string, any>) => Problem[]): Problem[] {
  return viewsOf(raw).flatMap(({ at, raw: view }) =>
    rules(view).map((p) => (at === 'api' || !/^api(\.|$)/.test(p.path) ? p : { ...p, path: at + p.path.slice('api'.length) })),
  );
}

/** Unknown `api` on a route (with did-you-mean), and one base path of one domain claimed twice. */
export function apisProblems(raw: Record<string, any>): Problem[] {
  const out: Problem[] = [];
  const keys = isObj(raw.apis) ? Object.keys(raw.apis) : [];
  for (const [key, fn] of Object.entries(isObj(raw.functions) ? raw.functions : {})) {
    if (!isObj(fn) || !Array.isArray(fn.routes)) continue;
    fn.routes.forEach((r: unknown, i: number) => {
      const api = apiOf(r);
      if (api === undefined || keys.includes(api)) return;
      const guess = didYouMean(api, keys);
      out.push({
        path: `functions.${key}.routes.${i}.api`,
        message: `no api '${api}'${guess ? ` (did you mean '${guess}'?)` : ''}: ${keys.length ? `apis has ${keys.join(', ')}` : 'the config declares no apis'}`,
      });
    });
  }
  out.push(...domainClaims(raw, keys));
  return out;
}

/** Two APIs mapped to one base path of one domain name: API Gateway keeps one mapping per path. */
function domainClaims(raw: Record<string, any>, keys: string[]): Problem[] {
  const out: Problem[] = [];
  const claimed = new Map<string, string>();
  const apis: [string, unknown][] = [['api', raw.api], ...keys.map((k): [string, unknown] => [`apis.${k}`, raw.apis[k]])];
  for (const [at, api] of apis) {
    const d = isObj(api) && isObj(api.domain) ? api.domain : undefined;
    if (!d || typeof d.name !== 'string') continue;
    const base = typeof d.basePath === 'string' ? d.basePath : '';
    const claim = `${d.name}/${base}`;
    const first = claimed.get(claim);
    if (first)
      out.push({
        path: `${at}.domain`,
        message: `${base ? `base path '${base}'` : 'the root'} of ${d.name} is already ${first}'s: give one of them another basePath`,
      });
    else {
      claimed.set(claim, at);
      // The domain kind maps the default API only: a named API's domain would be silently left out.
      if (at !== 'api')
        out.push({ path: `${at}.domain`, message: 'a custom domain on a named API is not deployed yet: give it to the default api' });
    }
  }
  return out;
}

/** The API a route entry belongs to, for the one-route-key-per-API rule ('' for the default API). */
export const routeApiKey = (r: unknown): string => apiOf(r) ?? '';

export { routeKeyOf };
