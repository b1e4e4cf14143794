import type { KeySpec, TableSpec } from '../config/resources.js';

/** A global secondary index as DescribeTable reports it, in the spec's shape. */
export interface ActualTableIndex {
  name: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  projection: 'ALL' | 'KEYS_ONLY' | string[];
  /** A provisioned table's index: its own read and write units (ops gives each the table's). */
  capacity?: { read: number; write: number };
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`. */
  status: string;
}

/**
 * A DynamoDB table, read with DescribeTable, ListTagsOfResource, DescribeTimeToLive and
 * DescribeContinuousBackups, normalized to TableSpec's fields (STYLE.md rule 4) so the planner compares like with like.
 */
export interface ActualTable extends Pick<TableSpec, 'partitionKey' | 'sortKey' | 'billing' | 'capacity' | 'ttlAttribute' | 'stream'> {
  name: string;
  arn: string;
  /** LatestStreamArn while a stream is on: the source of the table's event source mappings. */
  streamArn?: string;
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`... */
  status: string;
  indexes: ActualTableIndex[];
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
  tags: Record<string, string>;
}
