import * as z from 'zod';
import { count } from './limits.js';

/**
 * A function's `url`: a Lambda Function URL on its `live` alias. `true` is `{ auth: 'AWS_IAM' }`:
 * a public endpoint must be asked for by name (`auth: 'NONE'`), never be the default. The schema; what it resolves
 * to: src/config/resolve-function-url.ts.
 */

/** Lambda's limits on a Function URL's CORS (API_Cors in the Lambda API reference). */
export const FUNCTION_URL_LIMITS = {
  maxAgeSeconds: 86_400,
  origins: 100,
  originChars: 253,
  headers: 100,
  headerChars: 1_024,
} as const;

/** What Lambda accepts in AllowMethods (OPTIONS is the preflight, which Lambda answers itself). */
export const FUNCTION_URL_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*'] as const;
export const FUNCTION_URL_AUTH = ['AWS_IAM', 'NONE'] as const;
export const FUNCTION_URL_INVOKE_MODES = ['BUFFERED', 'RESPONSE_STREAM'] as const;

// `*`, or scheme://host[:port] with nothing after it: a browser's Origin header never has a path.
const ORIGIN = /^(\*|https?:\/\/[^/\s?#]+)$/;

const origin = z
  .string()
  .max(FUNCTION_URL_LIMITS.originChars, `an origin is at most ${FUNCTION_URL_LIMITS.originChars} characters`)
  .regex(ORIGIN, "an origin is '*' or scheme://host[:port] with no path (https://app.example.com)");
const header = z
  .string()
  .min(1, 'a header name must not be empty')
  .max(FUNCTION_URL_LIMITS.headerChars, `a header name is at most ${count(FUNCTION_URL_LIMITS.headerChars)} characters`);
const headers = z.array(header).max(FUNCTION_URL_LIMITS.headers, `at most ${FUNCTION_URL_LIMITS.headers} headers`);

const cors = z
  .strictObject({
    allowOrigins: z.array(origin).max(FUNCTION_URL_LIMITS.origins, `at most ${FUNCTION_URL_LIMITS.origins} origins`).optional(),
    allowMethods: z.array(z.enum(FUNCTION_URL_METHODS, { message: `a method is one of ${FUNCTION_URL_METHODS.join(', ')}` })).optional(),
    allowHeaders: headers.optional(),
    exposeHeaders: headers.optional(),
    maxAge: z
      .number()
      .int('maxAge is whole seconds')
      .min(0, `maxAge is 0..${count(FUNCTION_URL_LIMITS.maxAgeSeconds)} seconds`)
      .max(FUNCTION_URL_LIMITS.maxAgeSeconds, `maxAge is 0..${count(FUNCTION_URL_LIMITS.maxAgeSeconds)} seconds (one day at most)`)
      .optional(),
    allowCredentials: z.boolean().optional(),
  })
  .refine((c) => !(c.allowCredentials && c.allowOrigins?.includes('*')), {
    message: "browsers refuse credentials from origin '*': list the origins, or drop allowCredentials",
    path: ['allowCredentials'],
  });

export const functionUrlSchema = z.union([
  z.boolean({ message: "url is true, false or { auth: 'AWS_IAM' | 'NONE', cors, invokeMode }" }),
  z.strictObject({
    /** Default AWS_IAM: callers sign with SigV4. NONE makes the URL public (ops adds the public resource policy). */
    auth: z.enum(FUNCTION_URL_AUTH, { message: "auth is 'AWS_IAM' (signed requests) or 'NONE' (public)" }).optional(),
    cors: cors.optional(),
    /** Default BUFFERED; RESPONSE_STREAM needs a Node.js handler wrapped in awslambda.streamifyResponse. */
    invokeMode: z.enum(FUNCTION_URL_INVOKE_MODES, { message: "invokeMode is 'BUFFERED' or 'RESPONSE_STREAM'" }).optional(),
  }),
]);

export type FunctionUrlConfig = z.output<typeof functionUrlSchema>;
export type FunctionUrlAuth = (typeof FUNCTION_URL_AUTH)[number];
export type FunctionUrlInvokeMode = (typeof FUNCTION_URL_INVOKE_MODES)[number];
