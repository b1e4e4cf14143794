import type { FunctionUrlAuth, FunctionUrlConfig, FunctionUrlInvokeMode } from './function-url.js';

/* A function's `url` resolved, and CORS in Lambda's shape (the schema: src/config/function-url.ts). Zod-free. */

/** A Function URL's CORS in the shape Lambda's Create/UpdateFunctionUrlConfig take; Lambda's defaults are left out. */
export interface FunctionUrlCors {
  AllowOrigins?: string[];
  AllowMethods?: string[];
  AllowHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
  AllowCredentials?: boolean;
}

/** The Function URL on a function's `live` alias, as the config asks for it. */
export interface FunctionUrlSpec {
  /** AWS_IAM unless the config says NONE; NONE also needs the public resource-policy statements. */
  auth: FunctionUrlAuth;
  /** Absent: no CORS headers (Lambda's default). */
  cors?: FunctionUrlCors;
  invokeMode: FunctionUrlInvokeMode;
}

/** The resolved Function URL of a function, or undefined when it has none. Pure. */
export function resolveFunctionUrl(url: FunctionUrlConfig | undefined): FunctionUrlSpec | undefined {
  if (url === undefined || url === false) return undefined;
  const given = url === true ? {} : url;
  const corsSpec = given.cors ? toLambdaCors(given.cors) : undefined;
  return {
    auth: given.auth ?? 'AWS_IAM',
    ...(corsSpec ? { cors: corsSpec } : {}),
    invokeMode: given.invokeMode ?? 'BUFFERED',
  };
}

/** CORS in UpdateFunctionUrlConfig's shape, so a config that says Lambda's defaults compares equal to what Lambda reads back. */
export function toLambdaCors(c: NonNullable<Exclude<FunctionUrlConfig, boolean>['cors']>): FunctionUrlCors | undefined {
  return normalizeCors({
    AllowOrigins: c.allowOrigins,
    AllowMethods: c.allowMethods,
    AllowHeaders: c.allowHeaders,
    ExposeHeaders: c.exposeHeaders,
    MaxAge: c.maxAge,
    AllowCredentials: c.allowCredentials,
  });
}

/** CORS without the fields equal to Lambda's defaults (no list, MaxAge 0, no credentials); undefined when nothing is left. */
export function normalizeCors(c: FunctionUrlCors | undefined): FunctionUrlCors | undefined {
  if (!c) return undefined;
  const out: FunctionUrlCors = {
    ...(c.AllowOrigins?.length ? { AllowOrigins: [...c.AllowOrigins] } : {}),
    ...(c.AllowMethods?.length ? { AllowMethods: [...c.AllowMethods] } : {}),
    ...(c.AllowHeaders?.length ? { AllowHeaders: [...c.AllowHeaders] } : {}),
    ...(c.ExposeHeaders?.length ? { ExposeHeaders: [...c.ExposeHeaders] } : {}),
    ...(c.MaxAge ? { MaxAge: c.MaxAge } : {}),
    ...(c.AllowCredentials ? { AllowCredentials: true } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}
