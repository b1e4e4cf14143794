import type { ApplyRun } from '../../apply/run.js';
import { addPermission, removePermissions } from '../../aws/lambda-alias.js';
import type { RestMethodAuth } from '../../aws/rest-api.js';
import { createRestAuthorizer, deleteRestAuthorizer, updateRestAuthorizer } from '../../aws/rest-authorizers.js';
import { executeApiArn } from '../../config/naming.js';
import type { PlannedRestAuth, RestAuthorizerChange } from './changes-authorizers.js';

/** The REST API's authorizer changes applied; `apiId` is resolved by the module (src/resources/rest-api/index.ts). */

/** Ids of the authorizers created in one run, by name: the methods and grants that follow name them. */
const created = new WeakMap<ApplyRun, Map<string, string>>();
const createdIn = (run: ApplyRun) => {
  let m = created.get(run);
  if (!m) created.set(run, (m = new Map()));
  return m;
};

function authorizerIdOf(run: ApplyRun, name: string, known: string | undefined): string {
  const id = known ?? createdIn(run).get(name);
  if (!id) throw new Error(`authorizer ${name} of the rest api does not exist (its creation failed or was skipped)`);
  return id;
}

/** A method's planned authorization with the id of an authorizer made in this run filled in. */
export function methodAuth(run: ApplyRun, auth: PlannedRestAuth | undefined): RestMethodAuth {
  if (!auth) return { type: 'NONE' };
  return {
    type: auth.type,
    ...(auth.authorizer ? { authorizerId: authorizerIdOf(run, auth.authorizer, auth.authorizerId) } : {}),
    ...(auth.scopes?.length ? { scopes: auth.scopes } : {}),
  };
}

type Of<K extends RestAuthorizerChange['kind']> = Extract<RestAuthorizerChange, { kind: K }>;

export async function applyAuthorizerCreate(c: Of<'restapi.authorizer.create'>, run: ApplyRun, apiId: string): Promise<string> {
  const id = await createRestAuthorizer(run.aws, apiId, c.authorizer);
  createdIn(run).set(c.authorizer.name, id);
  return id;
}

export const applyAuthorizerUpdate = (c: Of<'restapi.authorizer.update'>, run: ApplyRun) =>
  updateRestAuthorizer(run.aws, c.apiId, c.authorizerId, c.authorizer, c.have);

export const applyAuthorizerDelete = (c: Of<'restapi.authorizer.delete'>, run: ApplyRun) =>
  deleteRestAuthorizer(run.aws, c.apiId, c.authorizerId);

/** The statement letting API Gateway invoke the authorizer's function from this authorizer only. */
export async function applyAuthorizerGrant(c: Of<'restapi.authorizer.grant'>, run: ApplyRun, apiId: string): Promise<void> {
  const id = authorizerIdOf(run, c.authorizer, c.authorizerId);
  const sourceArn = `${executeApiArn(run.aws.region, await run.aws.accountId(), apiId)}/authorizers/${id}`;
  if (c.replace) await removePermissions(run.aws, c.name, [c.statementId]);
  await addPermission(run.aws, { name: c.name, statementId: c.statementId, principal: 'apigateway.amazonaws.com', sourceArn });
}

export const applyAuthorizerRevoke = (c: Of<'restapi.authorizer.revoke'>, run: ApplyRun) =>
  removePermissions(run.aws, c.name, c.statementIds);
