import type { Change, ChangeKind } from '../resources/registry.js';

export type { RoleSpec, ScheduleChangeSpec } from '../model/specs.js';
export type { Action, ChangeBase, FieldDiff, ResourceType } from './change.js';
export type { ArtifactRef, PlanDeployInput } from './input.js';
/** Every change of every resource kind (each module defines its own; src/resources/registry.ts unites them). */
export type { Change, ChangeKind };

/** A plan: the changes in dependency order, plus what the user should know. */
export interface Plan {
  app: string;
  stage: string;
  region: string;
  changes: Change[];
  /** Things the plan cannot do or check (external roles, foreign resources, plaintext secrets). */
  warnings: string[];
}
