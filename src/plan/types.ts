import type { FunctionConfiguration, PolicyDocument } from '../aws/types.js';
import type { CorsSpec } from '../config/types.js';

/** One field that differs: `memory 256 → 512`. Values of secret-looking keys are masked by the planner. */
export interface FieldDiff {
  field: string;
  from?: string;
  to?: string;
}

/** What a change does to its resource. */
export type Action = 'create' | 'update' | 'delete' | 'replace';

interface Base {
  /** Stable id within a plan, e.g. `function.update-config:tasks-api`. */
  id: string;
  action: Action;
  /** Function key (logical name) the change belongs to, when it belongs to one. */
  fn?: string;
  /** Resource type and name, for display: `lambda function tasks-dev-api`. */
  resource: { type: ResourceType; name: string };
  /** One human line: `update configuration of tasks-dev-api (memory 256 → 512)`. */
  summary: string;
  fields: FieldDiff[];
  /** Ids of changes that must be applied first. */
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
  | 'lambda permission';

export interface RoleSpec {
  name: string;
  path: string;
  trustPolicy: PolicyDocument;
  policyName: string;
  policy: PolicyDocument;
  tags: Record<string, string>;
}

export type Change =
  | (Base & { kind: 'role.create'; role: RoleSpec })
  | (Base & { kind: 'role.update'; role: RoleSpec; trust: boolean; policy: boolean; tags: boolean })
  | (Base & { kind: 'role.delete'; roleName: string })
  | (Base & { kind: 'function.create'; name: string; config: FunctionConfiguration; zipPath: string; codeSha256: string; tags: Record<string, string> })
  | (Base & { kind: 'function.update-code'; name: string; zipPath: string; codeSha256: string })
  | (Base & { kind: 'function.update-config'; name: string; config: FunctionConfiguration })
  | (Base & { kind: 'function.tag'; name: string; add: Record<string, string>; remove: string[] })
  | (Base & { kind: 'function.delete'; name: string })
  /** Publish a version of $LATEST and point `live` at it (creating the alias if needed). */
  | (Base & { kind: 'alias.publish'; name: string; codeSha256: string })
  | (Base & { kind: 'versions.prune'; name: string; versions: string[] })
  | (Base & { kind: 'loggroup.create'; logGroup: string; retentionDays: number; tags: Record<string, string> })
  | (Base & { kind: 'loggroup.retention'; logGroup: string; retentionDays: number })
  | (Base & { kind: 'api.create'; apiName: string; cors?: CorsSpec; tags: Record<string, string> })
  | (Base & { kind: 'api.update'; apiId: string; cors?: CorsSpec })
  | (Base & { kind: 'api.stage'; apiName: string })
  | (Base & { kind: 'api.delete'; apiId: string })
  | (Base & { kind: 'integration.create'; name: string })
  | (Base & { kind: 'integration.update'; name: string; integrationId: string })
  | (Base & { kind: 'integration.delete'; integrationId: string })
  | (Base & { kind: 'route.create'; routeKey: string; name: string })
  | (Base & { kind: 'route.update'; routeKey: string; routeId: string; name: string })
  | (Base & { kind: 'route.delete'; routeKey: string; routeId: string })
  | (Base & { kind: 'permission.set'; name: string; statementId: string; removeStatementIds: string[] });

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
