import type { CorsSpec } from '../config/types.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { liveAliasArn } from './lambda.js';
import { toSdkCors } from './map.js';

/** Writers for the fleet's HTTP API: the API, its `$default` stage, integrations and routes. */

const DEFAULT_STAGE = '$default';

export interface CreateApiInput {
  name: string;
  cors?: CorsSpec;
  tags: Record<string, string>;
}

/** CreateApi (HTTP protocol, CORS, tags). */
export async function createApi(aws: Aws, input: CreateApiInput): Promise<{ apiId: string; endpoint: string }> {
  const apigw = await aws.apigw();
  const api = await aws.write(() =>
    apigw.createApi({
      Name: input.name,
      ProtocolType: 'HTTP',
      ...(input.cors ? { CorsConfiguration: toSdkCors(input.cors) } : {}),
      Tags: input.tags,
    }),
  );
  return { apiId: api.ApiId!, endpoint: api.ApiEndpoint ?? '' };
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
 * The `$default` stage with auto-deploy, so every route change is live without CreateDeployment.
 * Nothing is written when it is already so.
 */
export async function ensureDefaultStage(aws: Aws, apiId: string): Promise<{ changed: boolean }> {
  const apigw = await aws.apigw();
  const stage = await orNotFound(apigw.getStage({ ApiId: apiId, StageName: DEFAULT_STAGE }));
  if (!stage) {
    await aws.write(() => apigw.createStage({ ApiId: apiId, StageName: DEFAULT_STAGE, AutoDeploy: true }));
    return { changed: true };
  }
  if (stage.AutoDeploy) return { changed: false };
  await aws.write(() => apigw.updateStage({ ApiId: apiId, StageName: DEFAULT_STAGE, AutoDeploy: true }));
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

/** AWS_PROXY integration, payload format 2.0, calling the function's `live` alias. */
export async function createIntegration(aws: Aws, apiId: string, target: IntegrationTarget): Promise<{ integrationId: string }> {
  const apigw = await aws.apigw();
  const IntegrationUri = await integrationUri(aws, target);
  const created = await aws.write(() => apigw.createIntegration({ ApiId: apiId, ...PROXY, IntegrationUri }));
  return { integrationId: created.IntegrationId! };
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

export async function createRoute(aws: Aws, apiId: string, routeKey: string, integrationId: string): Promise<{ routeId: string }> {
  const apigw = await aws.apigw();
  const created = await aws.write(() => apigw.createRoute({ ApiId: apiId, RouteKey: routeKey, Target: `integrations/${integrationId}` }));
  return { routeId: created.RouteId! };
}

export async function updateRoute(aws: Aws, apiId: string, routeId: string, integrationId: string): Promise<void> {
  const apigw = await aws.apigw();
  await aws.write(() => apigw.updateRoute({ ApiId: apiId, RouteId: routeId, Target: `integrations/${integrationId}` }));
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
