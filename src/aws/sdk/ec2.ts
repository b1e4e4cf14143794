import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type EC2ClientConfig,
  type EC2 as Full,
} from '@aws-sdk/client-ec2';
import { aggregate, type Slim } from './aggregate.js';

/** The EC2 commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
};

/** EC2Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type EC2 = Slim<EC2Client, Full, typeof commands>;

export const create = aggregate<EC2ClientConfig, EC2>(EC2Client, commands);
