import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  type DynamoDB as Full,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { aggregate, type Slim } from './aggregate.js';

/** The DynamoDB commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
};

/** DynamoDBClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type DynamoDB = Slim<DynamoDBClient, Full, typeof commands>;

export const create = aggregate<DynamoDBClientConfig, DynamoDB>(DynamoDBClient, commands);
