import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, inject, onTestFinished, type TestContext, vi } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

export const EMULATOR_REGION = 'us-east-1';

/** SDK client settings for talking to the emulator directly from a test. */
export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** A fault proxy in front of the shared moto, with settings that point at it. */
export interface EmulatorProxy extends FaultProxy {
  env: Record<string, string | undefined>;
  clientConfig: EmulatorClientConfig;
}

export interface Emulator {
  /** The run's counting proxy in front of moto: every request through it is counted. */
  url: string;
  region: string;
  /**
   * Environment for ops (in-process via `stubEnv()`, or `{ ...process.env, ...env }` for a spawn):
   * endpoint, region and dummy credentials set; profiles, session tokens and the developer's
   * ~/.aws files switched off so nothing real can be reached. `undefined` means "unset".
   */
  env: Record<string, string | undefined>;
  clientConfig: EmulatorClientConfig;
  /** Applies `env` to `process.env` for the current test; restored when the test finishes. */
  stubEnv(env?: Record<string, string | undefined>): void;
  /**
   * A fresh fault proxy in front of moto for the current test, closed when the test finishes.
   * Call it inside a test (pass the test context for `test.concurrent`).
   */
  proxy(context?: Pick<TestContext, 'onTestFinished'>): Promise<EmulatorProxy>;
}

/**
 * The emulator tier: call inside a `describe` (or at the top of a file). Every test of that block
 * is counted in the run's "emulator tier" summary line.
 *
 * One moto serves the whole run and test files run in parallel against it, and it is never reset
 * between tests: give each test its own app name / stage (e.g. a random suffix) so resources never
 * collide, and never assert on account-wide listings without filtering to your own names.
 */
export function useEmulator(): Emulator {
  const url = inject('motoUrl');
  const logPath = inject('emulatorLog');
  if (!url || !logPath) throw new Error('the emulator is not running: test/support/global-setup.ts must be the globalSetup');

  beforeEach((context) => {
    appendFileSync(logPath, `${JSON.stringify(context.task.fullName)}\n`);
  });

  const env = emulatorEnv(url);
  return {
    url,
    region: EMULATOR_REGION,
    env,
    clientConfig: clientConfigFor(url),
    stubEnv(overrides = env) {
      for (const [key, value] of Object.entries(overrides)) vi.stubEnv(key, value);
      onTestFinished(() => void vi.unstubAllEnvs());
    },
    async proxy(context) {
      const proxy = await startFaultProxy({ target: url });
      (context?.onTestFinished ?? onTestFinished)(() => proxy.close());
      return Object.assign(proxy, { env: emulatorEnv(proxy.url), clientConfig: clientConfigFor(proxy.url) });
    },
  };
}

/**
 * The stage lease's own calls (`deploy`, `rollback` and `destroy` create and delete one SSM
 * parameter): tests that count what a deploy writes to the fleet leave them out.
 */
export const isLeaseCall = (q: { service: string; operation: string }) =>
  q.service === 'ssm' && (q.operation === 'PutParameter' || q.operation === 'DeleteParameter');

export function emulatorEnv(endpoint: string): Record<string, string | undefined> {
  const nowhere = join(tmpdir(), 'ops-emulator-no-aws-files', 'none');
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  };
}

export function clientConfigFor(endpoint: string): EmulatorClientConfig {
  return { endpoint, region: EMULATOR_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}
