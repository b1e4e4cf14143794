import * as z from 'zod';
import { didYouMean } from './did-you-mean.js';

/**
 * Authorizers of the fleet's HTTP API (`api.authorizers`, `api.defaultAuthorizer`) and each route's `auth`:
 * the schema and the rules that span fields (an authorizer's function, a route's authorizer), one line each,
 * before anything is written. The resolved shapes: src/config/resolve-authorizers.ts.
 */

const IDENTITY_SOURCE = z
  .array(
    z
      .string()
      .regex(
        /^\$(request|context|stageVariables)\./,
        'an identity source is $request.header.Name, $request.querystring.name, $context.x or $stageVariables.x',
      ),
  )
  .min(1);

export const authorizerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('jwt'),
    /** The token's `iss`: for Cognito `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`. Checked in validate for a one-line message. */
    issuer: z.string().optional(),
    /** The token's `aud` (Cognito: the app client ids). */
    audience: z.array(z.string()).optional(),
    identitySource: IDENTITY_SOURCE.optional(),
  }),
  z.strictObject({ type: z.literal('iam') }),
  z.strictObject({
    type: z.literal('lambda'),
    /** A function of this fleet (its key): invoked through its `live` alias. */
    function: z.string(),
    identitySource: IDENTITY_SOURCE.optional(),
    /** Result caching, seconds (0: none, the default). */
    ttl: z.number().int().min(0).max(3600).optional(),
    /** '2.0' (the default) with simple responses `{ isAuthorized }`; '1.0' answers an IAM policy. */
    payload: z.enum(['1.0', '2.0']).optional(),
    /** REST APIs only, as SAM's `FunctionPayloadType`: 'TOKEN' passes one header's value; 'REQUEST' (the default) the request. */
    functionPayloadType: z.enum(['REQUEST', 'TOKEN']).optional(),
  }),
]);

const AUTHORIZER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const authorizersSchema = z.record(
  z.string().regex(AUTHORIZER_NAME, 'an authorizer name is 1-64 letters, digits, hyphens or underscores'),
  authorizerSchema,
);

/** Always understood by a route's `auth`: no authorization, and AWS_IAM (SigV4-signed callers). */
export const BUILTIN_AUTH = ['none', 'iam'] as const;

export const routeAuthFields = {
  /** An authorizer of `api.authorizers`, 'iam' or 'none'; default `api.defaultAuthorizer`. */
  auth: z.string().optional(),
  /** JWT scopes the token must carry (one of them). */
  scopes: z.array(z.string()).optional(),
};

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Problem {
  path: string;
  message: string;
}

/** The rules across fields: an authorizer's function, a JWT's issuer and audience, every route's (and the default's) authorizer. */
export function authorizerProblems(raw: Record<string, any>): Problem[] {
  const out: Problem[] = [];
  const api = isObj(raw.api) ? raw.api : {};
  const fns = isObj(raw.functions) ? raw.functions : {};
  const declared = isObj(api.authorizers) ? api.authorizers : {};
  for (const [name, a] of Object.entries(declared)) {
    if (!isObj(a)) continue;
    const at = `api.authorizers.${name}`;
    if ((BUILTIN_AUTH as readonly string[]).includes(name) && !(name === 'iam' && a.type === 'iam'))
      out.push({ path: at, message: `'${name}' is a built-in auth value of routes: name the authorizer otherwise` });
    if (a.type === 'jwt' && typeof a.issuer === 'string' && a.issuer && !a.issuer.startsWith('https://'))
      out.push({
        path: `${at}.issuer`,
        message: "a JWT issuer is an https:// URL (the token's iss), e.g. https://cognito-idp.{region}.amazonaws.com/{userPoolId}",
      });
    // A REST API's Cognito authorizer takes no audience (validate-rest-api.ts says so): the issuer is enough there.
    const audienceMissing = !isObj(raw.api) || raw.api.type !== 'rest' ? !Array.isArray(a.audience) || !a.audience.length : false;
    if (a.type === 'jwt' && (typeof a.issuer !== 'string' || !a.issuer || audienceMissing))
      out.push({
        path: at,
        message:
          "a JWT authorizer needs issuer and audience, e.g. issuer: 'https://cognito-idp.{region}.amazonaws.com/{userPoolId}', audience: ['{appClientId}']",
      });
    if (a.type === 'lambda' && typeof a.function === 'string' && !(a.function in fns)) {
      const guess = didYouMean(a.function, Object.keys(fns));
      out.push({
        path: `${at}.function`,
        message: `no function '${a.function}' in this fleet${guess ? ` (did you mean '${guess}'?)` : ''}`,
      });
    }
  }
  const known = [...Object.keys(declared), ...BUILTIN_AUTH];
  const unknown = (name: unknown, path: string) => {
    if (typeof name !== 'string' || known.includes(name)) return;
    const guess = didYouMean(name, known);
    const list = Object.keys(declared).length ? `api.authorizers has ${Object.keys(declared).join(', ')}` : 'api.authorizers declares none';
    out.push({ path, message: `no authorizer '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}: ${list}, or 'iam', 'none'` });
  };
  unknown(api.defaultAuthorizer, 'api.defaultAuthorizer');
  for (const [key, fn] of Object.entries(fns)) {
    if (!isObj(fn) || !Array.isArray(fn.routes)) continue;
    fn.routes.forEach((r: unknown, i: number) => {
      if (!isObj(r)) return;
      unknown(r.auth, `functions.${key}.routes.${i}.auth`);
      // API Gateway takes AuthorizationScopes on JWT routes only.
      const name = r.auth ?? api.defaultAuthorizer;
      if (Array.isArray(r.scopes) && r.scopes.length && !(isObj(declared[name]) && declared[name].type === 'jwt'))
        out.push({
          path: `functions.${key}.routes.${i}.scopes`,
          message: `scopes need a JWT authorizer; this route's auth is '${name ?? 'none'}'`,
        });
    });
  }
  // What a REST API cannot do with these (a non-Cognito JWT issuer, TOKEN on HTTP, ...) is in validate-rest-api.ts.
  return out;
}

/** A route entry of the config: the string, or `{ route, auth?, scopes? }`. */
export const routeKeyOf = (r: unknown): string | undefined =>
  typeof r === 'string' ? r : isObj(r) && typeof r.route === 'string' ? r.route : undefined;
