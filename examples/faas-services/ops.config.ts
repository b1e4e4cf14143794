import { defineFleet } from 'ops';

/** The seed's `pythonRequirements: { layer: true }`: what the services share, built into one layer. */
const sdkLayer = { path: 'layers/motadata-ai-sdk', requirements: 'layers/motadata-ai-sdk/requirements.txt', name: 'motadata-ai-sdk' };

/** Connection URLs carry passwords: read at runtime from secure params, never put in the environment. */
const connections = ['database-url', 'redis-url'];

// Seed 001 (FaaS services, `service: motadata-ai-services`): three Python services behind one REST
// API (API Gateway v1, as serverless.yml's `http` events and SAM's `AWS::Serverless::Api` build),
// stage `prod`, each service on its own `{proxy+}` prefix, sharing a layer. The seed's `${env:...}`
// inputs are params: connection URLs secure, the services' own URLs plain and resolved at deploy time.
export default defineFleet({
  app: 'motadata-ai-services',
  region: 'us-east-1',
  defaults: {
    runtime: 'python3.12',
    memory: 512,
    timeout: 30,
    logRetentionDays: 30,
    environment: { ENABLE_NATS: 'false', ENABLE_OTEL: 'false' },
  },
  params: {
    'database-url': { secure: true, description: 'DATABASE_URL: postgresql://user:password@host:5432/db' },
    'redis-url': { secure: true, description: 'REDIS_URL: rediss://:password@host:6379/0' },
    'llm/api-key': { secure: true, description: "The LLM provider's API key, used by gateway-service" },
    // On this fleet's own API the base URL ends with the stage: https://{id}.execute-api.us-east-1.amazonaws.com/prod
    'gateway-service-url': { description: 'GATEWAY_SERVICE_URL: base URL the other services reach gateway-service at' },
    'rag-service-url': { description: 'RAG_SERVICE_URL: base URL agent-service reaches rag-service at' },
    'cache-service-url': { description: 'CACHE_SERVICE_URL: base URL of the cache service' },
  },
  // SAM's `StageName: prod`: clients keep https://{id}.execute-api.us-east-1.amazonaws.com/prod/api/v1/...
  // Its `Cors` (AllowMethods, AllowHeaders, AllowOrigin all '*'): an OPTIONS preflight per route's resource.
  api: { type: 'rest', stage: 'prod', cors: { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] } },
  functions: {
    'agent-service': {
      handler: 'services/agent_service/lambda_handler.handler',
      description: 'Motadata agent service',
      routes: ['ANY /api/v1/agents/{proxy+}'],
      environment: { SERVICE_NAME: 'agent-service', SERVICE_PORT: '8080' },
      layers: [sdkLayer],
      params: [
        ...connections,
        { name: 'gateway-service-url', env: 'GATEWAY_SERVICE_URL', resolve: true },
        { name: 'rag-service-url', env: 'RAG_SERVICE_URL', resolve: true },
        { name: 'cache-service-url', env: 'CACHE_SERVICE_URL', resolve: true },
      ],
    },
    'rag-service': {
      handler: 'services/rag_service/lambda_handler.handler',
      description: 'Motadata retrieval service',
      routes: ['ANY /api/v1/rag/{proxy+}'],
      environment: { SERVICE_NAME: 'rag-service', SERVICE_PORT: '8082', RAG_DOCUMENTS_BUCKET: 'motadata-ai-rag-documents' },
      layers: [sdkLayer],
      params: connections,
      permissions: [
        { Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::motadata-ai-rag-documents/documents/*' },
        { Action: 's3:ListBucket', Resource: 'arn:aws:s3:::motadata-ai-rag-documents' },
      ],
    },
    'gateway-service': {
      handler: 'services/gateway_service/lambda_handler.handler',
      description: 'Motadata LLM gateway',
      memory: 1024,
      timeout: 60,
      routes: ['ANY /api/v1/gateway/{proxy+}'],
      environment: { SERVICE_NAME: 'gateway-service', SERVICE_PORT: '8080', LLM_MODELS: 'gpt-4o-mini,gpt-4o' },
      layers: [sdkLayer],
      params: [...connections, 'llm/api-key'],
    },
  },
});
