import { didYouMean } from '../config/did-you-mean.js';
import type { Fleet } from '../config/types.js';
import { UsageError } from '../errors.js';

/**
 * The fleet as `ops dev --api <key>` serves it: the named API of `apis` in the default API's place, with only
 * the routes that name it (each API has its own host on AWS; locally one server serves one API). Without a
 * key, the fleet as it is (the default API).
 */
export function devApiView(fleet: Fleet, key: string | undefined): Fleet {
  if (key === undefined) return fleet;
  const named = (fleet.apis ?? []).find((a) => a.key === key);
  if (!named) {
    const keys = (fleet.apis ?? []).map((a) => a.key ?? '');
    const guess = didYouMean(key, keys);
    throw new UsageError(
      `--api ${key}: ${keys.length ? `the config's apis are ${keys.join(', ')}` : 'the config declares no apis'}${guess ? ` (did you mean '${guess}'?)` : ''}`,
      { hint: 'without --api, ops dev serves the default API' },
    );
  }
  return {
    ...fleet,
    api: named,
    apis: [],
    functions: fleet.functions.map((f) => ({ ...f, routes: f.routes.filter((r) => r.api === key) })),
  };
}
