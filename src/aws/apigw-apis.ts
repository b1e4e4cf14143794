import { API_KEY_TAG, namedApiName, notOwnedReason } from '../config/naming.js';
import type { Actual, ActualApi, ReadScope } from '../model/actual.js';
import { listApis, readApi } from './apigw.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';

/**
 * Every HTTP API of the stage from one GetApis listing: the default one (untagged by key, as the previous
 * version made it) and the named ones (`ops:api` = key): those the config wants and those it no longer
 * names (so the plan deletes them). A stage without named APIs makes exactly the calls it made before.
 */
export async function readApis(
  aws: Aws,
  scope: ReadScope,
): Promise<{ api?: ActualApi; apis?: Record<string, ActualApi>; foreign: Actual['foreign'] }> {
  const listed = await listApis(aws);
  const wanted = new Map((scope.apis ?? []).filter((a) => a.type !== 'rest' && a.key).map((a) => [a.key as string, a]));
  const keys = new Set(wanted.keys());
  for (const a of listed) {
    const key = a.Tags?.[API_KEY_TAG];
    if (key && !notOwnedReason(a.Tags, scope.app, scope.stage)) keys.add(key);
  }
  const [main, ...named] = await Promise.all([
    readApi(aws, scope, { listed }),
    ...[...keys].sort().map((key) =>
      readApi(aws, scope, {
        key,
        name: namedApiName(scope.app, scope.stage, key),
        listed,
        authorizers: !!wanted.get(key)?.authorizers?.length,
      }).then((r) => ({ key, ...r })),
    ),
  ]);
  const apis = Object.fromEntries(named.flatMap((r) => (r.api ? [[r.key, r.api]] : [])));
  return {
    ...(main.api ? { api: main.api } : {}),
    ...(Object.keys(apis).length ? { apis } : {}),
    foreign: [...main.foreign, ...named.flatMap((r) => r.foreign)],
  };
}

/** Deletes a stage of an HTTP API (its name changed): its URL stops answering. Gone already is fine. */
export async function deleteStage(aws: Aws, apiId: string, stage: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteStage({ ApiId: apiId, StageName: stage })));
}
