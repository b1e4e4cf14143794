import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stub, startStub } from '../functions/support/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';

const root = path.resolve(import.meta.dirname, '../..');
const OFFERS = JSON.parse(readFileSync(path.join(root, 'test/functions/fixtures/amadeus-flight-offers.json'), 'utf8'));
const TASK_ID = '0b7c1f8e-4d3a-4e7b-9a51-2f6c8d9e0a13'; // the id in the get-task and process-task samples

/**
 * Every sample of the repo's own fleet, invoked the way a user does (`ops invoke <fn> --local
 * --event <sample>`), from the packaged zip, against moto for DynamoDB/SSM and a local stub for
 * the outside world (Amadeus, the async Lambda invoke).
 */
describe('ops invoke --local on every sample of the fleet', () => {
  const emu = useEmulator();
  const stage = `li${Date.now().toString(36).slice(-5)}`;
  // The fleet's `tasks` table as the stage has it (made here, as a deploy would): local runs get its name in TASKS_TABLE.
  const table = `tasks-${stage}-tasks`;
  const envFile = path.join(root, `.env.${stage}`);
  let stub: Stub;

  beforeAll(async () => {
    stub = await startStub((req) => {
      if (req.path === '/v1/security/oauth2/token') return { body: { access_token: 'tok', token_type: 'Bearer', expires_in: 1799 } };
      if (req.path === '/v2/shopping/flight-offers') return { body: OFFERS };
      if (/\/2015-03-31\/functions\/.+\/invocations/.test(req.path)) return { status: 202, body: {} };
      return { status: 404, body: {} };
    });
    const ddb = new DynamoDBClient(emu.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const now = new Date().toISOString();
    await ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          id: { S: TASK_ID },
          description: { S: 'Find me a landscaper in Charlotte under $300' },
          status: { S: 'pending' },
          events: { L: [] },
          created_at: { S: now },
          updated_at: { S: now },
        },
      }),
    );
    // Values for the params, the way a developer keeps them for local runs.
    await writeFile(envFile, 'amadeus/client-id=local-id\nAMADEUS_CLIENT_SECRET=local-secret\n');
  });
  afterAll(async () => {
    await rm(envFile, { force: true });
    await stub?.close();
  });

  const invoke = (fn: string, sample: string) =>
    runCli(
      [
        'invoke',
        fn,
        '--local',
        '--event',
        sample,
        '--stage',
        stage,
        '--env',
        `AMADEUS_BASE_URL=${stub.url}`,
        `AWS_ENDPOINT_URL_LAMBDA=${stub.url}`,
      ],
      {
        cwd: root,
        env: emu.env as NodeJS.ProcessEnv,
      },
    );
  const body = (r: { stdout: string }) => JSON.parse(JSON.parse(r.stdout).body);

  // Order matters: the worker processes the seeded task before get-task reads it back.
  const cases: [string, string, (r: Awaited<ReturnType<typeof invoke>>) => void][] = [
    ['tasks-api', 'create-task', (r) => expect(JSON.parse(r.stdout)).toMatchObject({ statusCode: 202 })],
    ['tasks-api', 'create-task-bad-json', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(400)],
    ['tasks-api', 'create-task-missing-description', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(400)],
    ['tasks-worker', 'process-task', (r) => expect(JSON.parse(r.stdout)).toMatchObject({ taskId: TASK_ID, status: 'completed' })],
    ['tasks-worker', 'process-task-seed-spelling', (r) => expect(JSON.parse(r.stdout)).toMatchObject({ taskId: TASK_ID, skipped: true })],
    ['tasks-api', 'get-task', (r) => expect(body(r)).toMatchObject({ id: TASK_ID, status: 'completed' })],
    ['tasks-api', 'list-tasks', (r) => expect(body(r).length).toBe(2)],
    ['tasks-api', 'missing-task', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(404)],
    ['search-flights', 'search-one-way', (r) => expect(JSON.parse(r.stdout).statusCode ?? 200).toBe(200)],
    ['search-flights', 'search-round-trip', (r) => expect(JSON.stringify(JSON.parse(r.stdout))).toContain('price')],
    ['search-flights', 'invalid-request', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(400)],
    ['health-check', 'scheduled', (r) => expect(JSON.parse(r.stdout)).toMatchObject({ checked: 0 })],
    ['health-check', 'manual', (r) => expect(JSON.parse(r.stdout)).toMatchObject({ checked: 0 })],
    ['gateway', 'health', (r) => expect(body(r)).toMatchObject({ status: 'ok', function: `tasks-${stage}-gateway` })],
    ['gateway', 'echo-query', (r) => expect(body(r).query).toMatchObject({ x: '42', name: 'ops' })],
    ['gateway', 'echo-body', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(200)],
    ['gateway', 'echo-body-base64', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(200)],
    ['gateway', 'not-found', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(404)],
    ['gateway', 'wrong-method', (r) => expect(JSON.parse(r.stdout).statusCode).toBe(405)],
  ];

  it('covers every sample event in src/functions', async () => {
    const { readdirSync } = await import('node:fs');
    const all = readdirSync(path.join(root, 'src/functions'))
      .filter((d) => !d.startsWith('_'))
      .flatMap((d) =>
        readdirSync(path.join(root, 'src/functions', d, 'events'))
          .filter((f) => !f.endsWith('.expect.json'))
          .map((f) => `${d}/${f}`),
      );
    const covered = cases.map(([fn, s]) => `${fn.replace('search-flights', 'search_flights')}/${s}.json`);
    expect([...new Set(covered)].sort()).toEqual(all.sort());
  });

  for (const [fn, sample, check] of cases) {
    it(`${fn} ${sample}`, async () => {
      const r = await invoke(fn, sample);
      expect(r.code, r.stderr).toBe(0);
      check(r);
    });
  }

  it('a search reads its SecureString params from .env.<stage> and says so', async () => {
    const r = await invoke('search-flights', 'search-one-way');
    expect(r.stderr).toContain(`params from .env.${stage}`);
    expect(r.stderr).not.toContain('local-secret');
    expect(stub.requests.some((q) => q.path === '/v1/security/oauth2/token' && q.body.includes('client_secret=local-secret'))).toBe(true);
  });
});
