import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type CloudWatch as Full,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { aggregate, type Slim } from './aggregate.js';

/** The CloudWatch commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  UntagResourceCommand,
};

/** CloudWatchClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type CloudWatch = Slim<CloudWatchClient, Full, typeof commands>;

export const create = aggregate<CloudWatchClientConfig, CloudWatch>(CloudWatchClient, commands);
