/**
 * An SQS queue in the shape the queue planner compares: the attributes ops manages, normalized from
 * GetQueueAttributes (src/aws/sqs.ts) and from a QueueSpec (src/resources/queue/plan.ts) alike.
 */
export interface QueueAttributes {
  fifo: boolean;
  /** FIFO only; always false on a standard queue. */
  contentBasedDeduplication: boolean;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** `sqs`: SqsManagedSseEnabled; `kms`: KmsMasterKeyId set; `none`: neither. */
  encryption: 'sqs' | 'kms' | 'none';
  kmsKeyArn?: string;
  /** The RedrivePolicy: where messages go after `maxReceiveCount` receives. */
  deadLetter?: { targetArn: string; maxReceiveCount: number };
}

/** A queue found on AWS, with its tags (ours, or one with a desired name that is not ours yet). */
export interface ActualQueue {
  name: string;
  url: string;
  arn: string;
  attributes: QueueAttributes;
  tags: Record<string, string>;
}

/** The settings of an SQS event source mapping that ops manages, as ListEventSourceMappings reports them. */
export interface QueueMappingSettings {
  batchSize: number;
  batchWindowSeconds: number;
  /** ScalingConfig.MaximumConcurrency; absent: Lambda's default. */
  maxConcurrency?: number;
  reportBatchItemFailures: boolean;
}

/** An event source mapping from a queue to one of the stage's functions. */
export interface ActualQueueMapping extends QueueMappingSettings {
  uuid: string;
  queueArn: string;
  /** The function's name, without a qualifier (AWS reports `name:live`; moto drops the qualifier). */
  functionName: string;
  state: string;
}

/** The queues the read found: owned by the stage's tags, and those with a desired name but not ours. */
export interface ActualQueues {
  owned: Record<string, ActualQueue>;
  /** By physical name: untagged, or another app's or stage's. The plan stops on them unless `adopt`. */
  unowned: Record<string, ActualQueue>;
  /** Mappings from the stage's queues to the stage's functions (filled by the event-source kind's read). */
  mappings?: ActualQueueMapping[];
}

/** The names of the mapping settings that differ. */
export function mappingDiffs(want: QueueMappingSettings, have: QueueMappingSettings): (keyof QueueMappingSettings)[] {
  const keys: (keyof QueueMappingSettings)[] = ['batchSize', 'batchWindowSeconds', 'maxConcurrency', 'reportBatchItemFailures'];
  return keys.filter((k) => want[k] !== have[k]);
}

/** The names of the attributes that differ, in display order. */
export function queueAttributeDiffs(want: QueueAttributes, have: QueueAttributes): (keyof QueueAttributes)[] {
  const out: (keyof QueueAttributes)[] = [];
  if (want.fifo !== have.fifo) out.push('fifo');
  if (want.fifo && want.contentBasedDeduplication !== have.contentBasedDeduplication) out.push('contentBasedDeduplication');
  if (want.visibilityTimeoutSeconds !== have.visibilityTimeoutSeconds) out.push('visibilityTimeoutSeconds');
  if (want.retentionSeconds !== have.retentionSeconds) out.push('retentionSeconds');
  if (want.encryption !== have.encryption || (want.encryption === 'kms' && want.kmsKeyArn !== have.kmsKeyArn)) out.push('encryption');
  const dl = (q: QueueAttributes) => (q.deadLetter ? `${q.deadLetter.targetArn}#${q.deadLetter.maxReceiveCount}` : '');
  if (dl(want) !== dl(have)) out.push('deadLetter');
  return out;
}
