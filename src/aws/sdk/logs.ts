import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  type CloudWatchLogs as Full,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  StartLiveTailCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { aggregate, type Slim } from './aggregate.js';

/** The CloudWatch Logs commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  StartLiveTailCommand,
  TagResourceCommand,
  UntagResourceCommand,
};

/** CloudWatchLogsClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type CloudWatchLogs = Slim<CloudWatchLogsClient, Full, typeof commands>;

export const create = aggregate<CloudWatchLogsClientConfig, CloudWatchLogs>(CloudWatchLogsClient, commands);

/** Sent as a command by src/aws/logs-read.ts, which parses its pages itself (src/aws/plain-json.ts). */
export { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
