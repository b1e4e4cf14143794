import { functionNameFor } from './function-name.js';
import { namedApiName } from './naming.js';
import { keptNameFor } from './resolve-kept-name.js';
import { retentionDaysOf } from './resolve-log-retention.js';
import type { ParsedFleet } from './schema.js';
import type { ApiSpec, Fleet, FunctionSpec } from './types.js';

/**
 * Several APIs per stage (`apis: { approval: {...} }` beside `api`). The default API stays `fleet.api`, so
 * that every reader of it (dev, status, references, domains) is unchanged for a fleet without `apis`;
 * the named ones are `fleet.apis`, each with its `key`. A route picks its API with `api: '<key>'`.
 */

type RawApi = Exclude<ParsedFleet['api'], false>;
type ResolveOne = (raw: RawApi, name: string, physical: (key: string) => string, logRetentionDays?: number) => ApiSpec;

/** The named APIs some route uses, sorted by key (an API without routes is not deployed, as the default one). */
export function resolveNamedApis(cfg: ParsedFleet, stage: string, functions: FunctionSpec[], resolveOne: ResolveOne): ApiSpec[] {
  const used = new Set(functions.flatMap((f) => f.routes.flatMap((r) => (r.api ? [r.api] : []))));
  return Object.entries(cfg.apis ?? {})
    .filter(([key]) => used.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, raw]) => ({
      key,
      ...resolveOne(
        raw,
        keptNameFor(raw?.name, cfg.app, stage) ?? namedApiName(cfg.app, stage, key),
        (k) => functionNameFor(cfg.app, stage, cfg.functions, k),
        retentionDaysOf(cfg.defaults?.logRetentionDays),
      ),
    }));
}

/** Every API of the fleet: the default one first, then the named ones. */
export const allApis = (fleet: Pick<Fleet, 'api' | 'apis'>): ApiSpec[] => [...(fleet.api ? [fleet.api] : []), ...(fleet.apis ?? [])];

/** The routes of a function that belong to the API `key` (undefined: the default API). */
export const routesOfApi = (fn: FunctionSpec, key: string | undefined) => fn.routes.filter((r) => r.api === key);
