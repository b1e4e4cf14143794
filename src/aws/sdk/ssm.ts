import * as sdk from '@aws-sdk/client-ssm';
import { aggregate, type Slim } from './aggregate.js';

/** The SSM commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  AddTagsToResourceCommand: sdk.AddTagsToResourceCommand,
  DeleteParameterCommand: sdk.DeleteParameterCommand,
  DescribeParametersCommand: sdk.DescribeParametersCommand,
  GetParameterCommand: sdk.GetParameterCommand,
  GetParametersByPathCommand: sdk.GetParametersByPathCommand,
  GetParametersCommand: sdk.GetParametersCommand,
  ListTagsForResourceCommand: sdk.ListTagsForResourceCommand,
  PutParameterCommand: sdk.PutParameterCommand,
};

/** SSMClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SSM = Slim<sdk.SSMClient, sdk.SSM, typeof commands>;

export const create = aggregate<sdk.SSMClientConfig, SSM>(sdk.SSMClient, commands);
