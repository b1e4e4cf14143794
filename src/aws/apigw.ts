import type { Api, Integration, Route, Stage } from '@aws-sdk/client-apigatewayv2';
import { API_KEY_TAG, executeApiArn, notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import type { CorsSpec } from '../config/types.js';
import type { Actual, ActualApi, ReadScope } from '../model/actual.js';
import { httpStageSettings } from './api-stage.js';
import { type RouteAuthInput, readAuthorizers, routeAuthFields } from './apigw-authorizers.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { liveAliasArn } from './lambda.js';
import { mapCors, toSdkCors } from './map.js';
import { createOnce } from './once.js';
import { allPages } from './pool.js';
import { read } from './retry.js';
import type { ApiGatewayV2 } from './sdk/apigw.js';

/** Writers for the fleet's HTTP API: the API, its `$default` stage, integrations and routes. */

const DEFAULT_STAGE = '$default';

export interface CreateApiInput {
  name: string;
  cors?: CorsSpec;
  tags: Record<string, string>;
}

/** Oldest first, then by id: every reader and every racing deploy agrees on which duplicate API is kept. */
export function compareApis(a: Pick<Api, 'ApiId' | 'CreatedDate'>, b: Pick<Api, 'ApiId' | 'CreatedDate'>): number {
  const byDate = (a.CreatedDate?.getTime() ?? 0) - (b.CreatedDate?.getTime() ?? 0);
  if (byDate !== 0) return byDate;
  return (a.ApiId ?? '') < (b.ApiId ?? '') ? -1 : (a.ApiId ?? '') > (b.ApiId ?? '') ? 1 : 0;
}

/** Every HTTP API of the account, one GetApis listing (API Gateway has no filter by name or tag). */
export async function listApis(aws: Aws): Promise<Api[]> {
  const apigw = await aws.apigw();
  return allPages(
    (NextToken) => read(aws, () => apigw.getApis({ MaxResults: '100', ...(NextToken ? { NextToken } : {}) })),
    (page) => page.Items,
    (page) => page.NextToken,
  );
}

/** The APIs named `name` and tagged with the `ops:app` / `ops:stage` of `tags`, oldest first. */
async function ownedApis(aws: Aws, name: string, tags: Record<string, string>): Promise<Api[]> {
  const app = tags[OWNER_APP_TAG] ?? '';
  const stage = tags[OWNER_STAGE_TAG] ?? '';
  return (await listApis(aws)).filter((a) => a.Name === name && !notOwnedReason(a.Tags, app, stage)).sort(compareApis);
}

const apiRef = (api: Pick<Api, 'ApiId' | 'ApiEndpoint'>) => ({ apiId: api.ApiId!, endpoint: api.ApiEndpoint ?? '' });

/**
 * CreateApi (HTTP protocol, CORS, tags). A lost answer is followed by a read: an owned API with the
 * name is taken as the one just made. Then the oldest owned API with the name wins, so two deploys
 * racing on a fresh stage end with one API: the one that created a newer one deletes it.
 */
export async function createApi(aws: Aws, input: CreateApiInput): Promise<{ apiId: string; endpoint: string }> {
  const apigw = await aws.apigw();
  const created = await createOnce(
    aws,
    async () =>
      apiRef(
        await aws.write(() =>
          apigw.createApi({
            Name: input.name,
            ProtocolType: 'HTTP',
            ...(input.cors ? { CorsConfiguration: toSdkCors(input.cors) } : {}),
            Tags: input.tags,
          }),
        ),
      ),
    async () => {
      const found = (await ownedApis(aws, input.name, input.tags))[0];
      return found ? apiRef(found) : undefined;
    },
  );
  const oldest = (await ownedApis(aws, input.name, input.tags))[0];
  if (!oldest || oldest.ApiId === created.apiId) return created;
  await deleteApi(aws, created.apiId);
  return apiRef(oldest);
}

/** Sets the API's CORS configuration, or removes it when `cors` is undefined. */
export async function updateApiCors(aws: Aws, apiId: string, cors: CorsSpec | undefined): Promise<void> {
  const apigw = await aws.apigw();
  if (cors) {
    await aws.write(() => apigw.updateApi({ ApiId: apiId, CorsConfiguration: toSdkCors(cors, { full: true }) }));
  } else {
    await orNotFound(aws.write(() => apigw.deleteCorsConfiguration({ ApiId: apiId })));
  }
}

/**
 * The `$default` stage (or the named `stage`, tagged `tags`) with auto-deploy, so every route change is live
 * without CreateDeployment. Nothing is written when it is already so.
 */
export async function ensureDefaultStage(
  aws: Aws,
  apiId: string,
  named?: { stage: string; tags?: Record<string, string> },
): Promise<{ changed: boolean }> {
  const apigw = await aws.apigw();
  const StageName = named?.stage ?? DEFAULT_STAGE;
  const stage = await orNotFound(read(aws, () => apigw.getStage({ ApiId: apiId, StageName })));
  if (!stage) {
    try {
      await aws.write(() => apigw.createStage({ ApiId: apiId, StageName, AutoDeploy: true, ...(named?.tags ? { Tags: named.tags } : {}) }));
      return { changed: true };
    } catch (error) {
      // A retry of a create whose answer was lost (or a concurrent deploy): the stage is there; check it.
      if (!isConflictException(error)) throw error;
      return ensureDefaultStage(aws, apiId, named);
    }
  }
  if (stage.AutoDeploy) return { changed: false };
  await aws.write(() => apigw.updateStage({ ApiId: apiId, StageName, AutoDeploy: true }));
  return { changed: true };
}

/** Which function an integration calls: its `live` alias, or a URI the plan already built. */
export interface IntegrationTarget {
  /** Function name; the URI is its `live` alias ARN. */
  name?: string;
  uri?: string;
}

async function integrationUri(aws: Aws, target: IntegrationTarget): Promise<string> {
  if (target.uri) return target.uri;
  if (!target.name) throw new Error('an integration needs a function name or a uri');
  return liveAliasArn(aws, target.name);
}

const PROXY = { IntegrationType: 'AWS_PROXY', IntegrationMethod: 'POST', PayloadFormatVersion: '2.0' } as const;

/**
 * AWS_PROXY integration, payload format 2.0, calling the function's `live` alias. When the answer is
 * lost, an integration with that URI already on the API is taken as the one just made.
 */
export async function createIntegration(aws: Aws, apiId: string, target: IntegrationTarget): Promise<{ integrationId: string }> {
  const apigw = await aws.apigw();
  const IntegrationUri = await integrationUri(aws, target);
  return createOnce(
    aws,
    async () => ({
      integrationId: (await aws.write(() => apigw.createIntegration({ ApiId: apiId, ...PROXY, IntegrationUri }))).IntegrationId!,
    }),
    async () => {
      const found = (await integrationsOf(aws, apigw, apiId)).find((i) => i.IntegrationUri === IntegrationUri);
      return found ? { integrationId: found.IntegrationId! } : undefined;
    },
  );
}

function integrationsOf(aws: Aws, apigw: ApiGatewayV2, ApiId: string) {
  return allPages(
    (NextToken) => read(aws, () => apigw.getIntegrations({ ApiId, ...(NextToken ? { NextToken } : {}) })),
    (page) => page.Items,
    (page) => page.NextToken,
  );
}

export async function updateIntegration(aws: Aws, apiId: string, integrationId: string, target: IntegrationTarget): Promise<void> {
  const apigw = await aws.apigw();
  const IntegrationUri = await integrationUri(aws, target);
  await aws.write(() => apigw.updateIntegration({ ApiId: apiId, IntegrationId: integrationId, ...PROXY, IntegrationUri }));
}

/** Routes using the integration must be deleted (or moved) first: API Gateway refuses otherwise. */
export async function deleteIntegration(aws: Aws, apiId: string, integrationId: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteIntegration({ ApiId: apiId, IntegrationId: integrationId })));
}

/**
 * CreateRoute. AWS refuses a second route with one key (ConflictException; moto accepts it): when
 * the answer was lost, or the key is taken (a retry, a concurrent deploy), the route with the key is
 * pointed at the integration and used.
 */
export async function createRoute(
  aws: Aws,
  apiId: string,
  routeKey: string,
  integrationId: string,
  auth?: RouteAuthInput,
): Promise<{ routeId: string }> {
  const apigw = await aws.apigw();
  const Target = `integrations/${integrationId}`;
  const existing = async () => {
    const routes = await allPages(
      (NextToken) => read(aws, () => apigw.getRoutes({ ApiId: apiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    );
    const route = routes.find((r) => r.RouteKey === routeKey);
    if (!route) return undefined;
    if (route.Target !== Target || auth) await updateRoute(aws, apiId, route.RouteId!, integrationId, auth);
    return { routeId: route.RouteId! };
  };
  try {
    return await createOnce(
      aws,
      async () => ({
        routeId: (await aws.write(() => apigw.createRoute({ ApiId: apiId, RouteKey: routeKey, Target, ...routeAuthFields(auth) })))
          .RouteId!,
      }),
      existing,
    );
  } catch (error) {
    if (!isConflictException(error)) throw error;
    const route = await existing();
    if (!route) throw error;
    return route;
  }
}

/** API Gateway's 409: a route key or stage name already taken. */
const isConflictException = (error: unknown) => nameOf(error) === 'ConflictException';

/** Points the route at the integration; with `auth`, sets its authorization too (absent: left as it is). */
export async function updateRoute(aws: Aws, apiId: string, routeId: string, integrationId: string, auth?: RouteAuthInput): Promise<void> {
  const apigw = await aws.apigw();
  await aws.write(() =>
    apigw.updateRoute({
      ApiId: apiId,
      RouteId: routeId,
      Target: `integrations/${integrationId}`,
      ...routeAuthFields(auth, { clear: true }),
    }),
  );
}

export async function deleteRoute(aws: Aws, apiId: string, routeId: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteRoute({ ApiId: apiId, RouteId: routeId })));
}

/** Deletes the API with its stages, routes and integrations. */
export async function deleteApi(aws: Aws, apiId: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteApi({ ApiId: apiId })));
}

/** Which API to read: the default one (no `key`), or a named one (`apis.<key>`: its name and `ops:api` tag). */
export interface ReadApiOptions {
  key?: string;
  name?: string;
  /** GetApis already listed (one listing for every API of the stage). */
  listed?: Api[];
  /** A named API's: it wants authorizers. */
  authorizers?: boolean;
  /**
   * A kept name (or `adopt`): with no owned API of that name, one that is not ours is read in full and returned
   * marked `notOwned`, so the planner adopts it or stops naming its owner (instead of creating a second one).
   */
  claim?: boolean;
}

export async function readApi(
  aws: Aws,
  scope: ReadScope,
  opts: ReadApiOptions = {},
): Promise<{ api?: ActualApi; foreign: Actual['foreign'] }> {
  const apigw = await aws.apigw();
  const name = opts.name ?? `${scope.app}-${scope.stage}`;
  const apis = opts.listed ?? (await listApis(aws));
  const foreign: Actual['foreign'] = [];
  const others: Api[] = [];
  const owned = apis
    // A named API is the one tagged with its key (the default API carries no key); untagged ones are foreign.
    .filter(
      (a) =>
        a.Name === name &&
        (a.Tags?.[API_KEY_TAG] === opts.key ||
          !a.Tags?.[OWNER_STAGE_TAG] ||
          (opts.claim && !!notOwnedReason(a.Tags, scope.app, scope.stage))),
    )
    .filter((a) => {
      const reason = notOwnedReason(a.Tags, scope.app, scope.stage);
      if (reason) others.push(a);
      return !reason;
    })
    .sort(compareApis);
  // Two owned APIs with one name: a create retried after its answer was lost, or two deploys racing.
  // The oldest is the stage's API (createApi agrees); the plan deletes the others.
  const claimed = !owned.length && opts.claim ? others.sort(compareApis)[0] : undefined;
  for (const a of others)
    if (a !== claimed)
      foreign.push({ type: 'http api', name: `${name} (${a.ApiId})`, reason: notOwnedReason(a.Tags, scope.app, scope.stage) });
  const api = owned[0] ?? claimed;
  if (!api) return { foreign };
  const duplicates = owned.slice(1).map((a) => ({ id: a.ApiId!, endpoint: a.ApiEndpoint ?? '' }));

  const ApiId = api.ApiId!;
  const [integrations, routes, stages, accountId] = await Promise.all([
    allPages<{ Items?: Integration[]; NextToken?: string }, Integration>(
      (NextToken) => read(aws, () => apigw.getIntegrations({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    allPages<{ Items?: Route[]; NextToken?: string }, Route>(
      (NextToken) => read(aws, () => apigw.getRoutes({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    allPages<{ Items?: Stage[]; NextToken?: string }, Stage>(
      (NextToken) => read(aws, () => apigw.getStages({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    aws.accountId(),
  ]);
  const cors = mapCors(api.CorsConfiguration);
  // Authorizers are read only where some are wanted or a route still names one: an API without them makes no call.
  const wantsAuthorizers = opts.key ? opts.authorizers : scope.api?.authorizers?.length;
  const authorizers = wantsAuthorizers || routes.some(usesAuthorizer) ? await readAuthorizers(aws, ApiId) : undefined;
  return {
    foreign,
    api: {
      id: ApiId,
      name: api.Name!,
      endpoint: api.ApiEndpoint ?? '',
      arnPrefix: executeApiArn(aws.region, accountId, ApiId),
      ...(cors ? { cors } : {}),
      tags: { ...(api.Tags ?? {}) },
      integrations: integrations.map((i) => ({
        id: i.IntegrationId!,
        uri: i.IntegrationUri ?? '',
        ...(i.PayloadFormatVersion ? { payloadFormatVersion: i.PayloadFormatVersion } : {}),
        ...(i.IntegrationType ? { type: i.IntegrationType } : {}),
      })),
      routes: routes.map((r) => ({ id: r.RouteId!, key: r.RouteKey!, ...(r.Target ? { target: r.Target } : {}), ...routeAuthOf(r) })),
      ...(authorizers ? { authorizers } : {}),
      stages: stages.map((s) => ({
        name: s.StageName!,
        autoDeploy: s.AutoDeploy ?? false,
        ...(s.Tags && Object.keys(s.Tags).length ? { tags: { ...s.Tags } } : {}),
      })),
      ...httpStageSettings(stages, api.Tags),
      ...(duplicates.length ? { duplicates } : {}),
      ...(claimed ? { notOwned: true } : {}),
    },
  };
}

/** JWT and CUSTOM routes name an authorizer (a NONE route may keep a stale AuthorizerId: moto does). */
const usesAuthorizer = (r: Route) => (r.AuthorizationType === 'JWT' || r.AuthorizationType === 'CUSTOM') && !!r.AuthorizerId;

/** A route's authorization as read; nothing for NONE (so routes without auth read as they always did). */
function routeAuthOf(r: Route): { auth?: { type: string; authorizerId?: string; scopes?: string[] } } {
  const type = r.AuthorizationType ?? 'NONE';
  if (type === 'NONE') return {};
  return {
    auth: {
      type,
      ...(r.AuthorizerId ? { authorizerId: r.AuthorizerId } : {}),
      ...(r.AuthorizationScopes?.length ? { scopes: [...r.AuthorizationScopes] } : {}),
    },
  };
}
