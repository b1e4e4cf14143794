import type { Authorizer, CreateAuthorizerRequest } from '@aws-sdk/client-apigatewayv2';
import { restIntegrationUri } from '../config/naming.js';
import type { AuthorizerInput } from '../config/resolve-authorizers.js';
import type { ActualAuthorizer } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { createOnce } from './once.js';
import { allPages } from './pool.js';
import { read } from './retry.js';

/** The HTTP API's authorizers (JWT and Lambda REQUEST) and each route's authorization. */

/** GetAuthorizers, mapped. Read only when the config declares authorizers or a route names one (a no-op fleet without them makes no call). */
export async function readAuthorizers(aws: Aws, apiId: string): Promise<ActualAuthorizer[]> {
  const apigw = await aws.apigw();
  const items = await allPages<{ Items?: Authorizer[]; NextToken?: string }, Authorizer>(
    (NextToken) => read(aws, () => apigw.getAuthorizers({ ApiId: apiId, ...(NextToken ? { NextToken } : {}) })),
    (page) => page.Items,
    (page) => page.NextToken,
  );
  return items.map(mapAuthorizer);
}

export function mapAuthorizer(a: Authorizer): ActualAuthorizer {
  return {
    id: a.AuthorizerId ?? '',
    name: a.Name ?? '',
    type: a.AuthorizerType ?? '',
    identitySource: [...(a.IdentitySource ?? [])],
    ...(a.JwtConfiguration ? { issuer: a.JwtConfiguration.Issuer ?? '', audience: [...(a.JwtConfiguration.Audience ?? [])] } : {}),
    ...(a.AuthorizerUri ? { uri: a.AuthorizerUri } : {}),
    ...(a.AuthorizerResultTtlInSeconds !== undefined && a.AuthorizerResultTtlInSeconds !== null
      ? { ttl: a.AuthorizerResultTtlInSeconds }
      : {}),
    ...(a.AuthorizerPayloadFormatVersion ? { payload: a.AuthorizerPayloadFormatVersion } : {}),
    ...(a.EnableSimpleResponses !== undefined && a.EnableSimpleResponses !== null ? { simpleResponses: a.EnableSimpleResponses } : {}),
  };
}

async function request(aws: Aws, input: AuthorizerInput): Promise<Omit<CreateAuthorizerRequest, 'ApiId'>> {
  if (input.type === 'JWT')
    return {
      Name: input.name,
      AuthorizerType: 'JWT',
      IdentitySource: input.identitySource,
      JwtConfiguration: { Issuer: input.issuer, Audience: input.audience },
    };
  return {
    Name: input.name,
    AuthorizerType: 'REQUEST',
    IdentitySource: input.identitySource,
    AuthorizerUri: restIntegrationUri(aws.region, await aws.accountId(), input.functionName),
    AuthorizerResultTtlInSeconds: input.ttl,
    AuthorizerPayloadFormatVersion: input.payload,
    // Format 2.0 answers `{ isAuthorized }`; 1.0 answers an IAM policy and takes no simple responses.
    ...(input.payload === '2.0' ? { EnableSimpleResponses: true } : {}),
  };
}

/**
 * CreateAuthorizer, sent once (API Gateway takes a second one with the name): when the answer is lost,
 * an authorizer with the name already on the API is taken as the one just made. A duplicate left by a
 * race anyway is found by the next plan, which keeps one per name and deletes the others.
 */
export async function createAuthorizer(aws: Aws, apiId: string, input: AuthorizerInput): Promise<{ authorizerId: string }> {
  const apigw = await aws.apigw();
  const body = await request(aws, input);
  return createOnce(
    aws,
    async () => ({ authorizerId: (await aws.write(() => apigw.createAuthorizer({ ApiId: apiId, ...body }))).AuthorizerId! }),
    async () => {
      const found = (await readAuthorizers(aws, apiId)).find((a) => a.name === input.name);
      return found ? { authorizerId: found.id } : undefined;
    },
  );
}

export async function updateAuthorizer(aws: Aws, apiId: string, authorizerId: string, input: AuthorizerInput): Promise<void> {
  const apigw = await aws.apigw();
  const body = await request(aws, input);
  await aws.write(() => apigw.updateAuthorizer({ ApiId: apiId, AuthorizerId: authorizerId, ...body }));
}

/** API Gateway refuses to delete an authorizer a route still uses: the plan detaches the routes first. */
export async function deleteAuthorizer(aws: Aws, apiId: string, authorizerId: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteAuthorizer({ ApiId: apiId, AuthorizerId: authorizerId })));
}

/** A route's authorization as UpdateRoute / CreateRoute take it. */
export interface RouteAuthInput {
  type: 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM';
  authorizerId?: string;
  scopes?: string[];
}

/**
 * The request fields; scopes go with JWT only. On an update (`clear`), NONE and AWS_IAM send an empty
 * AuthorizerId so the route lets go of its old authorizer (which the plan then deletes), as Terraform does.
 */
export function routeAuthFields(auth: RouteAuthInput | undefined, opts: { clear?: boolean } = {}) {
  if (!auth) return {};
  return {
    AuthorizationType: auth.type,
    ...(auth.authorizerId ? { AuthorizerId: auth.authorizerId } : opts.clear ? { AuthorizerId: '' } : {}),
    ...(auth.type === 'JWT' ? { AuthorizationScopes: auth.scopes ?? [] } : {}),
  };
}
