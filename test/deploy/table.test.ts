import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const HANDLER = { 'src/worker/handler.ts': 'export const handler = async () => ({ ok: true });\n' };
const TABLE = `alerts: {
      type: 'table',
      partitionKey: 'pk',
      sortKey: { name: 'sk', type: 'number' },
      indexes: { byStatus: { partitionKey: 'status' } },
      ttl: 'expiresAt',
      stream: 'new-and-old-images',
      pointInTimeRecovery: true,
    },`;
const body = (resources: string) => `  resources: {
    ${resources}
  },
  functions: { worker: { handler: 'src/worker/handler.ts' } },`;

/**
 * DynamoDB tables through the resource registry (issue 14 items 1, 4, 5): created by `ops deploy` with their
 * indexes, TTL, stream and PITR, read back with the SDK, planned again with no changes, changed in place, a key
 * change refused without --allow-data-loss, kept by `ops destroy` unless their removal says destroy, and a table
 * that exists without the stage's tags stops the run before any write unless the config adopts it.
 */
describe('ops deploy: tables', () => {
  const emu = useEmulator();
  const stage = 'dev';
  const db = () => new DynamoDBClient(emu.clientConfig);
  const describeTable = (name: string) =>
    db()
      .send(new DescribeTableCommand({ TableName: name }))
      .then((r) => r.Table)
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e)));
  const tagsOf = async (arn: string) =>
    Object.fromEntries(((await db().send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? []).map((t) => [t.Key, t.Value]));
  const putItem = (name: string, item: Record<string, { S: string } | { N: string }>) =>
    db().send(new PutItemCommand({ TableName: name, Item: item }));

  describe('a declared table', () => {
    const app = uniqueApp('tbl');
    const name = `${app}-${stage}-alerts`;
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    const planIds = async () => {
      const p = await ops(['plan', '--json']);
      return (JSON.parse(p.stdout).changes as { id: string }[]).map((c) => c.id);
    };

    beforeAll(async () => {
      dir = await fleetDir(app, HANDLER, body(TABLE));
    });

    it('is created with keys, index, TTL, stream, PITR and ownership tags, and a second plan is empty', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const t = await describeTable(name);
      expect(t?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(t?.AttributeDefinitions).toEqual(
        expect.arrayContaining([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'status', AttributeType: 'S' },
        ]),
      );
      expect(t?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(t?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType])).toEqual([
        ['byStatus', [{ AttributeName: 'status', KeyType: 'HASH' }], 'ALL'],
      ]);
      expect(t?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
      const ttl = await db().send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
      const pitr = await db().send(new DescribeContinuousBackupsCommand({ TableName: name }));
      expect(pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
      expect(await tagsOf(t?.TableArn ?? '')).toMatchObject({ 'ops:app': app, 'ops:stage': stage, 'ops:resource': 'alerts' });
      const again = await ops(['plan']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes');
    });

    it('a second deploy only reads DynamoDB (no write)', async () => {
      const proxy = await emu.proxy();
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(d.code, d.stderr).toBe(0);
      const ops = proxy.requests.filter((r) => r.service === 'dynamodb').map((r) => r.operation);
      expect(ops).toContain('ListTables');
      expect(ops.filter((o) => !/^(List|Describe)/.test(o))).toEqual([]);
    });

    it('takes capacity and a new index in place: same ARN, items kept', async () => {
      const arn = (await describeTable(name))?.TableArn;
      await putItem(name, { pk: { S: 'a' }, sk: { N: '1' }, status: { S: 'open' } });
      await edit(`${dir}/ops.config.ts`, (t) =>
        t
          .replace(
            "indexes: { byStatus: { partitionKey: 'status' } },",
            "indexes: { byStatus: { partitionKey: 'status' }, byOwner: { partitionKey: 'owner', projection: 'keys-only' } },",
          )
          .replace("ttl: 'expiresAt',", "ttl: 'expiresAt',\n      capacity: { read: 5, write: 3 },"),
      );
      expect(await planIds()).toEqual([`table.update:${name}`]);
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const t = await describeTable(name);
      expect(t?.TableArn).toBe(arn);
      expect(t?.BillingModeSummary?.BillingMode).toBe('PROVISIONED');
      expect(t?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 5, WriteCapacityUnits: 3 });
      expect(t?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byOwner', 'byStatus']);
      const item = await db().send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'a' }, sk: { N: '1' } } }));
      expect(item.Item?.status).toEqual({ S: 'open' });
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });

    it('refuses a key change without --allow-data-loss, before any write', async () => {
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("partitionKey: 'pk',", "partitionKey: 'id',"));
      const d = await ops(['deploy', '--yes']);
      expect(d.code).toBe(1);
      expect(d.stderr).toContain('replace: the data is lost');
      expect(d.stderr).toContain('--allow-data-loss');
      expect((await describeTable(name))?.KeySchema?.[0]).toEqual({ AttributeName: 'pk', KeyType: 'HASH' });
    });

    it('with --allow-data-loss replaces the table (delete, then create with the new keys): its items are gone', async () => {
      const d = await ops(['deploy', '--yes', '--allow-data-loss']);
      expect(d.code, d.stderr).toBe(0);
      const t = await describeTable(name);
      expect(t?.KeySchema?.[0]).toEqual({ AttributeName: 'id', KeyType: 'HASH' });
      expect((await db().send(new ScanCommand({ TableName: name }))).Count).toBe(0);
      expect((await ops(['plan'])).stdout).toContain('No changes');
      await edit(`${dir}/ops.config.ts`, (text) => text.replace("partitionKey: 'id',", "partitionKey: 'pk',"));
      expect((await ops(['deploy', '--yes', '--allow-data-loss'])).code).toBe(0);
    });

    it('ops destroy keeps the table (holds data) and says so', async () => {
      const d = await ops(['destroy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain(`table ${name}: kept (holds data)`);
      expect((await describeTable(name))?.TableStatus).toBe('ACTIVE');
      const fn = await new LambdaClient(emu.clientConfig)
        .send(new GetFunctionCommand({ FunctionName: `${app}-${stage}-worker` }))
        .catch((e: Error) => e.name);
      expect(fn).toBe('ResourceNotFoundException');
    });

    it("with removal: 'destroy' (deployed, so the table is tagged) a confirmed destroy deletes it", async () => {
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("type: 'table',", "type: 'table',\n      removal: 'destroy',"));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(await tagsOf((await describeTable(name))?.TableArn ?? '')).toMatchObject({ 'ops:removal': 'destroy' });
      const gone = await ops(['destroy', '--yes']);
      expect(gone.code, gone.stderr).toBe(0);
      expect(await describeTable(name)).toBeUndefined();
    });
  });

  it('a fleet that declares no table makes no DynamoDB call, on a deploy or a no-op deploy', async () => {
    const dir = await fleetDir(uniqueApp('tbln'), HANDLER, "  functions: { worker: { handler: 'src/worker/handler.ts' } },");
    const proxy = await emu.proxy();
    for (let i = 0; i < 2; i++) {
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(d.code, d.stderr).toBe(0);
    }
    expect(proxy.requests.some((r) => r.service === 'lambda')).toBe(true);
    expect(proxy.requests.filter((r) => r.service === 'dynamodb')).toEqual([]);
  });

  describe('a table that exists without the stage tags', () => {
    const app = uniqueApp('tbla');
    const name = `${app}-${stage}-legacy`;
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      await db().send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          Tags: [{ Key: 'owner', Value: 'bash' }],
        }),
      );
      await putItem(name, { id: { S: 'kept' } });
      dir = await fleetDir(app, HANDLER, body("legacy: { type: 'table', partitionKey: 'id' },"));
    });

    it('stops the run before any write', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code).toBe(1);
      expect(d.stderr).toContain(`${name} exists, not managed by ops`);
      expect(d.stderr).toContain('adopt: true');
      // Nothing written: the function was not created and the table is untouched.
      const fn = await new LambdaClient(emu.clientConfig)
        .send(new GetFunctionCommand({ FunctionName: `${app}-${stage}-worker` }))
        .catch((e: Error) => e.name);
      expect(fn).toBe('ResourceNotFoundException');
      expect(await tagsOf((await describeTable(name))?.TableArn ?? '')).toEqual({ owner: 'bash' });
    });

    it('with adopt: true it is tagged, not recreated: same ARN, same items, and a second plan is empty', async () => {
      const arn = (await describeTable(name))?.TableArn;
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("type: 'table',", "type: 'table', adopt: true,"));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const t = await describeTable(name);
      expect(t?.TableArn).toBe(arn);
      // ops's tags are added; the hand-made `owner` stays (the config does not name it).
      expect(await tagsOf(arn ?? '')).toEqual({ owner: 'bash', 'ops:app': app, 'ops:stage': stage, 'ops:resource': 'legacy' });
      const item = await db().send(new GetItemCommand({ TableName: name, Key: { id: { S: 'kept' } } }));
      expect(item.Item?.id).toEqual({ S: 'kept' });
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });
  });
});
