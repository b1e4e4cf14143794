import type { Actual, ActualAsyncConfig, AlarmSettings, FunctionConfiguration } from '../model/actual.js';
import type { RoleSpec, ScheduleChangeSpec } from '../model/specs.js';

export type { RoleSpec, ScheduleChangeSpec };

import type { CorsSpec, Fleet } from '../config/types.js';

/** A built function zip, as the planner needs it. */
export interface ArtifactRef {
  /** Base64 sha256 of the zip: what Lambda reports as CodeSha256. */
  codeSha256: string;
  /** Hex sha256 of the zip (display). */
  sha256: string;
  zipPath: string;
}

/** Everything `planDeploy` decides from. */
export interface PlanDeployInput {
  fleet: Fleet;
  /** By function key. Needed for every function the plan creates; without one, code is left as deployed. */
  artifacts: Record<string, ArtifactRef>;
  actual: Actual;
  /** Function keys: deploy just these and prune nothing else (the API is created if they need it). */
  only?: string[];
  /** Values of params resolved into environments, by param name. */
  paramValues?: Record<string, string>;
  /** Desired = nothing: delete everything owned (with `only`: just those functions). Log groups too. */
  destroy?: boolean;
}

/**
 * One field that differs. `field` is `memory`, or `group.key` for keyed fields (`env.FOO`,
 * `tag.team`, `cors.allowOrigins`): a keyed field with only `to` is an addition, with only
 * `from` a removal. Values of secret-looking keys are masked (`••••`) by the planner.
 */
export interface FieldDiff {
  field: string;
  from?: string;
  to?: string;
}

/** What a change does to its resource. */
export type Action = 'create' | 'update' | 'delete' | 'replace';

interface Base {
  /** Stable id within a plan, `kind:resource-name`: `function.update-config:tasks-dev-api`, `route.delete:GET /old`. */
  id: string;
  action: Action;
  /** Function key (logical name) the change belongs to, when it belongs to one. */
  fn?: string;
  /** Resource type and name, for display: `lambda function tasks-dev-api`. */
  resource: { type: ResourceType; name: string };
  /** One human line: `update configuration of tasks-dev-api: memory 256 → 512`. */
  summary: string;
  fields: FieldDiff[];
  /** Ids of changes that must be applied first (always ids of this plan). */
  dependsOn: string[];
}

export type ResourceType =
  | 'iam role'
  | 'lambda function'
  | 'lambda version'
  | 'lambda alias'
  | 'log group'
  | 'http api'
  | 'api stage'
  | 'api integration'
  | 'api route'
  | 'lambda permission'
  | 'lambda layer'
  | 'eventbridge rule'
  | 'sns subscription'
  | 'cloudwatch alarm'
  | 'reserved concurrency'
  | 'provisioned concurrency'
  | 'async invocation';

/**
 * Changes the executor applies. Where an HTTP API is created in the same plan, `apiId` is
 * undefined and the executor takes it from the `api.create` result; where an integration is
 * created in the same plan, route changes name the function (`name`) and the executor finds
 * the integration id from it.
 */
export type Change =
  | (Base & { kind: 'role.create'; role: RoleSpec })
  /** `removeTags`: tag keys to remove (the role's tags become `role.tags`). */
  | (Base & { kind: 'role.update'; role: RoleSpec; trust: boolean; policy: boolean; tags: boolean; removeTags?: string[] })
  | (Base & { kind: 'role.delete'; roleName: string })
  | (Base & {
      kind: 'function.create';
      name: string;
      config: FunctionConfiguration;
      zipPath: string;
      codeSha256: string;
      tags: Record<string, string>;
    })
  | (Base & { kind: 'function.update-code'; name: string; zipPath: string; codeSha256: string })
  /** `config` is the whole desired configuration; `fields` says what differs. */
  | (Base & { kind: 'function.update-config'; name: string; config: FunctionConfiguration })
  | (Base & { kind: 'function.tag'; name: string; add: Record<string, string>; remove: string[] })
  | (Base & { kind: 'function.delete'; name: string })
  /** Publish a version of $LATEST and point `live` at it (creating the alias if needed). */
  | (Base & { kind: 'alias.publish'; name: string; codeSha256: string })
  | (Base & { kind: 'versions.prune'; name: string; versions: string[] })
  | (Base & { kind: 'loggroup.create'; logGroup: string; retentionDays: number; tags: Record<string, string> })
  | (Base & { kind: 'loggroup.retention'; logGroup: string; retentionDays: number })
  /** Only planned by `destroy`: a deploy keeps the logs of functions it removes. */
  | (Base & { kind: 'loggroup.delete'; logGroup: string })
  | (Base & { kind: 'api.create'; apiName: string; cors?: CorsSpec; tags: Record<string, string> })
  /** `cors` undefined: remove the CORS configuration. */
  | (Base & { kind: 'api.update'; apiId: string; cors?: CorsSpec })
  /** Create the `$default` stage with auto-deploy (or turn auto-deploy on: action `update`). */
  | (Base & { kind: 'api.stage'; apiName: string; apiId?: string })
  /** Deletes the API with its stages, routes and integrations. */
  | (Base & { kind: 'api.delete'; apiId: string })
  /** AWS_PROXY integration, payload format 2.0, `uri` = the function's `live` alias ARN. */
  | (Base & { kind: 'integration.create'; name: string; apiId?: string; uri?: string })
  | (Base & { kind: 'integration.update'; name: string; integrationId: string; apiId?: string; uri?: string })
  | (Base & { kind: 'integration.delete'; integrationId: string; apiId?: string })
  /** Target: the integration of function `name` (`integrations/{id}`). */
  | (Base & { kind: 'route.create'; routeKey: string; name: string; apiId?: string })
  | (Base & { kind: 'route.update'; routeKey: string; routeId: string; name: string; apiId?: string })
  | (Base & { kind: 'route.delete'; routeKey: string; routeId: string; apiId?: string })
  /**
   * On the `live` alias of `name`: remove every id in `removeStatementIds` (ignore not-found),
   * then add `statementId` (principal apigateway.amazonaws.com, lambda:InvokeFunction, SourceArn
   * `sourceArn`, or built from the created API's id when undefined). `removeStatementIds`
   * includes `statementId` itself when a statement with that id exists.
   */
  | (Base & {
      kind: 'permission.set';
      name: string;
      statementId: string;
      removeStatementIds: string[];
      apiId?: string;
      sourceArn?: string;
    })
  /** Remove statements from the `live` alias policy of `name` (the API is gone or the function has no routes). */
  | (Base & { kind: 'permission.delete'; name: string; statementIds: string[] })
  /** Publish a new version of a layer ops builds (`description` carries the zip's sha). */
  | (Base & {
      kind: 'layer.publish';
      layerName: string;
      zipPath: string;
      codeSha256: string;
      description: string;
      /** The runtimes and architectures of the functions using it (metadata Lambda filters layer lists by). */
      compatibleRuntimes: string[];
      compatibleArchitectures: string[];
    })
  /** Delete every version of a layer no function of the fleet uses any more. */
  | (Base & { kind: 'layer.delete'; layerName: string })
  | (Base & { kind: 'reserved.set'; name: string; reserved: number })
  | (Base & { kind: 'reserved.delete'; name: string })
  /** On the `live` alias. */
  | (Base & { kind: 'provisioned.set'; name: string; provisioned: number })
  | (Base & { kind: 'provisioned.delete'; name: string })
  /** The whole asynchronous invocation configuration of `live` (fields left out are Lambda's defaults). */
  | (Base & { kind: 'async.set'; name: string; config: ActualAsyncConfig })
  | (Base & { kind: 'async.delete'; name: string })
  /** Permission on `live` for the rule, the rule (tagged) and its target. */
  | (Base & { kind: 'schedule.create'; schedule: ScheduleChangeSpec })
  /** Rewrites what the flags say; `removeTargetIds`: targets on the rule that are not ops's. */
  | (Base & {
      kind: 'schedule.update';
      schedule: ScheduleChangeSpec;
      rule: boolean;
      target: boolean;
      permission: boolean;
      removeTargetIds: string[];
      addTags: Record<string, string>;
      removeTags: string[];
    })
  /** Targets, rule, then the permission on `name`'s `live`; without `ruleName` only a stale permission is left. */
  | (Base & { kind: 'schedule.delete'; ruleName?: string; targetIds: string[]; name?: string; statementId?: string })
  /** Permission on `live` for the topic, then Subscribe (protocol lambda, endpoint the `live` alias ARN). */
  | (Base & { kind: 'subscription.create'; topicArn: string; endpoint: string; filterPolicy?: string; name: string; statementId: string })
  /** `filter` set: the filter policy becomes `filter.policy` (removed when undefined); `permission`: put it back. */
  | (Base & {
      kind: 'subscription.update';
      subscriptionArn: string;
      topicArn: string;
      name: string;
      statementId: string;
      filter?: { policy?: string };
      permission: boolean;
    })
  /** Unsubscribe, then remove the permission; without `subscriptionArn` only a stale permission is left. */
  | (Base & { kind: 'subscription.delete'; subscriptionArn?: string; name?: string; statementId?: string })
  /** PutMetricAlarm (create or replace); tags given at creation, or added and removed on an update. */
  | (Base & {
      kind: 'alarm.set';
      alarm: AlarmSettings;
      createTags?: Record<string, string>;
      addTags?: Record<string, string>;
      removeTags?: string[];
    })
  | (Base & { kind: 'alarm.delete'; alarmName: string });

export type ChangeKind = Change['kind'];

/** A plan: the changes in dependency order, plus what the user should know. */
export interface Plan {
  app: string;
  stage: string;
  region: string;
  changes: Change[];
  /** Things the plan cannot do or check (external roles, foreign resources, plaintext secrets). */
  warnings: string[];
}
