import {
  ChangeResourceRecordSetsCommand,
  type Route53 as Full,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Route53ClientConfig,
} from '@aws-sdk/client-route-53';
import { aggregate, type Slim } from './aggregate.js';

/** The Route 53 commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
};

/** Route53Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type Route53 = Slim<Route53Client, Full, typeof commands>;

export const create = aggregate<Route53ClientConfig, Route53>(Route53Client, commands);
