import * as sdk from '@aws-sdk/client-ec2';
import { aggregate, type Slim } from './aggregate.js';

/** The EC2 commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DescribeSecurityGroupsCommand: sdk.DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand: sdk.DescribeSubnetsCommand,
};

/** EC2Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type EC2 = Slim<sdk.EC2Client, sdk.EC2, typeof commands>;

export const create = aggregate<sdk.EC2ClientConfig, EC2>(sdk.EC2Client, commands);
