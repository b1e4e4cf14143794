import { defineFleet } from './src/config/define.js';

// The repo's own fleet, deployed by ops as its first user: a task API with an async
// worker (seed 004), a flight search that reads its API credentials from SecureString
// parameters (seed 000), a scheduled health check (seed 003) and a {proxy+} gateway (seed 001). The tasks
// table is the fleet's own: ops creates it and gives both task functions its name (TASKS_TABLE) and grants.
export default defineFleet({
  app: 'tasks',
  region: 'us-east-1',
  defaults: { runtime: 'nodejs22.x', memory: 256, timeout: 30, architecture: 'arm64', logRetentionDays: 30 },
  params: {
    'amadeus/client-id': { secure: true, description: 'Amadeus API client id' },
    'amadeus/client-secret': { secure: true, description: 'Amadeus API client secret' },
  },
  api: { cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['content-type'] } },
  tags: { project: 'ops-fleet' },
  resources: {
    // One item per task, by id (src/functions/_shared/tasks-store.ts). Kept on `ops destroy` (it holds data).
    tasks: { type: 'table', partitionKey: 'id' },
  },
  functions: {
    'tasks-api': {
      handler: 'src/functions/tasks-api/handler.ts',
      description: 'HTTP API for tasks: create, list, get',
      memory: 512,
      routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],
      invokes: ['tasks-worker'],
      uses: { tasks: 'readwrite' },
    },
    'tasks-worker': {
      handler: 'src/functions/tasks-worker/handler.ts',
      description: 'Processes a task asynchronously and records the outcome',
      timeout: 600,
      memory: 1024,
      uses: { tasks: 'readwrite' },
      async: { maxRetries: 1, maxEventAgeSeconds: 3600 },
    },
    'search-flights': {
      handler: 'src/functions/search_flights/lambda_function.lambda_handler',
      runtime: 'python3.12',
      description: 'Searches flight offers with the Amadeus API',
      architecture: 'x86_64',
      params: ['amadeus/client-id', 'amadeus/client-secret'],
      environment: { AMADEUS_BASE_URL: 'https://test.api.amadeus.com' },
    },
    'health-check': {
      handler: 'src/functions/health-check/handler.ts',
      description: 'Checks the fleet endpoints every five minutes',
      timeout: 60,
      environment: { TARGETS: '[]' },
      triggers: [{ schedule: 'rate(5 minutes)' }],
    },
    gateway: {
      handler: 'src/functions/gateway/handler.ts',
      description: 'Small service router behind ANY /api/{proxy+}',
      routes: ['ANY /api/{proxy+}'],
    },
  },
});
