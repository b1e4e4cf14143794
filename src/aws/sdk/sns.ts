import * as sdk from '@aws-sdk/client-sns';
import { aggregate, type Slim } from './aggregate.js';

/** The SNS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateTopicCommand: sdk.CreateTopicCommand,
  DeleteTopicCommand: sdk.DeleteTopicCommand,
  GetSubscriptionAttributesCommand: sdk.GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand: sdk.GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand: sdk.ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand: sdk.ListSubscriptionsCommand,
  ListTagsForResourceCommand: sdk.ListTagsForResourceCommand,
  ListTopicsCommand: sdk.ListTopicsCommand,
  SetSubscriptionAttributesCommand: sdk.SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand: sdk.SetTopicAttributesCommand,
  SubscribeCommand: sdk.SubscribeCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UnsubscribeCommand: sdk.UnsubscribeCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
};

/** SNSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SNS = Slim<sdk.SNSClient, sdk.SNS, typeof commands>;

export const create = aggregate<sdk.SNSClientConfig, SNS>(sdk.SNSClient, commands);
