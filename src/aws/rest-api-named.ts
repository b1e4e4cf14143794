import { API_KEY_TAG, namedApiName, notOwnedReason } from '../config/naming.js';
import type { Actual, ActualRestApi, ReadScope } from '../model/actual.js';
import type { Aws } from './clients.js';
import { listRestApis, readRestApi } from './rest-api.js';

/**
 * Every REST API of the stage from one GetRestApis listing: the default one (no `ops:api` tag) and the named
 * ones (`ops:api` = key) the config wants or no longer names (so the plan deletes them).
 */
export async function readRestApis(
  aws: Aws,
  scope: ReadScope,
): Promise<{ restApi?: ActualRestApi; restApis?: Record<string, ActualRestApi>; foreign: Actual['foreign'] }> {
  const listed = await listRestApis(aws);
  const keys = new Set((scope.apis ?? []).filter((a) => a.type === 'rest' && a.key).map((a) => a.key as string));
  for (const a of listed) {
    const key = a.tags?.[API_KEY_TAG];
    if (key && !notOwnedReason(a.tags, scope.app, scope.stage)) keys.add(key);
  }
  const [main, ...named] = await Promise.all([
    readRestApi(aws, scope, { listed }),
    ...[...keys]
      .sort()
      .map((key) => readRestApi(aws, scope, { key, name: namedApiName(scope.app, scope.stage, key), listed }).then((r) => ({ key, ...r }))),
  ]);
  const restApis = Object.fromEntries(named.flatMap((r) => (r.restApi ? [[r.key, r.restApi]] : [])));
  return {
    ...(main.restApi ? { restApi: main.restApi } : {}),
    ...(Object.keys(restApis).length ? { restApis } : {}),
    foreign: [...main.foreign, ...named.flatMap((r) => r.foreign)],
  };
}
