import {
  CreateQueueCommand,
  DeleteQueueCommand,
  type SQS as Full,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type SQSClientConfig,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { aggregate, type Slim } from './aggregate.js';

/** The SQS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
};

/** SQSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SQS = Slim<SQSClient, Full, typeof commands>;

export const create = aggregate<SQSClientConfig, SQS>(SQSClient, commands);
