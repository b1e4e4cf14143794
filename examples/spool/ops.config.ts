import { defineFleet } from 'ops';

// Seed 002 (Spool exercise service): one Python function in the VPC's private subnets, next to
// RDS PostgreSQL, behind an HTTP API. Stage `production` reads all six of the seed's Parameter Store
// keys where they are (/spool/openai-api-key, ..., /spool/cors-origins) and serves the seed's URL (the
// API's `production` stage); any other stage has its own params at /spool/<stage>/... and the API's
// $default stage. The VPC, subnets, security group, RDS, Pinecone and OpenAI exist outside ops.
export default ({ stage }: { stage: string }) => {
  const production = stage === 'production';
  // The seed's keys, in place, for production only: a test stage never reads production's secrets.
  const seedKey = (name: string) => (production ? { path: `/spool/${name}` } : {});
  return defineFleet({
    app: 'spool',
    region: 'us-east-1',
    // "All resources are tagged with Environment and Service."
    tags: { Environment: stage, Service: 'exercise-service' },
    defaults: { runtime: 'python3.12', logRetentionDays: 30 },
    params: {
      'openai-api-key': { secure: true, description: 'OpenAI API key', ...seedKey('openai-api-key') },
      'pinecone-api-key': { secure: true, description: 'Pinecone API key', ...seedKey('pinecone-api-key') },
      'postgres-url': {
        secure: true,
        description: 'postgresql://user:password@host:5432/db of the RDS instance',
        ...seedKey('postgres-url'),
      },
      environment: { description: "Environment setting: 'production' turns on the database health check", ...seedKey('environment') },
      'pinecone-index-name': { description: 'Pinecone index holding the course material', ...seedKey('pinecone-index-name') },
      'cors-origins': { description: 'JSON list of origins the service answers CORS for, e.g. ["*"]', ...seedKey('cors-origins') },
    },
    // The seed's base URL is https://<api-id>.execute-api.us-east-1.amazonaws.com/production.
    api: {
      ...(production ? { stage: 'production' } : {}),
      cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['content-type', 'authorization'] },
    },
    functions: {
      'exercise-service': {
        handler: 'exercise_service/lambda_function.lambda_handler',
        description: 'Spool exercise generation, evaluation and remediation',
        memory: 1024,
        timeout: 30,
        routes: ['GET /health', 'POST /api/exercise/generate', 'POST /api/exercise/evaluate', 'POST /api/exercise/remediate'],
        params: [
          'openai-api-key',
          'pinecone-api-key',
          'postgres-url',
          // Plain settings the seed passes as environment variables: resolved at deploy time.
          { name: 'environment', env: 'ENVIRONMENT', resolve: true },
          { name: 'pinecone-index-name', env: 'PINECONE_INDEX_NAME', resolve: true },
          { name: 'cors-origins', env: 'CORS_ORIGINS', resolve: true },
        ],
        vpc: {
          subnetIds: ['subnet-0abc1234def567890', 'subnet-0abc1234def567891'],
          securityGroupIds: ['sg-0abc1234def567890'],
        },
      },
    },
  });
};
