import { type STS as Full, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { aggregate, type Slim } from './aggregate.js';

/** The STS commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  GetCallerIdentityCommand,
};

/** STSClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type STS = Slim<STSClient, Full, typeof commands>;

export const create = aggregate<STSClientConfig, STS>(STSClient, commands);
