import type { AuthorizerInput } from '../../config/resolve-authorizers.js';
import type { CorsSpec } from '../../config/types.js';
import type { ChangeBase } from '../../plan/change.js';
import type { GrantChange, RevokeChange } from '../plan-authorizer-grants.js';

/**
 * Where an HTTP API is created in the same plan, `apiId` is undefined and the executor takes it from the
 * `api.create` result; where an integration is created in the same plan, route changes name the function
 * (`name`) and the executor finds the integration id from it.
 */
export type HttpApiChange = HttpApiChangeOfOne & {
  /** The named API (`apis.<key>`) the change is for; absent: the default API. */
  namedApi?: string;
};
type HttpApiChangeOfOne =
  /** `stage`: the API's named stage (absent: `$default`), whose URL references to the API get. */
  | (ChangeBase & { kind: 'api.create'; apiName: string; cors?: CorsSpec; tags: Record<string, string>; stage?: string })
  /** `cors` undefined: remove the CORS configuration. */
  | (ChangeBase & { kind: 'api.update'; apiId: string; cors?: CorsSpec })
  /** Create the `$default` stage, or the named `stage` (tagged `tags`), with auto-deploy (or turn auto-deploy on: action `update`). */
  | (ChangeBase & { kind: 'api.stage'; apiName: string; apiId?: string; stage?: string; tags?: Record<string, string> })
  /** Deletes a stage the API no longer serves (its name changed): its URL stops answering. */
  | (ChangeBase & { kind: 'api.unstage'; apiId: string; stage: string })
  /** Tags an existing API that ops did not create (`adopt: true`) for the stage, marked `ops:adopted`: id and URL kept. */
  | (ChangeBase & { kind: 'api.adopt'; apiId: string; tags: Record<string, string> })
  /** An adopted API leaving the config: ops's tags removed, the API kept. */
  | (ChangeBase & { kind: 'api.release'; apiId: string; removeTags: string[] })
  /** Deletes the API with its stages, routes and integrations. */
  | (ChangeBase & { kind: 'api.delete'; apiId: string })
  /** AWS_PROXY integration, payload format 2.0, `uri` = the function's `live` alias ARN. */
  | (ChangeBase & { kind: 'integration.create'; name: string; apiId?: string; uri?: string })
  | (ChangeBase & { kind: 'integration.update'; name: string; integrationId: string; apiId?: string; uri?: string })
  | (ChangeBase & { kind: 'integration.delete'; integrationId: string; apiId?: string })
  /** Target: the integration of function `name` (`integrations/{id}`). */
  /** `auth`: the route's authorization to set (absent: none, as before authorizers existed). */
  | (ChangeBase & { kind: 'route.create'; routeKey: string; name: string; apiId?: string; auth?: PlannedRouteAuth })
  | (ChangeBase & { kind: 'route.update'; routeKey: string; routeId: string; name: string; apiId?: string; auth?: PlannedRouteAuth })
  /** JWT or Lambda REQUEST authorizer; the id of one created in this run is kept by name for the routes and the grant. */
  | (ChangeBase & { kind: 'authorizer.create'; apiId?: string; authorizer: AuthorizerInput })
  | (ChangeBase & { kind: 'authorizer.update'; apiId?: string; authorizerId: string; authorizer: AuthorizerInput })
  /** After every route change: no route uses it by then. */
  | (ChangeBase & { kind: 'authorizer.delete'; apiId?: string; authorizerId: string })
  /**
   * On the `live` alias of `name`: remove `statementId` when `replace`, then allow apigateway.amazonaws.com with
   * SourceArn `{api}/authorizers/{id}` (`authorizerId`, or the one created in this run for `authorizer`).
   */
  | GrantChange<'authorizer.grant'>
  | RevokeChange<'authorizer.revoke'>
  | (ChangeBase & { kind: 'route.delete'; routeKey: string; routeId: string; apiId?: string })
  /**
   * On the `live` alias of `name`: remove every id in `removeStatementIds` (ignore not-found),
   * then add `statementId` (principal apigateway.amazonaws.com, lambda:InvokeFunction, SourceArn
   * `sourceArn`, or built from the created API's id when undefined). `removeStatementIds`
   * includes `statementId` itself when a statement with that id exists.
   */
  | (ChangeBase & {
      kind: 'permission.set';
      name: string;
      statementId: string;
      removeStatementIds: string[];
      apiId?: string;
      sourceArn?: string;
      /** The HTTP API's named stage: the source ARN built at apply allows it only (absent: any stage). */
      stage?: string;
    })
  /** Remove statements from the `live` alias policy of `name` (the API is gone or the function has no routes). */
  | (ChangeBase & { kind: 'permission.delete'; name: string; statementIds: string[] });

/** A route's authorization as planned: `authorizer` names one of the config (its id found at apply when created in this run). */
export interface PlannedRouteAuth {
  type: 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM';
  authorizer?: string;
  authorizerId?: string;
  scopes?: string[];
}
