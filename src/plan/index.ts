/** The pure core of `ops deploy` / `ops plan` / `ops destroy`: (fleet, artifacts, actual) → Plan → lines or JSON. */

export { desiredConfiguration, diffConfiguration } from '../resources/function/plan.js';
export { desiredApiPermission } from '../resources/http-api/plan.js';
export { latestLayerVersions } from '../resources/layer/plan.js';
export { desiredRole, expectedGrants, ROLE_POLICY_NAME } from '../resources/role/plan.js';
export { planDeploy } from './plan.js';
export { policiesEqual } from './policy.js';
export { countChanges, planToJson, renderPlan } from './render.js';
export type * from './types.js';
