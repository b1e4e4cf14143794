import * as sdk from '@aws-sdk/client-resource-groups-tagging-api';
import { aggregate, type Slim } from './aggregate.js';

/** The Resource Groups Tagging API commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  GetResourcesCommand: sdk.GetResourcesCommand,
};

/** ResourceGroupsTaggingAPIClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type ResourceGroupsTaggingAPI = Slim<sdk.ResourceGroupsTaggingAPIClient, sdk.ResourceGroupsTaggingAPI, typeof commands>;

export const create = aggregate<sdk.ResourceGroupsTaggingAPIClientConfig, ResourceGroupsTaggingAPI>(
  sdk.ResourceGroupsTaggingAPIClient,
  commands,
);
