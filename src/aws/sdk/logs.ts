import * as sdk from '@aws-sdk/client-cloudwatch-logs';
import { aggregate, type Slim } from './aggregate.js';

/** The CloudWatch Logs commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateLogGroupCommand: sdk.CreateLogGroupCommand,
  DeleteLogGroupCommand: sdk.DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand: sdk.DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand: sdk.DescribeLogGroupsCommand,
  ListTagsForResourceCommand: sdk.ListTagsForResourceCommand,
  PutRetentionPolicyCommand: sdk.PutRetentionPolicyCommand,
  StartLiveTailCommand: sdk.StartLiveTailCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
};

/** CloudWatchLogsClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type CloudWatchLogs = Slim<sdk.CloudWatchLogsClient, sdk.CloudWatchLogs, typeof commands>;

export const create = aggregate<sdk.CloudWatchLogsClientConfig, CloudWatchLogs>(sdk.CloudWatchLogsClient, commands);

/** Sent as a command by src/aws/logs-read.ts, which parses its pages itself (src/aws/plain-json.ts). */
export { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
