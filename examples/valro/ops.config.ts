import { defineFleet } from 'ops';

const AGENT_RUNTIME = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/valro_agent-Ab12Cd34Ef';
const WORKER_FAILURES = 'arn:aws:sqs:us-east-1:123456789012:valro-worker-failures';

// Seed 004 (Valro): an HTTP API Lambda that records a task in DynamoDB and hands it to a worker
// Lambda asynchronously; the worker runs the AgentCore agent for up to ten minutes. The tasks table
// is the fleet's own (`resources`); the agent and the failure queue exist outside ops, named by ARN.
export default ({ stage }: { stage: string }) =>
  defineFleet({
    app: 'valro',
    region: 'us-east-1',
    defaults: { runtime: 'python3.12', logRetentionDays: 30 },
    api: { cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['*'] } },
    resources: {
      // Seed step 2: `valro-tasks`, key id. In prod (the seed's account) it keeps that name and is adopted: the
      // frontend polls tasks already in it by id. Every other stage gets its own `valro-<stage>-tasks`.
      tasks: { type: 'table', partitionKey: 'id', ...(stage === 'prod' ? { name: 'valro-tasks', adopt: true } : {}) },
    },
    functions: {
      backend: {
        handler: 'backend/api/lambda_function.lambda_handler',
        root: 'backend',
        description: 'valro-backend: task API (create, list, poll)',
        memory: 512,
        timeout: 30,
        routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],
        invokes: ['worker'],
        uses: { tasks: 'readwrite' },
      },
      worker: {
        handler: 'backend/worker/worker_lambda.lambda_handler',
        root: 'backend',
        description: 'valro-worker: runs a task through the AgentCore agent',
        memory: 1024,
        timeout: 600,
        environment: { AGENT_RUNTIME_ARN: AGENT_RUNTIME },
        uses: { tasks: 'readwrite' },
        permissions: [{ Action: 'bedrock-agentcore:InvokeAgentRuntime', Resource: [AGENT_RUNTIME, `${AGENT_RUNTIME}/runtime-endpoint/*`] }],
        // One retry for a crash or a timeout (agent failures are recorded on the task, not raised);
        // a task that waited an hour is not worth starting. ops grants sqs:SendMessage on the queue.
        async: { maxRetries: 1, maxEventAgeSeconds: 3600, onFailure: WORKER_FAILURES },
      },
    },
  });
