import {
  CreateTopicCommand,
  DeleteTopicCommand,
  type SNS as Full,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  type SNSClientConfig,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { aggregate, type Slim } from './aggregate.js';

/** The SNS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
};

/** SNSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SNS = Slim<SNSClient, Full, typeof commands>;

export const create = aggregate<SNSClientConfig, SNS>(SNSClient, commands);
