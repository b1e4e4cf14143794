import * as sdk from '@aws-sdk/client-route-53';
import { aggregate, type Slim } from './aggregate.js';

/** The Route 53 commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  ChangeResourceRecordSetsCommand: sdk.ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand: sdk.ListResourceRecordSetsCommand,
};

/** Route53Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type Route53 = Slim<sdk.Route53Client, sdk.Route53, typeof commands>;

export const create = aggregate<sdk.Route53ClientConfig, Route53>(sdk.Route53Client, commands);
