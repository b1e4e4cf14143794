import type { Cors } from '@aws-sdk/client-apigatewayv2';
import type { FunctionConfiguration as SdkFunctionConfiguration } from '@aws-sdk/client-lambda';
import type { CorsSpec } from '../config/types.js';
import type { ActualApi, FunctionConfiguration, PolicyDocument, PolicyStatement } from '../model/actual.js';

/** Pure mapping from SDK shapes into the actual-state model (src/model/actual.ts): both sides of a diff use the same defaults. */

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
