import {
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  type EventBridgeClientConfig,
  type EventBridge as Full,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { aggregate, type Slim } from './aggregate.js';

/** The EventBridge commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
};

/** EventBridgeClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type EventBridge = Slim<EventBridgeClient, Full, typeof commands>;

export const create = aggregate<EventBridgeClientConfig, EventBridge>(EventBridgeClient, commands);
