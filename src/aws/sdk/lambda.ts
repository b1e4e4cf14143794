import * as sdk from '@aws-sdk/client-lambda';
import { aggregate, type Slim } from './aggregate.js';

/** The Lambda commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  AddPermissionCommand: sdk.AddPermissionCommand,
  CreateAliasCommand: sdk.CreateAliasCommand,
  CreateEventSourceMappingCommand: sdk.CreateEventSourceMappingCommand,
  CreateFunctionCommand: sdk.CreateFunctionCommand,
  CreateFunctionUrlConfigCommand: sdk.CreateFunctionUrlConfigCommand,
  DeleteEventSourceMappingCommand: sdk.DeleteEventSourceMappingCommand,
  DeleteFunctionCommand: sdk.DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand: sdk.DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand: sdk.DeleteFunctionEventInvokeConfigCommand,
  DeleteFunctionUrlConfigCommand: sdk.DeleteFunctionUrlConfigCommand,
  DeleteLayerVersionCommand: sdk.DeleteLayerVersionCommand,
  DeleteProvisionedConcurrencyConfigCommand: sdk.DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand: sdk.GetAliasCommand,
  GetFunctionCommand: sdk.GetFunctionCommand,
  GetFunctionConcurrencyCommand: sdk.GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand: sdk.GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand: sdk.GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand: sdk.GetFunctionUrlConfigCommand,
  GetLayerVersionByArnCommand: sdk.GetLayerVersionByArnCommand,
  GetLayerVersionCommand: sdk.GetLayerVersionCommand,
  GetPolicyCommand: sdk.GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand: sdk.GetProvisionedConcurrencyConfigCommand,
  InvokeCommand: sdk.InvokeCommand,
  ListAliasesCommand: sdk.ListAliasesCommand,
  ListEventSourceMappingsCommand: sdk.ListEventSourceMappingsCommand,
  ListFunctionsCommand: sdk.ListFunctionsCommand,
  ListLayerVersionsCommand: sdk.ListLayerVersionsCommand,
  ListLayersCommand: sdk.ListLayersCommand,
  ListTagsCommand: sdk.ListTagsCommand,
  ListVersionsByFunctionCommand: sdk.ListVersionsByFunctionCommand,
  PublishLayerVersionCommand: sdk.PublishLayerVersionCommand,
  PublishVersionCommand: sdk.PublishVersionCommand,
  PutFunctionConcurrencyCommand: sdk.PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand: sdk.PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand: sdk.PutProvisionedConcurrencyConfigCommand,
  RemovePermissionCommand: sdk.RemovePermissionCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
  UpdateAliasCommand: sdk.UpdateAliasCommand,
  UpdateEventSourceMappingCommand: sdk.UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand: sdk.UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand: sdk.UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand: sdk.UpdateFunctionUrlConfigCommand,
};

/** LambdaClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type Lambda = Slim<sdk.LambdaClient, sdk.Lambda, typeof commands>;

export const create = aggregate<sdk.LambdaClientConfig, Lambda>(sdk.LambdaClient, commands);
