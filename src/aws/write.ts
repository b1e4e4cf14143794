/** Every writer the executor applies changes with, one small function per operation, by service. */

export type { PutAlarmOptions } from './alarms.js';
export { deleteAlarms, putAlarm } from './alarms.js';
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
export type { DeleteScheduleInput, ScheduleInput, ScheduleUpdate } from './events.js';
export { createSchedule, deleteSchedule, updateSchedule } from './events.js';
export type { UpdateRoleOptions } from './iam.js';
export { createRole, deleteRole, updateRole } from './iam.js';
export type { CreateFunctionInput, UpdateCodeInput, WriteOptions } from './lambda.js';
export {
  createFunction,
  deleteFunction,
  deleteVersions,
  tagFunction,
  untagFunction,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './lambda.js';
export type { ApiPermissionInput } from './lambda-alias.js';
export { getAliasPolicy, moveAlias, publishVersionAndMoveAlias, removePermissions, setApiPermission } from './lambda-alias.js';
export type { PublishLayerInput } from './layers.js';
export { deleteLayer, publishLayer } from './layers.js';
export { createLogGroup, deleteLogGroup, putRetention } from './logs.js';
export {
  deleteAsyncConfig,
  deleteProvisionedConcurrency,
  deleteReservedConcurrency,
  putAsyncConfig,
  putProvisionedConcurrency,
  putReservedConcurrency,
} from './settings.js';
export type { SubscribeInput, SubscriptionUpdate, UnsubscribeInput } from './sns.js';
export { subscribeFunction, unsubscribeFunction, updateSubscription } from './sns.js';
