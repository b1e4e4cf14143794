import type { Method, Resource, RestApi } from '@aws-sdk/client-api-gateway';
import { API_KEY_TAG, notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import type { Actual, ActualRestApi, ActualRestMethod, ReadScope } from '../model/actual.js';
import { restStageSettings } from './api-stage.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { createOnce } from './once.js';
import { allPages } from './pool.js';
import { read, withRetry } from './retry.js';
import type { APIGateway } from './sdk/apigwrest.js';

/** The fleet's REST API (API Gateway v1): the API, its resources, methods and integrations, deployments and stage. */

/** API Gateway's 409 for a write racing another on the same API: worth waiting for. */
const isConcurrentModification = (error: unknown) =>
  nameOf(error) === 'ConflictException' && /concurrent modification/i.test((error as { message?: string }).message ?? '');

/** API Gateway's 409 for what is already there: a resource path part, a method. */
const isConflict = (error: unknown) => nameOf(error) === 'ConflictException' && !isConcurrentModification(error);

/** A write, waited for while another write to the API is in progress (a deploy writes several at once). */
const write = <T>(aws: Aws, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => aws.write(fn), { retryable: isConcurrentModification, delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry });

/** Oldest first, then by id: every reader and every racing deploy agrees on which owned API is kept. */
const compareRestApis = (a: RestApi, b: RestApi) =>
  (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0) ||
  ((a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0);

/** Every REST API of the account (GetRestApis has no filter by tag): one listing, 500 a page. */
export async function listRestApis(aws: Aws): Promise<RestApi[]> {
  const api = await aws.apigwRest();
  return allPages(
    (position) => read(aws, () => api.getRestApis({ limit: 500, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
}

/** The REST APIs tagged for the app and stage, oldest first: ownership is by tags, never by name. */
/** The stage's REST APIs of one key (`ops:api`; none: the default API), oldest first. */
async function ownedRestApis(aws: Aws, app: string, stage: string, key?: string, listed?: RestApi[]): Promise<RestApi[]> {
  return (listed ?? (await listRestApis(aws)))
    .filter((a) => a.tags?.[OWNER_APP_TAG] === app && a.tags?.[OWNER_STAGE_TAG] === stage && a.tags?.[API_KEY_TAG] === key)
    .sort(compareRestApis);
}

async function resourcesOf(aws: Aws, api: APIGateway, restApiId: string): Promise<Resource[]> {
  return allPages(
    (position) => read(aws, () => api.getResources({ restApiId, limit: 500, embed: ['methods'], ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
}

function mapMethod(m: Method): ActualRestMethod {
  const i = m.methodIntegration;
  const headers = i?.integrationResponses?.['200']?.responseParameters;
  return {
    ...(m.authorizationType ? { authorizationType: m.authorizationType } : {}),
    ...(m.authorizerId ? { authorizerId: m.authorizerId } : {}),
    ...(m.apiKeyRequired ? { apiKeyRequired: true } : {}),
    ...(m.authorizationScopes?.length ? { authorizationScopes: [...m.authorizationScopes] } : {}),
    ...(i
      ? {
          integration: {
            ...(i.type ? { type: i.type } : {}),
            ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
            ...(i.uri ? { uri: i.uri } : {}),
            ...(headers ? { responseHeaders: { ...headers } } : {}),
          },
        }
      : {}),
  };
}

/** The stage's REST API: the oldest tagged `ops:app` / `ops:stage`, with its resources, stages and deployments. */
export async function readRestApi(
  aws: Aws,
  scope: ReadScope,
  opts: { key?: string; name?: string; listed?: RestApi[] } = {},
): Promise<{ restApi?: ActualRestApi; foreign: Actual['foreign'] }> {
  const api = await aws.apigwRest();
  const name = opts.name ?? `${scope.app}-${scope.stage}`;
  const all = opts.listed ?? (await listRestApis(aws));
  const foreign: Actual['foreign'] = [];
  for (const a of all.filter((x) => x.name === name)) {
    const reason = notOwnedReason(a.tags, scope.app, scope.stage);
    if (reason) foreign.push({ type: 'rest api', name: `${name} (${a.id})`, reason });
  }
  // A named API is owned by its `ops:api` tag too; the default one has none (as the previous version made it).
  const owned = await ownedRestApis(aws, scope.app, scope.stage, opts.key, all);
  const first = owned[0];
  if (!first?.id) return { foreign };
  const restApiId = first.id;
  const [resources, stages, deployments] = await Promise.all([
    resourcesOf(aws, api, restApiId),
    read(aws, () => api.getStages({ restApiId })),
    allPages(
      (position) => read(aws, () => api.getDeployments({ restApiId, limit: 500, ...(position ? { position } : {}) })),
      (page) => page.items,
      (page) => page.position,
    ),
  ]);
  const restApi: ActualRestApi = {
    id: restApiId,
    name: first.name ?? '',
    tags: { ...(first.tags ?? {}) },
    resources: Object.fromEntries(
      resources.map((r) => [
        r.path ?? '/',
        {
          id: r.id!,
          ...(r.parentId ? { parentId: r.parentId } : {}),
          methods: Object.fromEntries(Object.entries(r.resourceMethods ?? {}).map(([k, m]) => [k, mapMethod(m)])),
        },
      ]),
    ),
    stages: (stages.item ?? []).map((s) => ({
      name: s.stageName!,
      ...(s.deploymentId ? { deploymentId: s.deploymentId } : {}),
      ...(s.variables && Object.keys(s.variables).length ? { variables: { ...s.variables } } : {}),
      ...(s.tags && Object.keys(s.tags).length ? { tags: { ...s.tags } } : {}),
    })),
    ...restStageSettings(stages.item ?? []),
    deployments: deployments
      .map((d) => ({ id: d.id!, ...(d.createdDate ? { createdDate: d.createdDate.getTime() } : {}) }))
      .sort((a, b) => (a.createdDate ?? 0) - (b.createdDate ?? 0) || (a.id < b.id ? -1 : 1)),
    ...(owned.length > 1 ? { duplicates: owned.slice(1).map((a) => a.id!) } : {}),
  };
  return { restApi, foreign };
}

/**
 * CreateRestApi (regional, tagged). The SDK sends it once (src/aws/once.ts); a lost answer is followed by
 * a read by tags, and an owned API found is the one just made: a retry never makes a second API.
 */
export async function createRestApi(
  aws: Aws,
  input: { name: string; tags: Record<string, string> },
): Promise<{ apiId: string; rootId: string }> {
  const api = await aws.apigwRest();
  const app = input.tags[OWNER_APP_TAG] ?? '';
  const stage = input.tags[OWNER_STAGE_TAG] ?? '';
  const apiId = await createOnce(
    aws,
    async () =>
      (await write(aws, () => api.createRestApi({ name: input.name, endpointConfiguration: { types: ['REGIONAL'] }, tags: input.tags })))
        .id!,
    async () => (await ownedRestApis(aws, app, stage, input.tags[API_KEY_TAG]))[0]?.id,
  );
  const root = (await resourcesOf(aws, api, apiId)).find((r) => r.path === '/');
  if (!root?.id) throw new Error(`REST API ${apiId} has no root resource`);
  return { apiId, rootId: root.id };
}

/** CreateResource; a path already there (a retry, a lost answer) is read back instead. */
export async function createResource(aws: Aws, restApiId: string, parentId: string, path: string): Promise<string> {
  const api = await aws.apigwRest();
  const pathPart = path.slice(path.lastIndexOf('/') + 1);
  try {
    return (await write(aws, () => api.createResource({ restApiId, parentId, pathPart }))).id!;
  } catch (error) {
    if (!isConflict(error)) throw error;
    const found = (await resourcesOf(aws, api, restApiId)).find((r) => r.path === path);
    if (!found?.id) throw error;
    return found.id;
  }
}

/** Deletes a resource (with what is still under it); one already gone is fine. */
export async function deleteResource(aws: Aws, restApiId: string, resourceId: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteResource({ restApiId, resourceId })));
}

/** A method's authorization as PutMethod takes it (src/resources/rest-api/plan-authorizers.ts plans it). */
export interface RestMethodAuth {
  type: 'NONE' | 'AWS_IAM' | 'COGNITO_USER_POOLS' | 'CUSTOM';
  authorizerId?: string;
  scopes?: string[];
  /** apiKeyRequired: callers send an API key of a usage plan (src/resources/api-keys). */
  apiKey?: boolean;
}

/** PutMethod with its authorization, or (when the method exists) its authorization patched to it (`have`: what it holds). */
async function putMethod(
  aws: Aws,
  api: APIGateway,
  at: { restApiId: string; resourceId: string; httpMethod: string },
  auth: RestMethodAuth,
  have: { authorizerId?: string; scopes?: string[]; apiKey?: boolean },
): Promise<void> {
  try {
    await write(aws, () =>
      api.putMethod({
        ...at,
        authorizationType: auth.type,
        ...(auth.apiKey ? { apiKeyRequired: true } : {}),
        ...(auth.authorizerId ? { authorizerId: auth.authorizerId } : {}),
        ...(auth.scopes?.length ? { authorizationScopes: auth.scopes } : {}),
      }),
    );
  } catch (error) {
    if (!isConflict(error)) throw error;
    const [want, had] = [auth.scopes ?? [], have.scopes ?? []];
    const patchOperations = [
      { op: 'replace' as const, path: '/authorizationType', value: auth.type },
      // Sent only when it moves: a method without an authorizer keeps the one patch it always had.
      ...((auth.authorizerId ?? '') !== (have.authorizerId ?? '')
        ? [{ op: 'replace' as const, path: '/authorizerId', value: auth.authorizerId ?? '' }]
        : []),
      ...(Boolean(auth.apiKey) !== Boolean(have.apiKey)
        ? [{ op: 'replace' as const, path: '/apiKeyRequired', value: String(Boolean(auth.apiKey)) }]
        : []),
      ...want.filter((x) => !had.includes(x)).map((value) => ({ op: 'add' as const, path: '/authorizationScopes', value })),
      ...had.filter((x) => !want.includes(x)).map((value) => ({ op: 'remove' as const, path: '/authorizationScopes', value })),
    ];
    await write(aws, () => api.updateMethod({ ...at, patchOperations }));
  }
}

/** A route: the method with its authorization (default none) and its AWS_PROXY integration (POST to Lambda's Invoke, payload 1.0). */
export async function putRouteMethod(
  aws: Aws,
  restApiId: string,
  resourceId: string,
  httpMethod: string,
  uri: string,
  auth: RestMethodAuth = { type: 'NONE' },
  have: { authorizerId?: string; scopes?: string[]; apiKey?: boolean } = {},
): Promise<void> {
  const api = await aws.apigwRest();
  await putMethod(aws, api, { restApiId, resourceId, httpMethod }, auth, have);
  // PutIntegration replaces what is there: the same call creates and updates.
  await write(aws, () => api.putIntegration({ restApiId, resourceId, httpMethod, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }));
}

export async function deleteMethod(aws: Aws, restApiId: string, resourceId: string, httpMethod: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteMethod({ restApiId, resourceId, httpMethod })));
}

/**
 * The CORS preflight of a resource, as SAM's `Cors` builds it: OPTIONS without authorization, a MOCK
 * integration answering 200, and the `Access-Control-Allow-*` headers (`headers`: name → quoted value) on
 * the method and integration responses. Rebuilt whole when it changes: the responses cannot be put twice.
 */
export async function putCorsMethod(aws: Aws, restApiId: string, resourceId: string, headers: Record<string, string>): Promise<void> {
  const api = await aws.apigwRest();
  const base = { restApiId, resourceId, httpMethod: 'OPTIONS' };
  await orNotFound(write(aws, () => api.deleteMethod(base)));
  await write(aws, () => api.putMethod({ ...base, authorizationType: 'NONE' }));
  await write(aws, () => api.putIntegration({ ...base, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  const declared = Object.fromEntries(Object.keys(headers).map((h) => [`method.response.header.${h}`, false]));
  await write(aws, () => api.putMethodResponse({ ...base, statusCode: '200', responseParameters: declared }));
  const values = Object.fromEntries(Object.entries(headers).map(([h, v]) => [`method.response.header.${h}`, v]));
  await write(aws, () =>
    api.putIntegrationResponse({ ...base, statusCode: '200', responseParameters: values, responseTemplates: { 'application/json': '' } }),
  );
}

export interface StageInput {
  stage: string;
  variables?: Record<string, string>;
  /** The variables the stage has now: the ones no longer wanted are removed. */
  haveVariables?: Record<string, string>;
}

const variablePatches = (want: Record<string, string> = {}, have: Record<string, string> = {}) => [
  ...Object.entries(want)
    .filter(([k, v]) => have[k] !== v)
    .map(([k, v]) => ({ op: 'replace' as const, path: `/variables/${k}`, value: v })),
  ...Object.keys(have)
    .filter((k) => !(k in want))
    .map((k) => ({ op: 'remove' as const, path: `/variables/${k}` })),
];

/**
 * A new deployment of what the API holds now, the stage moved to it (created when missing), then the
 * deployments no stage points at deleted. A retried CreateDeployment may leave an extra one: the prune
 * (here or in the next plan) removes it.
 */
export async function deployStage(aws: Aws, restApiId: string, input: StageInput): Promise<{ deploymentId: string }> {
  const api = await aws.apigwRest();
  const deploymentId = (await write(aws, () => api.createDeployment({ restApiId, description: 'ops deploy' }))).id!;
  const stage = await orNotFound(read(aws, () => api.getStage({ restApiId, stageName: input.stage })));
  if (stage) {
    const patchOperations = [
      { op: 'replace' as const, path: '/deploymentId', value: deploymentId },
      ...variablePatches(input.variables, stage.variables),
    ];
    await write(aws, () => api.updateStage({ restApiId, stageName: input.stage, patchOperations }));
  } else {
    await write(aws, () =>
      api.createStage({ restApiId, stageName: input.stage, deploymentId, ...(input.variables ? { variables: input.variables } : {}) }),
    );
  }
  await pruneDeployments(aws, restApiId);
  return { deploymentId };
}

/** Sets the stage's variables (no new deployment: variables are read per request). */
export async function updateStageVariables(aws: Aws, restApiId: string, input: StageInput): Promise<void> {
  const api = await aws.apigwRest();
  const patchOperations = variablePatches(input.variables, input.haveVariables);
  if (patchOperations.length) await write(aws, () => api.updateStage({ restApiId, stageName: input.stage, patchOperations }));
}

/** Deletes every deployment no stage points at (API Gateway refuses to delete one a stage uses). */
export async function pruneDeployments(aws: Aws, restApiId: string): Promise<number> {
  const api = await aws.apigwRest();
  const [stages, deployments] = await Promise.all([
    read(aws, () => api.getStages({ restApiId })),
    allPages(
      (position) => read(aws, () => api.getDeployments({ restApiId, limit: 500, ...(position ? { position } : {}) })),
      (page) => page.items,
      (page) => page.position,
    ),
  ]);
  const used = new Set((stages.item ?? []).map((s) => s.deploymentId));
  const stale = deployments.filter((d) => d.id && !used.has(d.id));
  for (const d of stale) await orNotFound(write(aws, () => api.deleteDeployment({ restApiId, deploymentId: d.id! })));
  return stale.length;
}

/** Deletes the REST API with its resources, stages and deployments. */
export async function deleteRestApi(aws: Aws, restApiId: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteRestApi({ restApiId })));
}
