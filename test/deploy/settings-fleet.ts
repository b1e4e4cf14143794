import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Topics and names the fleet refers to (the topics exist outside ops: the test creates them). */
export interface SettingsFleetRefs {
  app: string;
  alertsTopic: string;
  triggerTopic: string;
  /** Subnets and a security group of one VPC that exist (the deploy preflight checks them); default made-up ids. */
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
}

/**
 * A fleet in a temp dir with triggers, alarms and function settings on two functions: seed 003's
 * scheduled detector (schedules, alarms, inline policies, reserved concurrency, X-Ray, arm64, storage,
 * tags) and its SNS-triggered executor (filter policy, VPC, async invocation with an on-failure destination).
 */
export async function settingsFleet(refs: SettingsFleetRefs): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${refs.app}-`));
  for (const fn of ['detector', 'executor']) {
    await mkdir(path.join(dir, 'src', fn), { recursive: true });
    await writeFile(path.join(dir, 'src', fn, 'handler.ts'), `export const handler = async (e: unknown) => ({ fn: '${fn}', e });\n`);
  }
  await writeFile(path.join(dir, 'ops.config.ts'), settingsConfigText(refs));
  return dir;
}

export function settingsConfigText(refs: SettingsFleetRefs): string {
  return `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${refs.app}',
  region: 'us-east-1',
  tags: { project: 'cloudops' },
  functions: {
    detector: {
      handler: 'src/detector/handler.ts',
      description: 'Detects domain issues every five minutes',
      timeout: 300,
      memory: 512,
      tracing: 'Active',
      architecture: 'arm64',
      ephemeralStorage: 1024,
      reservedConcurrency: 3,
      tags: { Environment: 'production', Service: 'detector' },
      triggers: [
        { schedule: 'rate(5 minutes)' },
        { schedule: 'cron(0 12 * * ? *)', name: 'noon', input: { full: true }, enabled: false, description: 'daily sweep' },
      ],
      alarms: [
        { metric: 'Errors', threshold: 1, snsTopicArn: '${refs.alertsTopic}' },
        { metric: 'Duration', name: 'slow', description: 'p99 over 250 s: check the downstream API', threshold: 250000, snsTopicArn: '${refs.alertsTopic}', periodSeconds: 60, evaluationPeriods: 3 },
      ],
      permissions: [
        { Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'], Resource: 'arn:aws:bedrock:*:*:agent/*' },
        { Action: 'sns:Publish', Resource: '${refs.alertsTopic}' },
      ],
    },
    executor: {
      handler: 'src/executor/handler.ts',
      timeout: 900,
      triggers: [{ sns: '${refs.triggerTopic}', filterPolicy: { action: ['approve'] } }],
      vpc: ${JSON.stringify(refs.vpc ?? { subnetIds: ['subnet-0a1', 'subnet-0b2'], securityGroupIds: ['sg-0rds'] })},
      async: { maxRetries: 0, maxEventAgeSeconds: 600, onFailure: 'detector' },
    },
  },
});
`;
}
