import * as sdk from '@aws-sdk/client-sqs';
import { aggregate, type Slim } from './aggregate.js';

/** The SQS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateQueueCommand: sdk.CreateQueueCommand,
  DeleteQueueCommand: sdk.DeleteQueueCommand,
  GetQueueAttributesCommand: sdk.GetQueueAttributesCommand,
  GetQueueUrlCommand: sdk.GetQueueUrlCommand,
  ListQueueTagsCommand: sdk.ListQueueTagsCommand,
  ListQueuesCommand: sdk.ListQueuesCommand,
  SetQueueAttributesCommand: sdk.SetQueueAttributesCommand,
  TagQueueCommand: sdk.TagQueueCommand,
  UntagQueueCommand: sdk.UntagQueueCommand,
};

/** SQSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SQS = Slim<sdk.SQSClient, sdk.SQS, typeof commands>;

export const create = aggregate<sdk.SQSClientConfig, SQS>(sdk.SQSClient, commands);
