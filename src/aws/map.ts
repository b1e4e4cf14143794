import type { Cors } from '@aws-sdk/client-apigatewayv2';
import type { FunctionConfiguration as SdkFunctionConfiguration } from '@aws-sdk/client-lambda';
import type { CorsSpec } from '../config/types.js';
import type { ActualApi, FunctionConfiguration, PolicyDocument, PolicyStatement } from '../model/actual.js';

/** Pure mapping from SDK shapes into src/aws/types.ts: both sides of a diff use the same defaults. */

export const OWNER_APP_TAG = 'ops:app';
export const OWNER_STAGE_TAG = 'ops:stage';

/**
 * `undefined` when the tags say app/stage owns the resource, else why not (for `actual.foreign`).
 * Exact equality of both tags: a name prefix or an IAM path never makes a resource ours.
 */
export function notOwnedReason(tags: Record<string, string> | undefined, app: string, stage: string): string | undefined {
  const a = tags?.[OWNER_APP_TAG];
  const s = tags?.[OWNER_STAGE_TAG];
  if (a === app && s === stage) return undefined;
  if (a === undefined && s === undefined) return 'no ops:app/ops:stage tags';
  return `tagged for app ${a ?? '?'} stage ${s ?? '?'}`;
}

/** The app and stage a resource's ops tags name (either may be absent). */
export const ownerOf = (tags: Record<string, string> | undefined) => ({ app: tags?.[OWNER_APP_TAG], stage: tags?.[OWNER_STAGE_TAG] });

/**
 * True when a resource found under our name prefix is another ops stage's (or app's) own, named
 * `{itsApp}-{itsStage}-…`: stage `dev` lists `tasks-dev-x-*` by prefix, and those belong to stage
 * `dev-x`. Such a resource is left alone like any foreign one, but not worth a warning in every plan.
 */
export function isOtherStagesOwn(name: string, owner: { app?: string; stage?: string } | undefined, app: string, stage: string): boolean {
  const a = owner?.app;
  const s = owner?.stage;
  if (!a || !s || (a === app && s === stage)) return false;
  return name.startsWith(`${a}-${s}-`);
}

/** The `actual.foreign` entry for a resource that is not ours; `undefined` when it is ours or another stage's own. */
export function foreignEntry(
  type: string,
  name: string,
  tags: Record<string, string> | undefined,
  app: string,
  stage: string,
): { type: string; name: string; reason: string } | undefined {
  const reason = notOwnedReason(tags, app, stage);
  if (!reason) return undefined;
  return isOtherStagesOwn(name, ownerOf(tags), app, stage) ? undefined : { type, name, reason };
}

/**
 * IAM returns policy documents URL-encoded (`%7B%22Version...`); Lambda's GetPolicy returns plain JSON.
 * Either way: a document with `Statement` always an array.
 */
export function parsePolicyDocument(raw: string | undefined): PolicyDocument {
  if (!raw) return { Version: '2012-10-17', Statement: [] };
  const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw.replace(/\+/g, '%20'));
  return normalizePolicyDocument(JSON.parse(text) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] });
}

export function normalizePolicyDocument(doc: { Version?: string; Statement?: PolicyStatement | PolicyStatement[] }): PolicyDocument {
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { Version: doc.Version ?? '2012-10-17', Statement: statements };
}

/** Lambda's defaults filled in, so an unset field compares equal to the desired default. */
export function mapFunctionConfiguration(c: SdkFunctionConfiguration): FunctionConfiguration {
  const subnets = c.VpcConfig?.SubnetIds ?? [];
  return {
    runtime: c.Runtime ?? '',
    handler: c.Handler ?? '',
    memory: c.MemorySize ?? 128,
    timeout: c.Timeout ?? 3,
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    ephemeralStorage: c.EphemeralStorage?.Size ?? 512,
    description: c.Description ?? '',
    environment: { ...(c.Environment?.Variables ?? {}) },
    role: c.Role ?? '',
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    ...(subnets.length > 0 ? { vpc: { subnetIds: [...subnets], securityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])] } } : {}),
    tracing: c.TracingConfig?.Mode === 'Active' ? 'Active' : 'PassThrough',
  };
}

export function mapCors(cors: Cors | undefined): ActualApi['cors'] {
  if (!cors) return undefined;
  const out: NonNullable<ActualApi['cors']> = {};
  if (cors.AllowOrigins?.length) out.allowOrigins = cors.AllowOrigins;
  if (cors.AllowMethods?.length) out.allowMethods = cors.AllowMethods;
  if (cors.AllowHeaders?.length) out.allowHeaders = cors.AllowHeaders;
  if (cors.ExposeHeaders?.length) out.exposeHeaders = cors.ExposeHeaders;
  if (cors.MaxAge !== undefined) out.maxAge = cors.MaxAge;
  if (cors.AllowCredentials !== undefined) out.allowCredentials = cors.AllowCredentials;
  // An API whose CORS was deleted may still answer with an empty object.
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * CORS as API Gateway takes it. `full`: every field present (empty lists, MaxAge 0, no credentials)
 * so an UpdateApi clears what the spec no longer has, whether the service merges or replaces.
 */
export function toSdkCors(cors: CorsSpec, opts: { full?: boolean } = {}): Cors {
  if (opts.full) {
    return {
      AllowOrigins: cors.allowOrigins ?? [],
      AllowMethods: cors.allowMethods ?? [],
      AllowHeaders: cors.allowHeaders ?? [],
      ExposeHeaders: cors.exposeHeaders ?? [],
      MaxAge: cors.maxAge ?? 0,
      AllowCredentials: cors.allowCredentials ?? false,
    };
  }
  return {
    ...(cors.allowOrigins ? { AllowOrigins: cors.allowOrigins } : {}),
    ...(cors.allowMethods ? { AllowMethods: cors.allowMethods } : {}),
    ...(cors.allowHeaders ? { AllowHeaders: cors.allowHeaders } : {}),
    ...(cors.exposeHeaders ? { ExposeHeaders: cors.exposeHeaders } : {}),
    ...(cors.maxAge !== undefined ? { MaxAge: cors.maxAge } : {}),
    ...(cors.allowCredentials !== undefined ? { AllowCredentials: cors.allowCredentials } : {}),
  };
}

/** Published versions are numbers; `$LATEST` is not one. */
export const byVersionNumber = (a: { version: string }, b: { version: string }) => Number(a.version) - Number(b.version);

/** ARNs ops builds: the function, its `live` alias, the API's execute-api prefix. */
export const functionArn = (partition: string, region: string, account: string, name: string) =>
  `arn:${partition}:lambda:${region}:${account}:function:${name}`;
export const executeApiArn = (partition: string, region: string, account: string, apiId: string) =>
  `arn:${partition}:execute-api:${region}:${account}:${apiId}`;
export const LIVE_ALIAS = 'live';
/**
 * IAM path of every role ops manages for an app and stage: `ListRoles({ PathPrefix })` finds the candidates
 * (the trailing `/` keeps `dev` from `dev-x`); only the tags make one ours.
 */
export const opsRolePath = (app: string, stage: string) => `/ops/${app}/${stage}/`;
