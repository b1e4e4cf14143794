import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { toItem } from '../../src/functions/_shared/dynamo-codec.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { loadEvent, type Stub, startStub, uniqueSuffix, useTestEnv } from './support/helpers.js';

type ApiHandler = typeof import('../../src/functions/tasks-api/handler.js').handler;
type WorkerHandler = typeof import('../../src/functions/tasks-worker/handler.js').handler;

const setEnv = useTestEnv();
const WORKER = 'tasks-test-tasks-worker';
const apiEvent = (name: string) => loadEvent<APIGatewayProxyEventV2>('tasks-api', name);
const createEvent = (description: string): APIGatewayProxyEventV2 => ({
  ...apiEvent('create-task'),
  body: JSON.stringify({ description }),
});
const getEvent = (id: string): APIGatewayProxyEventV2 => ({ ...apiEvent('get-task'), rawPath: `/tasks/${id}`, pathParameters: { id } });
const body = (res: { body: string }) => JSON.parse(res.body);

describe('tasks-api and tasks-worker against DynamoDB (moto)', () => {
  const emu = useEmulator();
  const suffix = uniqueSuffix();
  const table = `fn-tasks-${suffix}`;
  let invokes: Stub;
  let api: ApiHandler;
  let worker: WorkerHandler;

  beforeAll(async () => {
    const dynamo = new DynamoDBClient(emu.clientConfig);
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    dynamo.destroy();
    // Stands in for Lambda's Invoke API so the test sees exactly what the API sent to the worker.
    invokes = await startStub(() => ({ status: 202, body: '' }));
  });
  afterAll(() => invokes.close());

  beforeEach(async () => {
    vi.resetModules(); // fresh clients and param cache: a cold start per test
    ({ handler: api } = await import('../../src/functions/tasks-api/handler.js'));
    ({ handler: worker } = await import('../../src/functions/tasks-worker/handler.js'));
  });

  /** Env as ops sets it on AWS, with Lambda's Invoke answered by the stub. */
  const deployedEnv = (proxyEnv: Record<string, string | undefined>) => ({
    ...proxyEnv,
    AWS_ENDPOINT_URL_LAMBDA: invokes.url,
    TASKS_TABLE: table,
    TASKS_WORKER_FUNCTION_NAME: WORKER,
  });

  it('creates a task, starts the worker asynchronously, and serves the completed task', async () => {
    const proxy = await emu.proxy();
    setEnv(deployedEnv(proxy.env));
    const before = invokes.requests.length;

    const created = await api(apiEvent('create-task'));
    expect(created.statusCode).toBe(202);
    expect(created.headers?.['content-type']).toMatch(/^application\/json/);
    const { id, status, message } = body(created);
    expect(status).toBe('pending');
    expect(message).toBe('Task created and processing started');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const [invoke] = invokes.requests.slice(before);
    expect(invoke.method).toBe('POST');
    expect(invoke.path).toBe(`/2015-03-31/functions/${WORKER}/invocations`);
    expect(invoke.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(invoke.body)).toEqual({ taskId: id });
    // The table's name is in TASKS_TABLE (the fleet's `uses`): no parameter lookup before the write.
    expect(proxy.operations()).toEqual(['dynamodb.PutItem']);

    const pending = body(await api(getEvent(id)));
    expect(pending).toMatchObject({ id, status: 'pending', description: 'Find me a landscaper in Charlotte under $300' });
    expect(pending.events.map((e: { message: string }) => e.message)).toEqual(['Task created']);

    // What Lambda does with the async event: runs the worker with the payload the API sent.
    const done = await worker(JSON.parse(invoke.body));
    expect(done).toEqual({
      taskId: id,
      status: 'completed',
      summary: 'Contact 3 landscaping contractors in Charlotte, quotes up to $300 USD (standard), within 3 days',
    });

    const task = body(await api(getEvent(id)));
    expect(task.status).toBe('completed');
    expect(task.summary).toBe(done.summary);
    expect(task.result.job).toMatchObject({
      category: 'landscaping',
      city: 'Charlotte',
      budget: { amount: 300, currency: 'USD', kind: 'max' },
    });
    expect(task.result.plan).toMatchObject({ vendorCategory: 'landscaping contractors', budgetBand: 'standard', vendorsToContact: 3 });
    expect(task.events.map((e: { type: string; message: string }) => [e.type, e.message.split(':')[0]])).toEqual([
      ['info', 'Task created'],
      ['info', 'Worker started processing'],
      ['info', 'Parsed request'],
      ['success', 'Plan ready'],
    ]);
    expect(task.updated_at >= task.created_at).toBe(true);
    expect(proxy.operations({ service: 'ssm' })).toEqual([]);
    expect(proxy.operations({ service: 'dynamodb' })).toEqual([
      'dynamodb.PutItem',
      'dynamodb.GetItem',
      'dynamodb.UpdateItem',
      'dynamodb.UpdateItem',
      'dynamodb.GetItem',
    ]);
  });

  it('lists tasks newest first, honouring ?limit', async () => {
    const dynamo = new DynamoDBClient(emu.clientConfig);
    const at = ['2031-01-02T00:00:00.000Z', '2031-03-04T00:00:00.000Z', '2031-02-03T00:00:00.000Z'];
    for (const [i, created_at] of at.entries()) {
      const task = { id: `list-${i}`, description: `cleaner #${i}`, status: 'pending', events: [], created_at, updated_at: created_at };
      await dynamo.send(new PutItemCommand({ TableName: table, Item: toItem(task) }));
    }
    dynamo.destroy();
    setEnv(deployedEnv(emu.env));

    const res = await api(apiEvent('list-tasks'));
    expect(res.statusCode).toBe(200);
    const list = body(res) as Array<{ id: string; created_at: string }>;
    expect(list.slice(0, 3).map((t) => t.id)).toEqual(['list-1', 'list-2', 'list-0']);
    const times = list.map((t) => t.created_at);
    expect(times).toEqual([...times].sort().reverse());

    const two = await api({ ...apiEvent('list-tasks'), queryStringParameters: { limit: '2' } });
    expect(body(two).map((t: { id: string }) => t.id)).toEqual(['list-1', 'list-2']);
    expect((await api({ ...apiEvent('list-tasks'), queryStringParameters: { limit: 'lots' } })).statusCode).toBe(400);
  });

  it('answers 404 JSON for a missing task', async () => {
    setEnv(deployedEnv(emu.env));
    const res = await api(apiEvent('missing-task'));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(body(res)).toEqual({ error: 'task not found', id: 'does-not-exist' });
  });

  it('answers 400 for bad JSON or a missing description, touching nothing', async () => {
    const proxy = await emu.proxy();
    setEnv(deployedEnv(proxy.env));
    const before = invokes.requests.length;
    const bad = await api(apiEvent('create-task-bad-json'));
    expect(bad.statusCode).toBe(400);
    expect(body(bad)).toEqual({ error: 'request body is not valid JSON' });
    const missing = await api(apiEvent('create-task-missing-description'));
    expect(missing.statusCode).toBe(400);
    expect(body(missing)).toEqual({ error: 'description is required (a non-empty string)' });
    expect((await api(createEvent('   '))).statusCode).toBe(400);
    expect((await api({ ...createEvent('x'), body: '[1,2]' })).statusCode).toBe(400);
    expect((await api(createEvent('x'.repeat(2001)))).statusCode).toBe(400);
    expect(proxy.operations()).toEqual([]);
    expect(invokes.requests.length).toBe(before);
  });

  it('marks the task as error and answers 502 when the worker cannot be started', async () => {
    const proxy = await emu.proxy();
    // Through the proxy this time, answering Invoke the way Lambda does for a function that is not there.
    proxy.addFault({
      match: { service: 'lambda', operation: 'Invoke' },
      respond: faults.awsError({ status: 404, code: 'ResourceNotFoundException', message: `Function not found: ${WORKER}` }),
    });
    setEnv({ ...deployedEnv(proxy.env), AWS_ENDPOINT_URL_LAMBDA: undefined });
    const res = await api(apiEvent('create-task'));
    expect(res.statusCode).toBe(502);
    const { id, status } = body(res);
    expect(status).toBe('error');
    expect(proxy.operations()).toEqual(['dynamodb.PutItem', 'lambda.Invoke', 'dynamodb.UpdateItem']);
    const task = body(await api(getEvent(id)));
    expect(task.status).toBe('error');
    expect(task.error_message).toBe(`could not start the worker: Function not found: ${WORKER}`);
    expect(task.events.at(-1)).toMatchObject({ type: 'error' });
  });

  it('ends a task it cannot plan in error, with the reason', async () => {
    setEnv(deployedEnv(emu.env));
    const { id } = body(await api(createEvent('Please help with my taxes in Boston')));
    const out = await worker({ taskId: id });
    expect(out).toMatchObject({ taskId: id, status: 'error', error: expect.stringMatching(/could not tell which service/) });
    const task = body(await api(getEvent(id)));
    expect(task.status).toBe('error');
    expect(task.error_message).toBe(out.error);
    expect(task.events.at(-1)).toMatchObject({ type: 'error', message: `Processing failed: ${out.error}` });
  });

  it('skips a task that is already completed (a duplicate async delivery)', async () => {
    setEnv(deployedEnv(emu.env));
    const { id } = body(await api(createEvent('Need a plumber in Austin TX asap, budget $400')));
    expect((await worker({ task_id: id })).status).toBe('completed');
    const events = body(await api(getEvent(id))).events.length;
    expect(await worker({ taskId: id })).toEqual({ taskId: id, status: 'completed', skipped: true });
    expect(body(await api(getEvent(id))).events).toHaveLength(events);
  });

  it('reports a missing task and rejects an event without a task id', async () => {
    setEnv(deployedEnv(emu.env));
    expect(await worker({ taskId: 'no-such-task' })).toEqual({ taskId: 'no-such-task', status: 'missing' });
    await expect(worker({})).rejects.toThrow(/taskId/);
    setEnv({ ...deployedEnv(emu.env), TASKS_TABLE: undefined });
    await expect(worker({ taskId: 'x' })).rejects.toThrow("TASKS_TABLE is not set (the function needs uses: { tasks: 'readwrite' })");
  });
});
