import * as sdk from '@aws-sdk/client-acm';
import { aggregate, type Slim } from './aggregate.js';

/** The ACM commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DescribeCertificateCommand: sdk.DescribeCertificateCommand,
};

/** ACMClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type ACM = Slim<sdk.ACMClient, sdk.ACM, typeof commands>;

export const create = aggregate<sdk.ACMClientConfig, ACM>(sdk.ACMClient, commands);
