import * as sdk from '@aws-sdk/client-dynamodb';
import { aggregate, type Slim } from './aggregate.js';

/** The DynamoDB commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateTableCommand: sdk.CreateTableCommand,
  DeleteTableCommand: sdk.DeleteTableCommand,
  DescribeContinuousBackupsCommand: sdk.DescribeContinuousBackupsCommand,
  DescribeTableCommand: sdk.DescribeTableCommand,
  DescribeTimeToLiveCommand: sdk.DescribeTimeToLiveCommand,
  ListTablesCommand: sdk.ListTablesCommand,
  ListTagsOfResourceCommand: sdk.ListTagsOfResourceCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
  UpdateContinuousBackupsCommand: sdk.UpdateContinuousBackupsCommand,
  UpdateTableCommand: sdk.UpdateTableCommand,
  UpdateTimeToLiveCommand: sdk.UpdateTimeToLiveCommand,
};

/** DynamoDBClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type DynamoDB = Slim<sdk.DynamoDBClient, sdk.DynamoDB, typeof commands>;

export const create = aggregate<sdk.DynamoDBClientConfig, DynamoDB>(sdk.DynamoDBClient, commands);
