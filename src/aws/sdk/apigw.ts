import * as sdk from '@aws-sdk/client-apigatewayv2';
import { aggregate, type Slim } from './aggregate.js';

/** The API Gateway v2 (HTTP APIs) commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateApiCommand: sdk.CreateApiCommand,
  CreateApiMappingCommand: sdk.CreateApiMappingCommand,
  CreateAuthorizerCommand: sdk.CreateAuthorizerCommand,
  CreateDomainNameCommand: sdk.CreateDomainNameCommand,
  CreateIntegrationCommand: sdk.CreateIntegrationCommand,
  CreateRouteCommand: sdk.CreateRouteCommand,
  CreateStageCommand: sdk.CreateStageCommand,
  DeleteAccessLogSettingsCommand: sdk.DeleteAccessLogSettingsCommand,
  DeleteApiCommand: sdk.DeleteApiCommand,
  DeleteApiMappingCommand: sdk.DeleteApiMappingCommand,
  DeleteAuthorizerCommand: sdk.DeleteAuthorizerCommand,
  DeleteCorsConfigurationCommand: sdk.DeleteCorsConfigurationCommand,
  DeleteDomainNameCommand: sdk.DeleteDomainNameCommand,
  DeleteIntegrationCommand: sdk.DeleteIntegrationCommand,
  DeleteRouteCommand: sdk.DeleteRouteCommand,
  DeleteStageCommand: sdk.DeleteStageCommand,
  GetApiMappingsCommand: sdk.GetApiMappingsCommand,
  GetApisCommand: sdk.GetApisCommand,
  GetAuthorizersCommand: sdk.GetAuthorizersCommand,
  GetDomainNameCommand: sdk.GetDomainNameCommand,
  GetIntegrationsCommand: sdk.GetIntegrationsCommand,
  GetRoutesCommand: sdk.GetRoutesCommand,
  GetStageCommand: sdk.GetStageCommand,
  GetStagesCommand: sdk.GetStagesCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
  UpdateApiCommand: sdk.UpdateApiCommand,
  UpdateAuthorizerCommand: sdk.UpdateAuthorizerCommand,
  UpdateDomainNameCommand: sdk.UpdateDomainNameCommand,
  UpdateIntegrationCommand: sdk.UpdateIntegrationCommand,
  UpdateRouteCommand: sdk.UpdateRouteCommand,
  UpdateStageCommand: sdk.UpdateStageCommand,
};

/** ApiGatewayV2Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type ApiGatewayV2 = Slim<sdk.ApiGatewayV2Client, sdk.ApiGatewayV2, typeof commands>;

export const create = aggregate<sdk.ApiGatewayV2ClientConfig, ApiGatewayV2>(sdk.ApiGatewayV2Client, commands);
