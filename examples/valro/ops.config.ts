import { defineFleet } from 'ops';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/valro-tasks';
const AGENT_RUNTIME = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/valro_agent-Ab12Cd34Ef';
const WORKER_FAILURES = 'arn:aws:sqs:us-east-1:123456789012:valro-worker-failures';

// Seed 004 (Valro): an HTTP API Lambda that records a task in DynamoDB and hands it to a worker
// Lambda asynchronously; the worker runs the AgentCore agent for up to ten minutes. The table,
// the agent and the failure queue exist outside ops and are named here by ARN.
export default defineFleet({
  app: 'valro',
  region: 'us-east-1',
  defaults: { runtime: 'python3.12', logRetentionDays: 30 },
  api: { cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['*'] } },
  functions: {
    backend: {
      handler: 'backend/api/lambda_function.lambda_handler',
      root: 'backend',
      description: 'valro-backend: task API (create, list, poll)',
      memory: 512,
      timeout: 30,
      routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],
      invokes: ['worker'],
      environment: { DYNAMODB_TABLE_NAME: 'valro-tasks' },
      permissions: [{ Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'], Resource: TABLE }],
    },
    worker: {
      handler: 'backend/worker/worker_lambda.lambda_handler',
      root: 'backend',
      description: 'valro-worker: runs a task through the AgentCore agent',
      memory: 1024,
      timeout: 600,
      environment: { DYNAMODB_TABLE_NAME: 'valro-tasks', AGENT_RUNTIME_ARN: AGENT_RUNTIME },
      permissions: [
        { Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: TABLE },
        { Action: 'bedrock-agentcore:InvokeAgentRuntime', Resource: [AGENT_RUNTIME, `${AGENT_RUNTIME}/runtime-endpoint/*`] },
      ],
      // One retry for a crash or a timeout (agent failures are recorded on the task, not raised);
      // a task that waited an hour is not worth starting. ops grants sqs:SendMessage on the queue.
      async: { maxRetries: 1, maxEventAgeSeconds: 3600, onFailure: WORKER_FAILURES },
    },
  },
});
