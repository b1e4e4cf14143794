import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import { foreignEntry, notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { Actual } from '../model/actual.js';
import type { ActualQueue, ActualQueues, QueueAttributes } from '../model/queue.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf } from './errors.js';
import { mapLimit } from './pool.js';
import { read } from './retry.js';

/**
 * The fleet's SQS queues: read (candidates by the stage's name prefix and the desired names, owned by tags),
 * create, update in place, tag and delete. SQS names a queue by URL in every call but CreateQueue.
 */

const NON_EXISTENT = new Set(['AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExist', 'QueueDoesNotExistException']);
const isMissingQueue = (e: unknown) => NON_EXISTENT.has(nameOf(e)) || isNotFound(e);
/** CreateQueue of an existing name with other attributes: `QueueAlreadyExists` (JSON) or `QueueNameExists` (query). */
const isNameTaken = (e: unknown) => ['QueueAlreadyExists', 'QueueNameExists', 'QueueNameExistsException'].includes(nameOf(e));

export const queueNameOfUrl = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** GetQueueAttributes' answer in the planner's shape. */
export function toQueueAttributes(a: Record<string, string | undefined>): QueueAttributes {
  const fifo = a.FifoQueue === 'true';
  const kms = a.KmsMasterKeyId ? a.KmsMasterKeyId : undefined;
  const redrive = a.RedrivePolicy
    ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string })
    : undefined;
  return {
    fifo,
    contentBasedDeduplication: fifo && a.ContentBasedDeduplication === 'true',
    visibilityTimeoutSeconds: Number(a.VisibilityTimeout ?? 30),
    retentionSeconds: Number(a.MessageRetentionPeriod ?? 345600),
    encryption: kms ? 'kms' : a.SqsManagedSseEnabled === 'true' ? 'sqs' : 'none',
    ...(kms ? { kmsKeyArn: kms } : {}),
    ...(redrive?.deadLetterTargetArn
      ? { deadLetter: { targetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount ?? 0) } }
      : {}),
  };
}

/** The attributes CreateQueue and SetQueueAttributes take; `which` limits them to what differs (an update). */
export function queueAttributeInput(q: QueueAttributes, which?: readonly (keyof QueueAttributes)[]): Record<string, string> {
  const has = (k: keyof QueueAttributes) => !which || which.includes(k);
  const out: Record<string, string> = {};
  // FifoQueue is set at creation only; SQS refuses it in SetQueueAttributes.
  if (!which && q.fifo) out.FifoQueue = 'true';
  if (q.fifo && (has('contentBasedDeduplication') || has('fifo'))) out.ContentBasedDeduplication = String(q.contentBasedDeduplication);
  if (has('visibilityTimeoutSeconds')) out.VisibilityTimeout = String(q.visibilityTimeoutSeconds);
  if (has('retentionSeconds')) out.MessageRetentionPeriod = String(q.retentionSeconds);
  if (has('encryption')) {
    // SQS-managed SSE and a KMS key exclude each other; an empty key id turns SSE-KMS off.
    if (q.encryption === 'kms') out.KmsMasterKeyId = q.kmsKeyArn ?? 'alias/aws/sqs';
    else if (which) out.KmsMasterKeyId = '';
    out.SqsManagedSseEnabled = String(q.encryption === 'sqs');
  }
  if (has('deadLetter') && (q.deadLetter || which)) {
    out.RedrivePolicy = q.deadLetter
      ? JSON.stringify({ deadLetterTargetArn: q.deadLetter.targetArn, maxReceiveCount: q.deadLetter.maxReceiveCount })
      : '';
  }
  return out;
}

/** URL, attributes and tags of one queue; undefined when it is gone. */
async function describeQueue(aws: Aws, url: string): Promise<ActualQueue | undefined> {
  const sqs = await aws.sqs();
  try {
    const [attrs, tags] = await Promise.all([
      read(aws, () => sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] })),
      read(aws, () => sqs.listQueueTags({ QueueUrl: url })),
    ]);
    const a = attrs.Attributes ?? {};
    return { name: queueNameOfUrl(url), url, arn: a.QueueArn ?? '', attributes: toQueueAttributes(a), tags: { ...(tags.Tags ?? {}) } };
  } catch (error) {
    if (isMissingQueue(error)) return undefined;
    throw error;
  }
}

/** The URL of a queue by name, or undefined. */
export async function getQueueUrl(aws: Aws, name: string): Promise<string | undefined> {
  const sqs = await aws.sqs();
  try {
    return (await read(aws, () => sqs.getQueueUrl({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isMissingQueue(error)) return undefined;
    throw error;
  }
}

async function listQueueUrls(aws: Aws, prefix: string): Promise<string[]> {
  const sqs = await aws.sqs();
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await read(aws, () => sqs.listQueues({ QueueNamePrefix: prefix, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return urls;
}

/**
 * The stage's queues: ListQueues by `{app}-{stage}-` finds candidates, and each desired name the list
 * lacks (a config-given name, or a listing not yet consistent) is asked for by name. Ownership is by
 * tags; a desired name that is not ours goes to `unowned` (the plan stops or adopts), any other to `foreign`.
 */
export async function readQueues(
  aws: Aws,
  scope: { app: string; stage: string },
  desiredNames: readonly string[],
  concurrency = 8,
): Promise<{ queues: ActualQueues; foreign: Actual['foreign'] }> {
  const listed = await listQueueUrls(aws, `${scope.app}-${scope.stage}-`);
  const names = new Set(listed.map(queueNameOfUrl));
  const asked = await mapLimit(
    desiredNames.filter((n) => !names.has(n)),
    concurrency,
    (n) => getQueueUrl(aws, n),
  );
  const urls = [...listed, ...asked.filter((u): u is string => !!u)];
  const found = await mapLimit(urls, concurrency, (u) => describeQueue(aws, u));
  const queues: ActualQueues = { owned: {}, unowned: {} };
  const foreign: Actual['foreign'] = [];
  const desired = new Set(desiredNames);
  for (const q of found) {
    if (!q) continue;
    if (!notOwnedReason(q.tags, scope.app, scope.stage)) queues.owned[q.name] = q;
    else if (desired.has(q.name)) queues.unowned[q.name] = q;
    else {
      const entry = foreignEntry('sqs queue', q.name, q.tags, scope.app, scope.stage);
      if (entry) foreign.push(entry);
    }
  }
  return { queues, foreign };
}

/**
 * CreateQueue with the attributes and tags. SQS answers an identical create with the existing URL: a retry
 * after a lost answer is safe, and the tags read afterwards tell ours from a queue someone else made
 * meanwhile. A create that meets the name with other attributes (QueueAlreadyExists) is ours only if
 * tagged so; then its attributes are brought to the spec.
 */
export async function createQueue(aws: Aws, name: string, attributes: QueueAttributes, tags: Record<string, string>): Promise<string> {
  const sqs = await aws.sqs();
  let url: string | undefined;
  try {
    url = (
      await aws.write(() =>
        sqs.createQueue({ QueueName: name, Attributes: queueAttributeInput(attributes) as Record<QueueAttributeName, string>, tags }),
      )
    ).QueueUrl;
  } catch (error) {
    if (!isNameTaken(error)) throw error;
    url = await getQueueUrl(aws, name);
    if (!url) throw error;
    await assertOurs(aws, url, tags);
    await setQueueAttributes(aws, url, attributes);
    return url;
  }
  if (!url) throw new Error(`SQS CreateQueue ${name} returned no QueueUrl`);
  await assertOurs(aws, url, tags);
  return url;
}

async function assertOurs(aws: Aws, url: string, tags: Record<string, string>): Promise<void> {
  const sqs = await aws.sqs();
  const have = (await read(aws, () => sqs.listQueueTags({ QueueUrl: url }))).Tags ?? {};
  if (have[OWNER_APP_TAG] === tags[OWNER_APP_TAG] && have[OWNER_STAGE_TAG] === tags[OWNER_STAGE_TAG]) return;
  throw new UserError(`queue ${queueNameOfUrl(url)} was created by someone else since the plan was made: not taken over`, {
    hint: 'run the command again to see it in the plan (`adopt: true` on the queue takes it over)',
  });
}

/** SetQueueAttributes with every attribute of the spec, or only those named in `which`. */
export async function setQueueAttributes(
  aws: Aws,
  url: string,
  q: QueueAttributes,
  which?: readonly (keyof QueueAttributes)[],
): Promise<void> {
  const Attributes = queueAttributeInput(
    q,
    which ?? ['contentBasedDeduplication', 'visibilityTimeoutSeconds', 'retentionSeconds', 'encryption', 'deadLetter'],
  );
  if (!Object.keys(Attributes).length) return;
  const sqs = await aws.sqs();
  await aws.write(() => sqs.setQueueAttributes({ QueueUrl: url, Attributes: Attributes as Record<QueueAttributeName, string> }));
}

/** TagQueue and UntagQueue for what differs. */
export async function retagQueue(aws: Aws, url: string, add: Record<string, string>, remove: readonly string[]): Promise<void> {
  const sqs = await aws.sqs();
  if (remove.length) await aws.write(() => sqs.untagQueue({ QueueUrl: url, TagKeys: [...remove] }));
  if (Object.keys(add).length) await aws.write(() => sqs.tagQueue({ QueueUrl: url, Tags: add }));
}

/** DeleteQueue; a queue already gone is fine. */
export async function deleteQueue(aws: Aws, name: string): Promise<void> {
  const url = await getQueueUrl(aws, name);
  if (!url) return;
  const sqs = await aws.sqs();
  try {
    await aws.write(() => sqs.deleteQueue({ QueueUrl: url }));
  } catch (error) {
    if (!isMissingQueue(error)) throw error;
  }
}
