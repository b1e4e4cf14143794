import * as sdk from '@aws-sdk/client-eventbridge';
import { aggregate, type Slim } from './aggregate.js';

/** The EventBridge commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DeleteRuleCommand: sdk.DeleteRuleCommand,
  DescribeEventBusCommand: sdk.DescribeEventBusCommand,
  DescribeRuleCommand: sdk.DescribeRuleCommand,
  ListRuleNamesByTargetCommand: sdk.ListRuleNamesByTargetCommand,
  ListRulesCommand: sdk.ListRulesCommand,
  ListTagsForResourceCommand: sdk.ListTagsForResourceCommand,
  ListTargetsByRuleCommand: sdk.ListTargetsByRuleCommand,
  PutRuleCommand: sdk.PutRuleCommand,
  PutTargetsCommand: sdk.PutTargetsCommand,
  RemoveTargetsCommand: sdk.RemoveTargetsCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
};

/** EventBridgeClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type EventBridge = Slim<sdk.EventBridgeClient, sdk.EventBridge, typeof commands>;

export const create = aggregate<sdk.EventBridgeClientConfig, EventBridge>(sdk.EventBridgeClient, commands);
