import type { Aws } from '../../aws/clients.js';
import {
  attributeDefinitions,
  createTable,
  deleteTable,
  indexInput,
  readTables,
  retagTable,
  setPointInTimeRecovery,
  setTtl,
  throughput,
  updateTable,
  waitTableActive,
  waitTableGone,
} from '../../aws/dynamodb.js';
import type { TableSpec } from '../../config/resources.js';
import { defineKind } from '../kind.js';
import { linkTableUsers, planTables, type TableChange, type TableSteps } from './plan.js';

/**
 * Applies an in-place update step by step, each UpdateTable waited out to ACTIVE (AWS refuses the next one while
 * the table or an index is still changing): indexes removed, billing, indexes added one by one, stream, deletion
 * protection, TTL, PITR, tags.
 */
export async function applySteps(aws: Aws, name: string, arn: string, spec: TableSpec, s: TableSteps): Promise<void> {
  await waitTableActive(aws, name);
  for (const IndexName of s.removeIndexes) await updateTable(aws, name, { GlobalSecondaryIndexUpdates: [{ Delete: { IndexName } }] });
  const adding = new Set(s.addIndexes.map((i) => i.name));
  const present = spec.indexes.filter((i) => !adding.has(i.name));
  // Leaving on-demand, AWS wants each index's capacity in the same call as the table's.
  const indexes = s.indexCapacity.map((IndexName) => ({ Update: { IndexName, ...throughput(spec) } }));
  if (s.billing || indexes.length) {
    await updateTable(aws, name, {
      ...(s.billing ? { BillingMode: spec.billing, ...throughput(spec) } : {}),
      ...(indexes.length ? { GlobalSecondaryIndexUpdates: indexes } : {}),
    });
  }
  for (const index of s.addIndexes) {
    present.push(index);
    // The definitions of every key in use: emulators replace the table's definitions with what is sent.
    await updateTable(aws, name, {
      AttributeDefinitions: attributeDefinitions(spec, present),
      GlobalSecondaryIndexUpdates: [{ Create: indexInput(index, spec) }],
    });
  }
  if (s.stream?.from) await updateTable(aws, name, { StreamSpecification: { StreamEnabled: false } });
  if (s.stream?.to) await updateTable(aws, name, { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } });
  if (s.deletionProtection !== undefined) await updateTable(aws, name, { DeletionProtectionEnabled: s.deletionProtection });
  if (s.ttl?.from) await setTtl(aws, name, s.ttl.from, false);
  if (s.ttl?.to) await setTtl(aws, name, s.ttl.to, true);
  if (s.pointInTimeRecovery !== undefined) await setPointInTimeRecovery(aws, name, s.pointInTimeRecovery);
  await retagTable(aws, arn, s.addTags, s.removeTags);
}

/** The fleet's DynamoDB tables (`resources` of type `table`): owned by tags, kept unless their removal says destroy. */
export const table = defineKind<TableChange>({
  kind: 'table',
  changes: ['table.create', 'table.adopt', 'table.update', 'table.replace', 'table.delete'],
  // What functions still use goes last.
  trailing: ['table.delete'],
  async read(aws, scope, r) {
    const found = await readTables(aws, scope, r.concurrency);
    const has = (m: object) => Object.keys(m).length > 0;
    return {
      actual: { ...(has(found.tables) ? { tables: found.tables } : {}), ...(has(found.unowned) ? { unownedTables: found.unowned } : {}) },
      foreign: found.foreign,
    };
  },
  plan: planTables,
  link: linkTableUsers,
  apply: {
    async 'table.create'(c, run) {
      return (await createTable(run.aws, c.table)).arn;
    },
    'table.adopt': (c, run) => retagTable(run.aws, c.arn, c.addTags, c.removeTags),
    'table.update': (c, run) => applySteps(run.aws, c.name, c.arn, c.table, c.steps),
    async 'table.replace'(c, run) {
      await deleteTable(run.aws, c.table.physicalName);
      await waitTableGone(run.aws, c.table.physicalName);
      return (await createTable(run.aws, c.table)).arn;
    },
    async 'table.delete'(c, run) {
      await deleteTable(run.aws, c.name);
      // DELETING tables still answer DescribeTable: the verification read would plan the delete again.
      await waitTableGone(run.aws, c.name);
    },
  },
});
