import * as z from 'zod';
import { routeKeyOf } from './authorizers.js';
import { didYouMean } from './did-you-mean.js';

/**
 * API keys and usage plans of a REST API (`api.keys`, `api.usagePlans`, `api.apiKeyRequired` and a route's
 * `apiKey`): the schema and the rules across fields, one line each, before any AWS call (the resolved shapes:
 * src/config/resolve-api-keys.ts).
 * API Gateway v2 (HTTP APIs) has no keys: asking for one there is refused at load.
 */

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const name = (what: string) => z.string().regex(NAME, `${what} is 1-64 letters, digits, hyphens or underscores`);

export const apiKeySchema = z.strictObject({
  /** 'stdin': the value is given with `ops api-key set <name>` (never in the config); absent: API Gateway generates it. */
  value: z.literal('stdin').optional(),
  /** Default true; a disabled key is refused (403) but kept, so its clients can be switched back on. */
  enabled: z.boolean().optional(),
  description: z.string().max(512).optional(),
});

const QUOTA_PERIODS = ['DAY', 'WEEK', 'MONTH'] as const;
/** The largest `offset` API Gateway takes per period (days into it). */
const MAX_OFFSET: Record<(typeof QUOTA_PERIODS)[number], number> = { DAY: 0, WEEK: 6, MONTH: 27 };

export const usagePlanSchema = z.strictObject({
  description: z.string().max(512).optional(),
  /** Steady requests per second and burst, for every key of the plan. */
  throttle: z
    .strictObject({
      rateLimit: z.number().min(0, 'rateLimit is requests per second, 0 or more'),
      burstLimit: z.number().int().min(0, 'burstLimit is a number of requests, 0 or more'),
    })
    .optional(),
  /** Requests per key per period. */
  quota: z
    .strictObject({
      limit: z.number().int().min(0, 'a quota limit is 0 or more requests'),
      period: z.enum(QUOTA_PERIODS),
      offset: z.number().int().min(0).optional(),
    })
    .refine((q) => (q.offset ?? 0) <= MAX_OFFSET[q.period], {
      message: 'a quota offset is at most 0 for DAY, 6 for WEEK, 27 for MONTH',
      path: ['offset'],
    })
    .optional(),
  /** Keys of `api.keys` whose calls this plan meters. */
  keys: z.array(z.string()).default([]),
});

export const apiKeysSchema = z.record(name('an API key name'), apiKeySchema);
export const usagePlansSchema = z.record(name('a usage plan name'), usagePlanSchema);

/** A route's `apiKey: true`: callers must send a key (`x-api-key`) of a usage plan; default `api.apiKeyRequired`. */
export const routeKeyFields = { apiKey: z.boolean().optional() };

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Problem {
  path: string;
  message: string;
}

const REST_HINT = "API Gateway v2 (HTTP APIs) has no API keys: use api: { type: 'rest' }";

/** Every route that asks for a key: its field path, its function and its route key. */
function keyRoutes(fns: unknown, byDefault: boolean): { at: string; fn: string; route: string }[] {
  const out: { at: string; fn: string; route: string }[] = [];
  for (const [key, fn] of Object.entries(isObj(fns) ? fns : {})) {
    if (!isObj(fn) || !Array.isArray(fn.routes)) continue;
    fn.routes.forEach((entry: unknown, i: number) => {
      const own = isObj(entry) ? entry.apiKey : undefined;
      if (own === true || (own === undefined && byDefault))
        out.push({ at: `functions.${key}.routes.${i}${own === true ? '.apiKey' : ''}`, fn: key, route: routeKeyOf(entry) ?? '?' });
    });
  }
  return out;
}

/** The rules across fields: keys only on a REST API, plans naming declared keys, key routes metered by a plan. */
export function apiKeyProblems(raw: Record<string, any>): Problem[] {
  const api = isObj(raw.api) ? raw.api : {};
  const rest = api.type === 'rest';
  const routes = keyRoutes(raw.functions, api.apiKeyRequired === true);
  if (!rest) {
    const out: Problem[] = routes
      .filter((r) => r.at.endsWith('.apiKey'))
      .map((r) => ({ path: r.at, message: `route ${r.route} of function ${r.fn} requires an API key: ${REST_HINT}` }));
    for (const field of ['apiKeyRequired', 'keys', 'usagePlans'].filter((f) => api[f] !== undefined && api[f] !== false))
      out.push({ path: `api.${field}`, message: `${REST_HINT} (or drop api.${field})` });
    return out;
  }
  const out: Problem[] = [];
  const declared = Object.keys(isObj(api.keys) ? api.keys : {});
  const plans = isObj(api.usagePlans) ? api.usagePlans : {};
  for (const [plan, p] of Object.entries(plans)) {
    if (!isObj(p) || !Array.isArray(p.keys)) continue;
    p.keys.forEach((k: unknown, i: number) => {
      if (typeof k !== 'string' || declared.includes(k)) return;
      const guess = didYouMean(k, declared);
      out.push({
        path: `api.usagePlans.${plan}.keys.${i}`,
        message: `no key '${k}' in api.keys${guess ? ` (did you mean '${guess}'?)` : declared.length ? ` (keys: ${declared.join(', ')})` : ''}`,
      });
    });
  }
  // A method that requires a key no usage plan meters answers 403 to every caller.
  if (routes.length && !Object.keys(plans).length)
    out.push({
      path: routes[0].at,
      message: `route ${routes[0].route} of function ${routes[0].fn} requires an API key, but no usage plan lets a key call it: declare api.usagePlans (with api.keys)`,
    });
  return out;
}
