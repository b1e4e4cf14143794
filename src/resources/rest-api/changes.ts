import type { ChangeBase } from '../../plan/change.js';
import type { PlannedRestAuth, RestAuthorizerChange } from './changes-authorizers.js';

/**
 * The changes of the fleet's REST API. Where the API is created in the same plan `apiId` is undefined and
 * the executor takes it from the create; where a resource is created in the same plan `resourceId` is
 * undefined and the executor takes it from that create (by path).
 */
export type RestApiChange = RestApiChangeOfOne & {
  /** The named API (`apis.<key>`) the change is for; absent: the default API. */
  namedApi?: string;
};
type RestApiChangeOfOne =
  /** `stage`: the stage whose URL references to the API are filled in with. */
  | (ChangeBase & { kind: 'restapi.create'; apiName: string; stage: string; tags: Record<string, string> })
  /** CreateResource under the resource at `parentPath`. */
  | (ChangeBase & { kind: 'restapi.resource'; path: string; parentPath: string; apiId?: string; parentId?: string })
  /**
   * PutMethod (its authorization: `auth`, absent NONE; `haveAuth` what an existing method holds) and
   * PutIntegration: AWS_PROXY, POST, `uri` = Invoke of the function's `live` alias.
   */
  | (ChangeBase & {
      kind: 'restapi.method';
      path: string;
      method: string;
      name: string;
      uri: string;
      apiId?: string;
      resourceId?: string;
      auth?: PlannedRestAuth;
      haveAuth?: { authorizerId?: string; scopes?: string[] };
      /** apiKeyRequired (absent: false), and what the existing method holds. */
      keyRequired?: true;
      haveKeyRequired?: true;
    })
  /** The resource's OPTIONS method: a MOCK integration answering with `headers` (name → quoted value). */
  | (ChangeBase & { kind: 'restapi.cors'; path: string; headers: Record<string, string>; apiId?: string; resourceId?: string })
  | (ChangeBase & { kind: 'restapi.method.delete'; path: string; method: string; apiId: string; resourceId: string })
  | (ChangeBase & { kind: 'restapi.resource.delete'; path: string; apiId: string; resourceId: string })
  /** CreateDeployment, the stage moved to it (created when missing) with its variables, unused deployments deleted. */
  | (ChangeBase & { kind: 'restapi.deploy'; stage: string; variables?: Record<string, string>; apiId?: string })
  /** Stage variables only (no new deployment). */
  | (ChangeBase & {
      kind: 'restapi.stage';
      stage: string;
      variables?: Record<string, string>;
      haveVariables?: Record<string, string>;
      apiId: string;
    })
  /** Deletes the deployments no stage points at. */
  | (ChangeBase & { kind: 'restapi.prune'; apiId: string })
  /** Deletes the API with its resources, stages and deployments. */
  | (ChangeBase & { kind: 'restapi.delete'; apiId: string })
  /**
   * On the `live` alias of `name`: remove `remove` (ids not there are fine), then add one statement per
   * route in `add` (principal apigateway.amazonaws.com, SourceArn of the route on the API).
   */
  | RestAuthorizerChange
  | (ChangeBase & {
      kind: 'restapi.permit';
      name: string;
      add: { sid: string; method: string; path: string }[];
      remove: string[];
      apiId?: string;
    });
