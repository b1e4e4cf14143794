import { describe, expect, it } from 'vitest';
import { createTable, readTable, readTables } from '../../src/aws/dynamodb.js';
import type { TableSpec } from '../../src/config/resources.js';
import { UserError } from '../../src/errors.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, unique } from './helpers.js';

const emu = useEmulator();

const spec = (app: string, over: Partial<TableSpec> = {}): TableSpec => ({
  type: 'table',
  key: 'alerts',
  physicalName: `${app}-dev-alerts`,
  removal: 'retain',
  adopt: false,
  tags: { 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'alerts' },
  partitionKey: { name: 'pk', type: 'S' },
  billing: 'PAY_PER_REQUEST',
  indexes: [],
  ttlAttribute: 'expiresAt',
  pointInTimeRecovery: true,
  deletionProtection: false,
  ...over,
});

/** CreateTable against moto behind the fault proxy: a create whose answer was lost, and a name already taken. */
describe('createTable', () => {
  const calls = (proxy: { requests: readonly { operation: string }[] }, op: string) =>
    proxy.requests.filter((r) => r.operation === op).length;

  it('answer lost: the SDK sends it again, AWS answers ResourceInUseException, and the table (tagged ours) is taken as made', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    proxy.addFault({ match: { service: 'dynamodb', operation: 'CreateTable' }, times: 1, respond: faults.dropResponse() });
    const made = await createTable(aws, spec(app));
    expect(calls(proxy, 'CreateTable')).toBe(2);
    expect(made).toMatchObject({ name: `${app}-dev-alerts`, ttlAttribute: 'expiresAt', pointInTimeRecovery: true });
    expect(made.tags).toMatchObject({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'alerts' });
    aws.destroy();
  });

  it('a name taken by a table that is not ours: refused, and that table is left as it was', async () => {
    const aws = awsFor(emu.env);
    const app = unique();
    const db = await aws.dynamodb();
    await db.createTable({
      TableName: `${app}-dev-alerts`,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const e = await createTable(aws, spec(app)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe(`table ${app}-dev-alerts exists, not managed by ops`);
    const there = await readTable(aws, `${app}-dev-alerts`);
    expect(there).toMatchObject({ partitionKey: { name: 'id', type: 'S' }, tags: {}, pointInTimeRecovery: false });
    expect(there?.ttlAttribute).toBeUndefined();
    aws.destroy();
  });
});

describe('readTables', () => {
  it('reads a declared table whole while ListTables is out: its reads do not wait for the listing', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    await createTable(aws, spec(app));
    proxy.clearLog(); // the create read its settings too
    const seen = (op: string) => proxy.requests.some((r) => r.operation === op);
    // ListTables is held until the declared table's last read (its point-in-time recovery) has arrived, or 5 s.
    let release = (_by: string) => {};
    const released = new Promise<string>((resolve) => (release = resolve));
    const poll = setInterval(() => seen('DescribeContinuousBackups') && release('the table was read'), 10);
    const timeout = setTimeout(() => release('timeout'), 5_000);
    proxy.addFault({ match: { service: 'dynamodb', operation: 'ListTables' }, times: 1, respond: faults.hold(released) });
    const read = await readTables(aws, { app, stage: 'dev', resources: [spec(app)] });
    clearInterval(poll);
    clearTimeout(timeout);
    expect(await released).toBe('the table was read');
    expect(Object.keys(read.tables)).toEqual([`${app}-dev-alerts`]);
    expect(read.tables[`${app}-dev-alerts`]).toMatchObject({ ttlAttribute: 'expiresAt', pointInTimeRecovery: true });
    aws.destroy();
  });

  it('a declared table whose read fails while ListTables is out: one error, no unhandled rejection', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // DescribeTable is refused; ListTables answers only after that refusal has come back, and fails too.
    let release = () => {};
    const refused = new Promise<void>((resolve) => (release = resolve));
    proxy.addFault({
      match: { service: 'dynamodb', operation: 'DescribeTable' },
      respond: faults.awsError({ code: 'AccessDeniedException', message: 'no' }),
    });
    const poll = setInterval(() => proxy.requests.some((r) => r.operation === 'DescribeTable') && setTimeout(release, 50), 10);
    proxy.addFault({ match: { service: 'dynamodb', operation: 'ListTables' }, times: 1, respond: faults.hold(refused) });
    proxy.addFault({
      match: { service: 'dynamodb', operation: 'ListTables' },
      respond: faults.awsError({ code: 'AccessDeniedException', message: 'no' }),
    });
    const tables = [spec(app), spec(app, { key: 'b', physicalName: `${app}-dev-b` })];
    await expect(readTables(aws, { app, stage: 'dev', resources: tables })).rejects.toThrow(/access denied/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(poll);
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    aws.destroy();
  });
});
