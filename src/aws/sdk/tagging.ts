import {
  type ResourceGroupsTaggingAPI as Full,
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceGroupsTaggingAPIClientConfig,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { aggregate, type Slim } from './aggregate.js';

/** The Resource Groups Tagging API commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  GetResourcesCommand,
};

/** ResourceGroupsTaggingAPIClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type ResourceGroupsTaggingAPI = Slim<ResourceGroupsTaggingAPIClient, Full, typeof commands>;

export const create = aggregate<ResourceGroupsTaggingAPIClientConfig, ResourceGroupsTaggingAPI>(ResourceGroupsTaggingAPIClient, commands);
