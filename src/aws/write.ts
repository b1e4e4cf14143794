/** Every writer the executor applies changes with, one small function per operation, by service. */

export type { CreateApiInput, IntegrationTarget } from './apigw.js';
export {
  createApi,
  createIntegration,
  createRoute,
  deleteApi,
  deleteIntegration,
  deleteRoute,
  ensureDefaultStage,
  updateApiCors,
  updateIntegration,
  updateRoute,
} from './apigw.js';
export type { UpdateRoleOptions } from './iam.js';
export { createRole, deleteRole, updateRole } from './iam.js';
export type { ApiPermissionInput, CreateFunctionInput, UpdateCodeInput, WriteOptions } from './lambda.js';
export {
  API_PERMISSION_SID,
  createFunction,
  deleteFunction,
  deleteVersions,
  getAliasPolicy,
  lambdaFunctionArn,
  liveAliasArn,
  moveAlias,
  publishVersionAndMoveAlias,
  removePermissions,
  setApiPermission,
  tagFunction,
  untagFunction,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './lambda.js';
export { createLogGroup, deleteLogGroup, putRetention } from './logs.js';
