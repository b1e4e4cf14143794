import type { Api } from '@aws-sdk/client-apigatewayv2';
import { API_KEY_TAG, apiName, namedApiName, notOwnedReason } from '../config/naming.js';
import type { ApiSpec } from '../config/types.js';
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
    readApi(aws, scope, { listed, ...keptApi(scope, listed, undefined, scope.api?.type === 'rest' ? undefined : scope.api) }),
    ...[...keys].sort().map((key) =>
      readApi(aws, scope, {
        key,
        listed,
        authorizers: !!wanted.get(key)?.authorizers?.length,
        ...keptApi(scope, listed, key, wanted.get(key)),
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

/**
 * The name to read an API by, and whether one that is not ours may be claimed: the config's (kept) name; for an API
 * the config no longer has, the name of the one the stage owns by tags (a kept name ops adopted or created).
 */
function keptApi(scope: ReadScope, listed: Api[], key: string | undefined, spec: ApiSpec | undefined): { name: string; claim?: boolean } {
  const derived = key ? namedApiName(scope.app, scope.stage, key) : apiName(scope.app, scope.stage);
  if (spec) return { name: spec.name, ...(spec.name !== derived || spec.adopt ? { claim: true } : {}) };
  const ours = listed.filter((a) => a.Tags?.[API_KEY_TAG] === key && !notOwnedReason(a.Tags, scope.app, scope.stage));
  return { name: ours.some((a) => a.Name === derived) || !ours[0]?.Name ? derived : ours[0].Name };
}

/** Deletes a stage of an HTTP API (its name changed): its URL stops answering. Gone already is fine. */
export async function deleteStage(aws: Aws, apiId: string, stage: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteStage({ ApiId: apiId, StageName: stage })));
}
