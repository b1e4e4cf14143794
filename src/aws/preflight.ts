import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf, statusOf } from './errors.js';
import { read } from './retry.js';

/**
 * Reads that check what the config refers to outside the fleet (roles, topics, queues, subnets...)
 * before anything is written. Each answers found, missing, or unchecked (access denied: the deploy
 * may still work, so the caller warns instead of failing).
 */

export type Lookup<T = true> = { kind: 'found'; value: T } | { kind: 'missing' } | { kind: 'unchecked'; reason: string };

const DENIED = new Set([
  'AccessDenied',
  'AuthorizationError',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'Forbidden',
]);

/** Why a read was refused, when it was (our middleware wraps AccessDenied in a UserError with the SDK error as cause). */
function deniedReason(error: unknown): string | undefined {
  const cause = error instanceof UserError && error.cause ? error.cause : error;
  if (DENIED.has(nameOf(cause)) || statusOf(cause) === 403) {
    return error instanceof UserError ? error.message : `access denied (${nameOf(cause) || 'HTTP 403'})`;
  }
  return undefined;
}

async function lookup<T>(aws: Aws, call: () => Promise<T>, missing: (e: unknown) => boolean = isNotFound): Promise<Lookup<T>> {
  try {
    return { kind: 'found', value: await read(aws, call) };
  } catch (error) {
    if (missing(error)) return { kind: 'missing' };
    const reason = deniedReason(error);
    if (reason) return { kind: 'unchecked', reason };
    throw error;
  }
}

/** `arn:aws:iam::123456789012:role/path/name` → `name` (GetRole takes the name, not the path). */
export const roleNameOfArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The role's trust policy, parsed (IAM returns it URL-encoded). */
export async function lookupRole(aws: Aws, arn: string): Promise<Lookup<{ trust: unknown }>> {
  const iam = await aws.iam();
  const found = await lookup(aws, () => iam.getRole({ RoleName: roleNameOfArn(arn) }));
  if (found.kind !== 'found') return found;
  const role = found.value.Role;
  // GetRole by name finds a role of that name under any path: a different path is a different ARN.
  if (role?.Arn && role.Arn !== arn) return { kind: 'missing' };
  const raw = role?.AssumeRolePolicyDocument ?? '';
  return { kind: 'found', value: { trust: parsePolicy(raw) } };
}

/** A policy document as IAM returns it (URL-encoded JSON; moto and some proxies send it decoded). */
function parsePolicy(raw: string): unknown {
  for (const text of [raw, safeDecode(raw)]) {
    try {
      return JSON.parse(text);
    } catch {
      // try the other form
    }
  }
  return undefined;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export async function lookupTopic(aws: Aws, arn: string): Promise<Lookup> {
  const sns = await aws.sns();
  return asPresence(await lookup(aws, () => sns.getTopicAttributes({ TopicArn: arn })));
}

/** `arn:aws:sqs:region:account:name`: GetQueueUrl by name and owner. */
export async function lookupQueue(aws: Aws, arn: string): Promise<Lookup> {
  const sqs = await aws.sqs();
  const [, , , , account, name] = arn.split(':');
  const missing = (e: unknown) => isNotFound(e) || /QueueDoesNotExist|NonExistentQueue/.test(nameOf(e));
  return asPresence(await lookup(aws, () => sqs.getQueueUrl({ QueueName: name, QueueOwnerAWSAccountId: account }), missing));
}

/** A function (or a version or alias of one) by ARN. */
export async function lookupFunction(aws: Aws, arn: string): Promise<Lookup> {
  const lambda = await aws.lambda();
  return asPresence(await lookup(aws, () => lambda.getFunctionConfiguration({ FunctionName: arn })));
}

export async function lookupEventBus(aws: Aws, arn: string): Promise<Lookup> {
  const events = await aws.events();
  return asPresence(await lookup(aws, () => events.describeEventBus({ Name: arn })));
}

/**
 * A layer version by ARN. GetLayerVersion with the layer's ARN and the number, not
 * GetLayerVersionByArn: moto answers the latter with an empty 200 for a layer that does not exist.
 */
export async function lookupLayerVersion(aws: Aws, versionArn: string): Promise<Lookup> {
  const lambda = await aws.lambda();
  const cut = versionArn.lastIndexOf(':');
  const LayerName = versionArn.slice(0, cut);
  const VersionNumber = Number(versionArn.slice(cut + 1));
  return asPresence(await lookup(aws, () => lambda.getLayerVersion({ LayerName, VersionNumber })));
}

/** The bucket and the region it is in (Lambda reads code only from a bucket of its own region). */
export async function lookupBucket(aws: Aws, bucket: string): Promise<Lookup<{ region?: string }>> {
  const s3 = await aws.s3();
  const missing = (e: unknown) => isNotFound(e) || nameOf(e) === 'NoSuchBucket';
  const found = await lookup(aws, () => s3.headBucket({ Bucket: bucket }), missing);
  return found.kind === 'found' ? { kind: 'found', value: { region: found.value.BucketRegion } } : found;
}

/**
 * The VPC of each subnet and security group that exists, in one call per kind. A filter, not the
 * id list: with ids, one missing id fails the whole call and hides which others are missing.
 */
export async function lookupVpcs(
  aws: Aws,
  ids: { subnets: string[]; securityGroups: string[] },
): Promise<Lookup<{ subnets: Map<string, string>; securityGroups: Map<string, string> }>> {
  const ec2 = await aws.ec2();
  const [subnets, groups] = await Promise.all([
    ids.subnets.length
      ? lookup(aws, () => ec2.describeSubnets({ Filters: [{ Name: 'subnet-id', Values: ids.subnets }] }))
      : ({ kind: 'found', value: { Subnets: [] } } as const),
    ids.securityGroups.length
      ? lookup(aws, () => ec2.describeSecurityGroups({ Filters: [{ Name: 'group-id', Values: ids.securityGroups }] }))
      : ({ kind: 'found', value: { SecurityGroups: [] } } as const),
  ]);
  if (subnets.kind === 'unchecked') return subnets;
  if (groups.kind === 'unchecked') return groups;
  if (subnets.kind === 'missing' || groups.kind === 'missing') throw new Error('EC2 Describe* with a filter answered not found');
  return {
    kind: 'found',
    value: {
      subnets: new Map((subnets.value.Subnets ?? []).map((s) => [s.SubnetId ?? '', s.VpcId ?? ''])),
      securityGroups: new Map((groups.value.SecurityGroups ?? []).map((g) => [g.GroupId ?? '', g.VpcId ?? ''])),
    },
  };
}

function asPresence<T>(l: Lookup<T>): Lookup {
  return l.kind === 'found' ? { kind: 'found', value: true } : l;
}
