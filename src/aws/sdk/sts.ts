import * as sdk from '@aws-sdk/client-sts';
import { aggregate, type Slim } from './aggregate.js';

/** The STS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  GetCallerIdentityCommand: sdk.GetCallerIdentityCommand,
};

/** STSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type STS = Slim<sdk.STSClient, sdk.STS, typeof commands>;

export const create = aggregate<sdk.STSClientConfig, STS>(sdk.STSClient, commands);
