import {
  bucketArn,
  bucketObjectsArn,
  queueArn,
  queueUrl,
  secretArnPattern,
  tableArn,
  tableIndexesArn,
  topicArn,
} from '../config/naming.js';
import type { ResourceAccess, ResourceSpec, ResourceUse } from '../config/resources.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import type { PolicyStatement } from '../model/actual.js';

/*
 * How a function reaches the fleet's resources it `uses`: the variable each one's name, URL or ARN goes
 * in, and the least-privilege statements on exactly that resource's ARNs. Pure (no I/O): the function
 * and role planners call it with the account the plan asked STS for.
 */

interface Where {
  region: string;
  accountId: string;
}

const resourceOf = (fleet: Fleet, use: ResourceUse) => fleet.resources.find((r) => r.key === use.resource && r.type === use.type);

/** What the handler finds in `use.env`: a table's or bucket's or secret's name, a queue's URL, a topic's ARN. */
function envValue(r: ResourceSpec, at: Where): string {
  if (r.type === 'queue') return queueUrl(at.region, at.accountId, r.physicalName);
  if (r.type === 'topic') return topicArn(at.region, at.accountId, r.physicalName);
  // A secret's ARN ends in a suffix Secrets Manager picks; its name is known now and GetSecretValue takes it.
  return r.physicalName;
}

/** The variables `uses` gives a function, by name ({} without `uses`). */
export function resourceEnvironment(fleet: Fleet, fn: FunctionSpec, accountId: string): Record<string, string> {
  const at = { region: fleet.region, accountId };
  const out: Record<string, string> = {};
  for (const use of fn.uses) {
    const r = resourceOf(fleet, use);
    if (r) out[use.env] = envValue(r, at);
  }
  return out;
}

const reads = (a: ResourceAccess) => a === 'read' || a === 'readwrite' || a === 'consume';
const writes = (a: ResourceAccess) => a === 'write' || a === 'readwrite' || a === 'send' || a === 'publish';

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const QUEUE_ACTIONS = {
  send: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
};

/** `alerts` → `Alerts`, `api-keys` → `ApiKeys`: statement ids are letters and digits only. */
const pascal = (key: string) =>
  key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

const allow = (Sid: string, Action: string[], Resource: string | string[]): PolicyStatement => ({ Sid, Effect: 'Allow', Action, Resource });

/** The statements for one use of one resource (without its KMS key). */
function useStatements(r: ResourceSpec, access: ResourceAccess, sid: string, at: Where): PolicyStatement[] {
  const { region, accountId } = at;
  const name = r.physicalName;
  switch (r.type) {
    case 'table': {
      const arn = tableArn(region, accountId, name);
      // Queries and scans of an index name the index's ARN; writes go to the table only.
      const resources = reads(access) && r.indexes.length ? [arn, tableIndexesArn(region, accountId, name)] : [arn];
      return [allow(sid, [...(reads(access) ? TABLE_READ : []), ...(writes(access) ? TABLE_WRITE : [])], resources)];
    }
    case 'bucket': {
      const objects = [...(reads(access) ? ['s3:GetObject'] : []), ...(writes(access) ? ['s3:PutObject', 's3:DeleteObject'] : [])];
      const list = reads(access) ? [allow(`${sid}List`, ['s3:ListBucket'], bucketArn(region, name))] : [];
      return [...list, allow(`${sid}Objects`, objects, bucketObjectsArn(region, name))];
    }
    case 'queue':
      return [allow(sid, access === 'consume' ? QUEUE_ACTIONS.consume : QUEUE_ACTIONS.send, queueArn(region, accountId, name))];
    case 'topic':
      return [allow(sid, ['sns:Publish'], topicArn(region, accountId, name))];
    case 'secret':
      return [allow(sid, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], secretArnPattern(region, accountId, name))];
  }
}

/**
 * The customer managed key a resource is encrypted with: reading decrypts, writing makes data keys. A
 * key named by alias is matched by the alias (IAM matches a key's ARN, never its alias's).
 */
function kmsStatement(r: ResourceSpec, access: ResourceAccess, sid: string): PolicyStatement | undefined {
  const key = r.type === 'bucket' || r.type === 'queue' || r.type === 'secret' ? r.kmsKeyArn : undefined;
  if (!key) return undefined;
  const actions = [...(writes(access) ? ['kms:GenerateDataKey'] : []), 'kms:Decrypt'];
  const alias = /^arn:([^:]+):kms:([^:]+):([^:]+):(alias\/.+)$/.exec(key);
  if (!alias) return allow(`${sid}Kms`, actions, key);
  const [, part, region, account, name] = alias;
  return {
    ...allow(`${sid}Kms`, actions, `arn:${part}:kms:${region}:${account}:key/*`),
    Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': name } },
  };
}

/** The statements `uses` grants a function's role, in the order of its uses ([] without `uses`). */
export function resourceStatements(fleet: Fleet, fn: FunctionSpec, accountId: string): PolicyStatement[] {
  const at = { region: fleet.region, accountId };
  const sids = new Set<string>();
  const out: PolicyStatement[] = [];
  for (const use of fn.uses) {
    const r = resourceOf(fleet, use);
    if (!r) continue;
    // Two keys can make one id (`a-b`, `aB`): a number keeps ids unique, as IAM wants.
    let sid = `OpsUse${pascal(use.resource)}`;
    for (let n = 2; sids.has(sid); n++) sid = `OpsUse${pascal(use.resource)}${n}`;
    sids.add(sid);
    out.push(...useStatements(r, use.access, sid, at));
    const kms = kmsStatement(r, use.access, sid);
    if (kms) out.push(kms);
  }
  return out;
}
