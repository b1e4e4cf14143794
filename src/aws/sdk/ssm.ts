import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  type SSM as Full,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { aggregate, type Slim } from './aggregate.js';

/** The SSM commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
};

/** SSMClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SSM = Slim<SSMClient, Full, typeof commands>;

export const create = aggregate<SSMClientConfig, SSM>(SSMClient, commands);
