import type { Authorizer, PatchOperation } from '@aws-sdk/client-api-gateway';
import { restIntegrationUri } from '../config/naming.js';
import type { RestAuthorizerInput } from '../config/rest-authorizers.js';
import type { ActualRestAuthorizer } from '../model/actual.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { createOnce } from './once.js';
import { allPages } from './pool.js';
import { read, withRetry } from './retry.js';

/** A REST API's authorizers (API Gateway v1: COGNITO_USER_POOLS, REQUEST, TOKEN), and the stage tags a custom domain's marker uses. */

/** API Gateway's 409 for a write racing another on the same API. */
const isConcurrentModification = (error: unknown) =>
  nameOf(error) === 'ConflictException' && /concurrent modification/i.test((error as { message?: string }).message ?? '');
const write = <T>(aws: Aws, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => aws.write(fn), { retryable: isConcurrentModification, delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry });

export function mapRestAuthorizer(a: Authorizer): ActualRestAuthorizer {
  return {
    id: a.id ?? '',
    name: a.name ?? '',
    type: a.type ?? '',
    ...(a.identitySource ? { identitySource: a.identitySource } : {}),
    ...(a.providerARNs?.length ? { providerArns: [...a.providerARNs] } : {}),
    ...(a.authorizerUri ? { uri: a.authorizerUri } : {}),
    ...(a.authorizerResultTtlInSeconds !== undefined && a.authorizerResultTtlInSeconds !== null
      ? { ttl: a.authorizerResultTtlInSeconds }
      : {}),
  };
}

/** GetAuthorizers (v1), mapped. Read only when the config declares authorizers or a method names one. */
export async function readRestAuthorizers(aws: Aws, restApiId: string): Promise<ActualRestAuthorizer[]> {
  const api = await aws.apigwRest();
  const items = await allPages(
    (position) => read(aws, () => api.getAuthorizers({ restApiId, limit: 500, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
  return items.map(mapRestAuthorizer);
}

async function uriOf(aws: Aws, functionName: string): Promise<string> {
  return restIntegrationUri(aws.region, await aws.accountId(), functionName);
}

/**
 * CreateAuthorizer, sent once (API Gateway takes a second one with the name): a lost answer is read back
 * by name. A duplicate left by a race anyway is deleted by the next plan (it keeps one per name).
 */
export async function createRestAuthorizer(aws: Aws, restApiId: string, input: RestAuthorizerInput): Promise<string> {
  const api = await aws.apigwRest();
  const body =
    input.type === 'COGNITO_USER_POOLS'
      ? { providerARNs: input.providerArns }
      : { authorizerUri: await uriOf(aws, input.functionName), authorizerResultTtlInSeconds: input.ttl };
  return createOnce(
    aws,
    async () =>
      (
        await write(aws, () =>
          api.createAuthorizer({ restApiId, name: input.name, type: input.type, identitySource: input.identitySource, ...body }),
        )
      ).id!,
    async () => (await readRestAuthorizers(aws, restApiId)).find((a) => a.name === input.name)?.id,
  );
}

/** UpdateAuthorizer: each field replaced; the pool ARNs added and removed one by one, as v1's patch takes them. */
export async function updateRestAuthorizer(
  aws: Aws,
  restApiId: string,
  authorizerId: string,
  input: RestAuthorizerInput,
  have: ActualRestAuthorizer,
): Promise<void> {
  const api = await aws.apigwRest();
  const ops: PatchOperation[] = [
    ...(have.type !== input.type ? [{ op: 'replace' as const, path: '/type', value: input.type }] : []),
    { op: 'replace', path: '/identitySource', value: input.identitySource },
  ];
  if (input.type === 'COGNITO_USER_POOLS') {
    const had = have.providerArns ?? [];
    // As Terraform sends them: the ARN as the value; added first, as the list may never be empty.
    ops.push(...input.providerArns.filter((a) => !had.includes(a)).map((value) => ({ op: 'add' as const, path: '/providerARNs', value })));
    ops.push(
      ...had.filter((a) => !input.providerArns.includes(a)).map((value) => ({ op: 'remove' as const, path: '/providerARNs', value })),
    );
  } else {
    ops.push({ op: 'replace', path: '/authorizerUri', value: await uriOf(aws, input.functionName) });
    ops.push({ op: 'replace', path: '/authorizerResultTtlInSeconds', value: String(input.ttl) });
  }
  await write(aws, () => api.updateAuthorizer({ restApiId, authorizerId, patchOperations: ops }));
}

/** API Gateway refuses to delete an authorizer a method still uses: the plan detaches the methods first. */
export async function deleteRestAuthorizer(aws: Aws, restApiId: string, authorizerId: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteAuthorizer({ restApiId, authorizerId })));
}

const stageArn = (aws: Aws, restApiId: string, stage: string) =>
  `arn:${aws.partition}:apigateway:${aws.region}::/restapis/${restApiId}/stages/${stage}`;

/** The custom domain's marker on the REST API's stage (the one mapped): a later read learns which domain to look at. */
export async function tagRestStage(aws: Aws, restApiId: string, stage: string, tags: Record<string, string>): Promise<void> {
  const api = await aws.apigwRest();
  await write(aws, () => api.tagResource({ resourceArn: stageArn(aws, restApiId, stage), tags }));
}

export async function untagRestStage(aws: Aws, restApiId: string, stage: string, keys: string[]): Promise<void> {
  if (!keys.length) return;
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.untagResource({ resourceArn: stageArn(aws, restApiId, stage), tagKeys: keys })));
}
