import * as sdk from '@aws-sdk/client-cloudwatch';
import { aggregate, type Slim } from './aggregate.js';

/** The CloudWatch commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DeleteAlarmsCommand: sdk.DeleteAlarmsCommand,
  DescribeAlarmsCommand: sdk.DescribeAlarmsCommand,
  GetMetricDataCommand: sdk.GetMetricDataCommand,
  ListTagsForResourceCommand: sdk.ListTagsForResourceCommand,
  PutMetricAlarmCommand: sdk.PutMetricAlarmCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
};

/** CloudWatchClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type CloudWatch = Slim<sdk.CloudWatchClient, sdk.CloudWatch, typeof commands>;

export const create = aggregate<sdk.CloudWatchClientConfig, CloudWatch>(sdk.CloudWatchClient, commands);
