/**
 * What every change has, whatever its kind. Each resource module (src/resources/<kind>) adds its own
 * change kinds on top of `ChangeBase`; the registry's union of them is `Change` (src/plan/types.ts).
 */

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

/** Resource type for display (`lambda function`, `log group`, `http api`): each module names its own. */
export type ResourceType = string;

export interface ChangeBase {
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

/** `kind:resource-name`, the id format of every change. */
export const changeId = (kind: string, name: string) => `${kind}:${name}`;

/** The fleet's own resources (tables, buckets, queues, topics, secrets): their changes' resource types. */
const RESOURCE_TYPES = new Set(['dynamodb table', 's3 bucket', 'sqs queue', 'sns topic', 'sns subscription', 'secret']);

/**
 * Where a change that belongs to no function is shown and reported: the layers, the fleet's own resources, the API's
 * own changes, or the rest (shared).
 */
export function sharedGroup(ch: Pick<ChangeBase, 'resource'>): 'layers' | 'resources' | 'api' | 'shared' {
  if (ch.resource.type === 'lambda layer') return 'layers';
  if (RESOURCE_TYPES.has(ch.resource.type)) return 'resources';
  if (/\bapi\b/.test(ch.resource.type)) return 'api';
  return 'shared';
}
