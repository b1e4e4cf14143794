import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stub, startStub } from '../functions/support/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import {
  bodyOf,
  copyExample,
  expectNoDrift,
  invokeLocal,
  invokePayload,
  kindsFor,
  type Ops,
  opsFor,
  planJson,
  planResources,
  type ResolvedFleet,
  resolvedConfig,
  settingsOf,
  smokeLocal,
  uniqueStage,
  writesAmong,
} from './support.js';

const AGENT_RUNTIME = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/valro_agent-Ab12Cd34Ef';
const WORKER_FAILURES = 'arn:aws:sqs:us-east-1:123456789012:valro-worker-failures';

/** Seed 004: the task API and its asynchronous worker (retries, on-failure destination). */
describe('examples/valro (seed 004)', () => {
  const emu = useEmulator();
  const stage = uniqueStage();
  /** The fleet's tasks table on this stage: the deploy below makes it, the local runs after it use it. */
  const table = `valro-${stage}-tasks`;
  let dir: string;
  let ops: Ops;
  /** Stands in for Lambda's Invoke API and for the AgentCore runtime. */
  let stub: Stub;

  beforeAll(async () => {
    dir = await copyExample('valro');
    ops = opsFor(dir, stage, emu.env);
    stub = await startStub((req) => {
      if (/^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(req.path)) return { status: 202, body: '' };
      if (req.path.startsWith('/runtimes/') && req.path.endsWith('/invocations')) {
        const { prompt } = JSON.parse(req.body);
        if (String(prompt).includes('fail')) return { status: 500, body: { message: 'agent crashed' } };
        const answer = {
          message: 'I contacted 3 painters in Charlotte.',
          vendors: ['A1 Painting', 'Brush Bros', 'Coat Co'],
          quotes: [],
          emails_sent: 3,
        };
        return { body: { result: JSON.stringify(answer) } };
      }
      return { status: 404, body: {} };
    });
  });
  afterAll(() => stub?.close());

  it('ops config --json: API and worker with the seed memory and timeouts, the routes, the worker invocable', async () => {
    const fleet = await resolvedConfig(ops);
    expect(settingsOf(fleet)).toEqual({
      backend: { runtime: 'python3.12', memory: 512, timeout: 30, handler: 'api.lambda_function.lambda_handler' },
      worker: { runtime: 'python3.12', memory: 1024, timeout: 600, handler: 'worker.worker_lambda.lambda_handler' },
    });
    const [backend, worker] = fleet.functions;
    expect(backend.routes.map((r) => r.key)).toEqual(['POST /tasks', 'GET /tasks', 'GET /tasks/{id}']);
    expect(backend.environment).toMatchObject({ WORKER_FUNCTION_NAME: `valro-${stage}-worker:live` });
    expect(worker.environment).toMatchObject({ AGENT_RUNTIME_ARN: AGENT_RUNTIME });
    // The table is the fleet's `tasks`: both use it, and find its name in TASKS_TABLE.
    for (const fn of [backend, worker])
      expect(fn.uses).toEqual([{ resource: 'tasks', type: 'table', access: 'readwrite', env: 'TASKS_TABLE' }]);
    expect(fleet.resources.map((r) => [r.key, r.physicalName, r.adopt])).toEqual([['tasks', `valro-${stage}-tasks`, false]]);
    // prod (the seed's account) keeps the seed's name and adopts the table there.
    const prod = await runCli(['config', '--json', '--stage', 'prod'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.json<ResolvedFleet>().resources.map((r) => [r.key, r.physicalName, r.adopt])).toEqual([['tasks', 'valro-tasks', true]]);
    expect(fleet.api?.name).toBe(`valro-${stage}`);
  });

  describe('against the emulator', () => {
    // The on-failure queue exists outside ops (the deploy preflight checks it, as AWS would refuse a missing one).
    beforeAll(async () => {
      const sqs = new SQSClient(emu.clientConfig);
      await sqs.send(new CreateQueueCommand({ QueueName: 'valro-worker-failures' }));
      sqs.destroy();
    });

    const tableName = `valro-${stage}-tasks`;
    const tableArn = `arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}`;

    it('ops plan on an empty emulator: the table, both functions, their roles, the async settings and the HTTP API', async () => {
      const plan = await planJson(ops);
      expect(kindsFor(plan, 'backend')).toEqual(
        expect.arrayContaining(['role.create iam role', 'function.create lambda function', 'loggroup.create log group']),
      );
      expect(kindsFor(plan, 'worker')).toEqual(
        expect.arrayContaining(['role.create iam role', 'function.create lambda function', 'async.set async invocation']),
      );
      const routes = plan.changes.filter((c) => c.kind === 'route.create').map((c) => c.resource.name);
      expect(routes.sort()).toEqual(['GET /tasks', 'GET /tasks/{id}', 'POST /tasks']);
      expect(plan.changes.some((c) => c.kind === 'api.create')).toBe(true);
      expect(plan.changes.filter((c) => c.kind === 'table.create').map((c) => c.resource.name)).toEqual([tableName]);
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes: the worker retries once, drops hour-old events, sends failures to the queue', async () => {
      const r = await ops(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(ops);
      const lambda = new LambdaClient(emu.clientConfig);
      const api = await lambda.send(new GetFunctionCommand({ FunctionName: `valro-${stage}-backend` }));
      expect(api.Configuration).toMatchObject({ MemorySize: 512, Timeout: 30, Handler: 'api.lambda_function.lambda_handler' });
      const invokeConfig = await lambda.send(
        new GetFunctionEventInvokeConfigCommand({ FunctionName: `valro-${stage}-worker`, Qualifier: 'live' }),
      );
      expect(invokeConfig).toMatchObject({
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: WORKER_FAILURES } },
      });
      expect(api.Configuration?.Environment?.Variables?.TASKS_TABLE).toBe(tableName);
      lambda.destroy();

      // The seed's table: key id, on demand; each role's DynamoDB grants are on exactly its ARN.
      const ddb = new DynamoDBClient(emu.clientConfig);
      const t = (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
      expect([t?.TableArn, t?.KeySchema, t?.BillingModeSummary?.BillingMode]).toEqual([
        tableArn,
        [{ AttributeName: 'id', KeyType: 'HASH' }],
        'PAY_PER_REQUEST',
      ]);
      ddb.destroy();
      const iam = new IAMClient(emu.clientConfig);
      for (const fn of ['backend', 'worker']) {
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: `valro-${stage}-${fn}`, PolicyName: 'ops-function' }));
        const statements = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement as {
          Action: string | string[];
          Resource: string | string[];
        }[];
        const onTable = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
        expect(
          onTable.map((st) => [st.Resource].flat()),
          fn,
        ).toEqual([[tableArn]]);
        expect(
          statements.flatMap((st) => [st.Resource].flat()).filter((r) => r === '*'),
          fn,
        ).toEqual([]);
      }
      iam.destroy();
    });

    it('a second ops plan is empty, and a second deploy writes nothing', async () => {
      const r = await ops(['plan']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const proxy = await emu.proxy();
      const again = await runCli(['deploy', '--yes', '--stage', stage], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(again.code, again.stderr).toBe(0);
      expect(writesAmong(proxy.requests)).toEqual([]);
    });
  });

  // Local runs against the stage just deployed: TASKS_TABLE comes from `uses`, as the deploy sets it.
  describe('ops invoke --local, against the deployed table and a local agent', () => {
    const env = () => ({ AWS_ENDPOINT_URL_LAMBDA: stub.url, AGENTCORE_ENDPOINT_URL: stub.url });

    it('backend create-task: 202, the task pending, the worker invoked asynchronously with the task', async () => {
      const result = await invokeLocal(ops, 'backend', 'create-task', env());
      expect(result.statusCode).toBe(202);
      const created = bodyOf(result);
      expect(created).toMatchObject({ status: 'pending', message: 'Task created and processing started' });
      const invoke = stub.requests.find((q) => q.path.endsWith('/invocations') && q.path.startsWith('/2015-03-31/'));
      expect(decodeURIComponent(invoke?.path ?? '')).toBe(`/2015-03-31/functions/valro-${stage}-worker:live/invocations`);
      expect(invoke?.headers['x-amz-invocation-type']).toBe('Event');
      expect(JSON.parse(invoke?.body ?? '{}')).toEqual({
        task_id: created.id,
        description: 'Find me a landscaper in Charlotte under $300',
      });
    });

    it('backend create-task-missing-description: 400', async () => {
      const result = await invokeLocal(ops, 'backend', 'create-task-missing-description', env());
      expect([result.statusCode, bodyOf(result)]).toEqual([400, { error: 'description is required (a non-empty string)' }]);
    });

    it('worker process-task: the seed payload runs the agent and completes the task', async () => {
      const result = await invokeLocal(ops, 'worker', 'process-task', env());
      expect(result).toEqual({ task_id: 'test-123', status: 'completed' });
      const call = stub.requests.find((q) => q.path.startsWith('/runtimes/'));
      expect(call?.path).toBe(`/runtimes/${encodeURIComponent(AGENT_RUNTIME)}/invocations`);
      expect(call?.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toHaveLength(33);
      expect(call?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d+\/us-east-1\/bedrock-agentcore\/aws4_request/);
      // A retry of a completed task does nothing.
      expect(await invokeLocal(ops, 'worker', 'process-task', env())).toEqual({ task_id: 'test-123', status: 'completed', skipped: true });
    });

    it('backend get-task: the completed task with the agent answer and its timeline', async () => {
      const task = bodyOf(await invokeLocal(ops, 'backend', 'get-task', env()));
      expect(task).toMatchObject({
        id: 'test-123',
        status: 'completed',
        agent_response: 'I contacted 3 painters in Charlotte.',
        emails_sent: 3,
      });
      expect(task.events.map((e: { message: string }) => e.message)).toEqual([
        'Task created by a direct worker invoke',
        'Agent processing started',
        'Agent completed task successfully',
      ]);
    });

    it('backend list-tasks and the seed REST-style payload: every task, newest first', async () => {
      const tasks = bodyOf(await invokeLocal(ops, 'backend', 'list-tasks', env()));
      expect(tasks.map((t: { description: string }) => t.description)).toEqual([
        'Find me a painter',
        'Find me a landscaper in Charlotte under $300',
      ]);
      expect(bodyOf(await invokeLocal(ops, 'backend', 'list-tasks-rest', env()))).toEqual(tasks);
    });

    it('backend get-missing-task: 404', async () => {
      expect((await invokeLocal(ops, 'backend', 'get-missing-task', env())).statusCode).toBe(404);
    });

    it('worker: an agent failure is recorded on the task, not raised (no retry)', async () => {
      const out = await invokePayload(ops, 'worker', { task_id: `t-${stage}`, description: 'please fail' }, env());
      expect(out.ok).toBe(true);
      expect(out.result).toMatchObject({ status: 'error', error_message: expect.stringContaining('HTTP 500') });
      const ddb = new DynamoDBClient(emu.clientConfig);
      const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: `t-${stage}` } } }));
      expect(item.Item?.status?.S).toBe('error');
      ddb.destroy();
    });
  });

  it('ops smoke --local: the samples that carry expectations hold', async () => {
    await smokeLocal(ops);
  });

  describe('at the end', () => {
    const tableName = `valro-${stage}-tasks`;

    it('ops destroy --yes: the functions go, the table stays (it holds data)', async () => {
      const r = await ops(['destroy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`table ${tableName}: kept (holds data)`);
      const lambda = new LambdaClient(emu.clientConfig);
      await expect(lambda.send(new GetFunctionCommand({ FunctionName: `valro-${stage}-backend` }))).rejects.toThrow(/not found/i);
      lambda.destroy();
      const ddb = new DynamoDBClient(emu.clientConfig);
      expect((await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus).toBe('ACTIVE');
      ddb.destroy();
    });
  });
});
