import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Aws, type CreateAwsOptions, createAws } from '../../src/aws/clients.js';
import { rolePath } from '../../src/config/naming.js';
import type { FunctionConfiguration } from '../../src/model/actual.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import type { RoleSpec } from '../../src/plan/types.js';

/** A name no other test (or test file, running in parallel against the same moto) uses. */
export const unique = (prefix = 'app') => `${prefix}${randomBytes(3).toString('hex')}`;

/** Retries and waits shrunk to milliseconds; the limiter opened up. */
export const FAST = {
  retry: {
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    jitter: (ms: number) => ms,
    conflictDelaysMs: [20, 20, 20, 20, 20],
    propagationDelaysMs: Array.from({ length: 30 }, () => 200),
    throttleDelaysMs: [20, 20, 20],
    readyPollMs: [10],
    readyTimeoutMs: 2_000,
  },
  limiter: { rate: 200, burst: 50, maxConcurrency: 16 },
} satisfies Partial<CreateAwsOptions>;

export function awsFor(env: Record<string, string | undefined>, extra: Partial<CreateAwsOptions> = {}): Aws {
  return createAws({ region: 'us-east-1', env: env as NodeJS.ProcessEnv, ...FAST, ...extra });
}

export const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function roleSpec(app: string, stage: string, fn: string): RoleSpec {
  return {
    name: `${app}-${stage}-${fn}`,
    path: rolePath({ app, stage }),
    trustPolicy: LAMBDA_TRUST,
    policyName: 'ops',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `arn:aws:logs:*:*:log-group:/aws/lambda/${app}-${stage}-${fn}:*`,
        },
      ],
    },
    tags: { 'ops:app': app, 'ops:stage': stage },
  };
}

export function functionConfig(roleArn: string, overrides: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    memory: 256,
    timeout: 30,
    architecture: 'x86_64',
    ephemeralStorage: 512,
    description: '',
    environment: { OPS_APP: 'x' },
    role: roleArn,
    layers: [],
    tracing: 'PassThrough',
    ...overrides,
  };
}

/** A small deterministic zip on disk; `body` varies the code. */
export async function makeZip(body = 'export const handler = async (e) => e;'): Promise<{ zipPath: string; codeSha256: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ops-aws-test-'));
  const zipPath = join(dir, 'fn.zip');
  const result = await writeDeterministicZip([{ path: 'index.mjs', data: body }], zipPath);
  return { zipPath, codeSha256: result.codeSha256 };
}
