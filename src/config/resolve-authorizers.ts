import type * as z from 'zod';
import type { authorizersSchema } from './authorizers.js';

/* Authorizers of an API and each route's auth resolved (the schema and rules: src/config/authorizers.ts). Zod-free at run time. */

export const DEFAULT_IDENTITY_SOURCE = ['$request.header.Authorization'];

export type AuthorizerSpec =
  | { name: string; type: 'jwt'; issuer: string; audience: string[]; identitySource: string[] }
  | { name: string; type: 'iam' }
  | {
      name: string;
      type: 'lambda';
      /** Function key in the config, and its physical name. */
      function: string;
      functionName: string;
      identitySource: string[];
      ttl: number;
      payload: '1.0' | '2.0';
      /** A REST API's TOKEN authorizer (`functionPayloadType: 'TOKEN'`); absent: REQUEST. */
      token?: true;
    };

/** What an authorizer is made of as API Gateway takes it (the plan's want, the writer's input). */
export type AuthorizerInput =
  | { name: string; type: 'JWT'; issuer: string; audience: string[]; identitySource: string[] }
  | { name: string; type: 'REQUEST'; functionName: string; identitySource: string[]; ttl: number; payload: '1.0' | '2.0' };

/** How a route is authorized; absent on a RouteSpec: none. */
export type RouteAuth = { type: 'iam' } | { type: 'jwt' | 'lambda'; authorizer: string; scopes?: string[] };

type RawAuthorizers = z.infer<typeof authorizersSchema>;

export function resolveAuthorizers(raw: RawAuthorizers | undefined, physicalName: (key: string) => string): AuthorizerSpec[] {
  return Object.entries(raw ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, a]): AuthorizerSpec => {
      if (a.type === 'iam') return { name, type: 'iam' };
      if (a.type === 'jwt')
        return {
          name,
          type: 'jwt',
          issuer: a.issuer ?? '',
          audience: a.audience ?? [],
          identitySource: a.identitySource ?? DEFAULT_IDENTITY_SOURCE,
        };
      return {
        name,
        type: 'lambda',
        function: a.function,
        functionName: physicalName(a.function),
        identitySource: a.identitySource ?? DEFAULT_IDENTITY_SOURCE,
        ttl: a.ttl ?? 0,
        payload: a.payload ?? '2.0',
        ...(a.functionPayloadType === 'TOKEN' ? { token: true as const } : {}),
      };
    });
}

/** A route's `auth` (or the default) resolved; undefined: none. */
export function routeAuth(authorizers: AuthorizerSpec[], name: string | undefined, scopes: string[] | undefined): RouteAuth | undefined {
  if (!name || name === 'none') return undefined;
  const a = authorizers.find((x) => x.name === name);
  if (!a || a.type === 'iam') return { type: 'iam' };
  return { type: a.type, authorizer: a.name, ...(scopes?.length ? { scopes } : {}) };
}
