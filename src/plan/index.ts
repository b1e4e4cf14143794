/** The pure core of `ops deploy` / `ops plan` / `ops destroy`: (fleet, artifacts, actual) → Plan → lines or JSON. */

export { desiredApiPermission } from './api.js';
export { API_PERMISSION_SID, LIVE_ALIAS } from './arn.js';
export { desiredConfiguration, diffConfiguration } from './function.js';
export { latestLayerVersions } from './layers.js';
export { planDeploy } from './plan.js';
export { policiesEqual } from './policy.js';
export { countChanges, planToJson, renderPlan } from './render.js';
export { desiredRole, expectedGrants, ROLE_POLICY_NAME } from './role.js';
export type * from './types.js';
