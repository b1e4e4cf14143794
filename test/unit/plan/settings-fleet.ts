import { resolveFleet } from '../../../src/config/resolve.js';
import type { Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';

export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:cloudops-alerts';
export const TRIGGER_TOPIC = 'arn:aws:sns:us-east-1:123456789012:execution-trigger';
export const SHARED_LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3';

/**
 * A fleet config using the triggers, alarms and settings a function can have besides code and routes (schedules,
 * an SNS trigger, alarms, inline policies, layers, concurrency, tracing, VPC, async invocation, storage,
 * architecture): seed 003's detector and executor, seed 004's worker, seed 002's VPC service.
 */
export function settingsFleetConfig(): Record<string, any> {
  return {
    app: 'tasks',
    region: 'us-east-1',
    tags: { project: 'ops' },
    functions: {
      detector: {
        handler: 'src/detector/handler.ts',
        triggers: [
          { schedule: 'rate(5 minutes)' },
          { schedule: 'cron(0 12 * * ? *)', name: 'noon', input: { full: true }, enabled: false, description: 'daily sweep' },
        ],
        alarms: [
          { metric: 'Errors', threshold: 1, snsTopicArn: TOPIC },
          { metric: 'Duration', threshold: 5000, snsTopicArn: TOPIC, evaluationPeriods: 3, periodSeconds: 60 },
          { metric: 'Errors', threshold: 10, snsTopicArn: TOPIC, comparison: 'GreaterThanThreshold', statistic: 'Average' },
        ],
        permissions: [
          { Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'], Resource: 'arn:aws:bedrock:*:*:agent/*' },
          { Action: 'sns:Publish', Resource: 'arn:aws:sns:*:*:cloudops-alerts' },
        ],
        reservedConcurrency: 5,
        provisionedConcurrency: 2,
        tracing: 'Active',
      },
      executor: {
        handler: 'src/executor/lambda_function.py',
        triggers: [{ sns: TRIGGER_TOPIC, filterPolicy: { action: ['approve'] } }],
        layers: [{ path: 'layers/sdk', requirements: 'layers/sdk/requirements.txt' }, SHARED_LAYER],
        timeout: 900,
        memory: 1024,
      },
      worker: {
        handler: 'src/worker/handler.ts',
        async: { maxRetries: 0, maxEventAgeSeconds: 600, onFailure: 'detector' },
        vpc: { subnetIds: ['subnet-b2', 'subnet-a1'], securityGroupIds: ['sg-rds'] },
        ephemeralStorage: 1024,
        architecture: 'arm64',
        description: 'exercise service',
        tags: { Environment: 'production', Service: 'exercise-service' },
        layers: [{ path: 'layers/sdk', requirements: 'layers/sdk/requirements.txt' }],
      },
    },
  };
}

/** The config validated and resolved for stage `dev` (every path exists). */
export function resolveConfig(raw: Record<string, any>, stage = 'dev'): Fleet {
  const { fleet, problems } = validateFleet(raw, { stage, exists: () => true });
  if (!fleet) throw new Error(`invalid config: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return resolveFleet(fleet, { stage, root: '/proj', configPath: '/proj/ops.config.ts', exists: () => true });
}

export const settingsFleet = () => resolveConfig(settingsFleetConfig());
