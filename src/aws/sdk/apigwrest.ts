import * as sdk from '@aws-sdk/client-api-gateway';
import { aggregate, type Slim } from './aggregate.js';

/** The API Gateway v1 (REST APIs) commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateApiKeyCommand: sdk.CreateApiKeyCommand,
  CreateAuthorizerCommand: sdk.CreateAuthorizerCommand,
  CreateDeploymentCommand: sdk.CreateDeploymentCommand,
  CreateResourceCommand: sdk.CreateResourceCommand,
  CreateRestApiCommand: sdk.CreateRestApiCommand,
  CreateStageCommand: sdk.CreateStageCommand,
  CreateUsagePlanCommand: sdk.CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand: sdk.CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand: sdk.DeleteApiKeyCommand,
  DeleteAuthorizerCommand: sdk.DeleteAuthorizerCommand,
  DeleteDeploymentCommand: sdk.DeleteDeploymentCommand,
  DeleteMethodCommand: sdk.DeleteMethodCommand,
  DeleteResourceCommand: sdk.DeleteResourceCommand,
  DeleteRestApiCommand: sdk.DeleteRestApiCommand,
  DeleteUsagePlanCommand: sdk.DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand: sdk.DeleteUsagePlanKeyCommand,
  GetApiKeyCommand: sdk.GetApiKeyCommand,
  GetApiKeysCommand: sdk.GetApiKeysCommand,
  GetAuthorizersCommand: sdk.GetAuthorizersCommand,
  GetDeploymentsCommand: sdk.GetDeploymentsCommand,
  GetResourcesCommand: sdk.GetResourcesCommand,
  GetRestApisCommand: sdk.GetRestApisCommand,
  GetStageCommand: sdk.GetStageCommand,
  GetStagesCommand: sdk.GetStagesCommand,
  GetUsagePlanKeysCommand: sdk.GetUsagePlanKeysCommand,
  GetUsagePlansCommand: sdk.GetUsagePlansCommand,
  PutIntegrationCommand: sdk.PutIntegrationCommand,
  PutIntegrationResponseCommand: sdk.PutIntegrationResponseCommand,
  PutMethodCommand: sdk.PutMethodCommand,
  PutMethodResponseCommand: sdk.PutMethodResponseCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
  UpdateApiKeyCommand: sdk.UpdateApiKeyCommand,
  UpdateAuthorizerCommand: sdk.UpdateAuthorizerCommand,
  UpdateMethodCommand: sdk.UpdateMethodCommand,
  UpdateStageCommand: sdk.UpdateStageCommand,
  UpdateUsagePlanCommand: sdk.UpdateUsagePlanCommand,
};

/** APIGatewayClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type APIGateway = Slim<sdk.APIGatewayClient, sdk.APIGateway, typeof commands>;

export const create = aggregate<sdk.APIGatewayClientConfig, APIGateway>(sdk.APIGatewayClient, commands);
