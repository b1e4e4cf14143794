import type { RestAuthorizerInput } from '../../config/rest-authorizers.js';
import type { ActualRestAuthorizer } from '../../model/actual.js';
import type { ChangeBase } from '../../plan/change.js';
import type { GrantChange, RevokeChange } from '../plan-authorizer-grants.js';

/**
 * The REST API's authorizers and their Lambda grants (src/resources/rest-api/plan-authorizers.ts). Where the
 * API is created in the same plan `apiId` is undefined; where the authorizer is, `authorizerId` is (the
 * executor takes it from the create, by name).
 */
export type RestAuthorizerChange =
  | (ChangeBase & { kind: 'restapi.authorizer.create'; authorizer: RestAuthorizerInput; apiId?: string })
  | (ChangeBase & {
      kind: 'restapi.authorizer.update';
      authorizer: RestAuthorizerInput;
      have: ActualRestAuthorizer;
      apiId: string;
      authorizerId: string;
    })
  /** After every method let go of it (and the stage's deployment no longer names it). */
  | (ChangeBase & { kind: 'restapi.authorizer.delete'; apiId: string; authorizerId: string })
  /**
   * On the `live` alias of the authorizer's function: statement `statementId` letting API Gateway invoke it
   * from `{api}/authorizers/{id}` (`replace`: the old one with the id removed first).
   */
  | GrantChange<'restapi.authorizer.grant'>
  | RevokeChange<'restapi.authorizer.revoke'>;

/** A method's authorization as planned: `authorizer` is the name (its id absent when this plan creates it). */
export interface PlannedRestAuth {
  type: 'NONE' | 'AWS_IAM' | 'COGNITO_USER_POOLS' | 'CUSTOM';
  authorizer?: string;
  authorizerId?: string;
  scopes?: string[];
}
