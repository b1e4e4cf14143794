import { defineFleet } from 'ops';

// Seed 002 (Spool exercise service): one Python function in the VPC's private subnets, next to
// RDS PostgreSQL, behind an HTTP API. The seed's /spool/... Parameter Store keys are declared
// params (stored at /spool/<stage>/...); the VPC, subnets, security group, RDS, Pinecone and
// OpenAI exist outside ops. Deploy with `--stage production` for the seed's names and tags.
export default ({ stage }: { stage: string }) =>
  defineFleet({
    app: 'spool',
    region: 'us-east-1',
    // "All resources are tagged with Environment and Service."
    tags: { Environment: stage, Service: 'exercise-service' },
    defaults: { runtime: 'python3.12', logRetentionDays: 30 },
    params: {
      'openai-api-key': { secure: true, description: 'OpenAI API key' },
      'pinecone-api-key': { secure: true, description: 'Pinecone API key' },
      'postgres-url': { secure: true, description: 'postgresql://user:password@host:5432/db of the RDS instance' },
      environment: { description: "Environment setting: 'production' turns on the database health check" },
      'pinecone-index-name': { description: 'Pinecone index holding the course material' },
      'cors-origins': { description: 'JSON list of origins the service answers CORS for, e.g. ["*"]' },
    },
    api: { cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['content-type', 'authorization'] } },
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
