import { describe, expect, it } from 'vitest';
import { isNotFound, isRolePropagation, isThrottling, toUserError } from '../../src/aws/errors.js';
import { WriteLimiter } from '../../src/aws/limiter.js';
import { mapCors, mapFunctionConfiguration, parsePolicyDocument } from '../../src/aws/map.js';
import { mapLimit } from '../../src/aws/pool.js';
import { retryPolicy, withConflictRetry, withRolePropagationRetry, withThrottleRetry } from '../../src/aws/retry.js';
import { UserError } from '../../src/errors.js';

const sdkError = (name: string, message = name, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });

/** A policy whose sleeps are recorded, not waited. */
function recordingPolicy(overrides: Parameters<typeof retryPolicy>[0] = {}) {
  const slept: number[] = [];
  const policy = retryPolicy({ sleep: async (ms) => void slept.push(ms), jitter: (ms) => ms, ...overrides });
  return { policy, slept };
}

/** Fails with `errors` in turn, then returns 'done'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'done';
  };
  return { fn, calls: () => calls };
}

describe('retry helpers', () => {
  it('withConflictRetry retries ResourceConflictException with the configured delays, nothing else', async () => {
    const { policy, slept } = recordingPolicy({ conflictDelaysMs: [10, 20, 30] });
    const conflict = sdkError('ResourceConflictException', 'An update is in progress');
    const ok = failing(conflict, conflict);
    expect(await withConflictRetry(ok.fn, undefined, policy)).toBe('done');
    expect(slept).toEqual([10, 20]);

    const other = failing(sdkError('InvalidParameterValueException'));
    await expect(withConflictRetry(other.fn, undefined, policy)).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    expect(other.calls()).toBe(1);

    const forever = failing(conflict, conflict, conflict, conflict, conflict);
    await expect(withConflictRetry(forever.fn, undefined, policy)).rejects.toBe(conflict);
    expect(forever.calls()).toBe(4);
  });

  it('withRolePropagationRetry says why it waits, attempt by attempt', async () => {
    const { policy, slept } = recordingPolicy({ propagationDelaysMs: [1_000, 2_000, 3_000] });
    const propagation = sdkError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
    const waits: string[] = [];
    const op = failing(propagation, propagation);
    expect(await withRolePropagationRetry(op.fn, (reason) => waits.push(reason), policy)).toBe('done');
    expect(waits).toEqual([
      'waiting for the new IAM role to propagate (attempt 2)',
      'waiting for the new IAM role to propagate (attempt 3)',
    ]);
    expect(slept).toEqual([1_000, 2_000]);
    // Other InvalidParameterValueExceptions are real errors.
    const bad = failing(sdkError('InvalidParameterValueException', 'Unzipped size must be smaller than 262144000 bytes'));
    await expect(withRolePropagationRetry(bad.fn, undefined, policy)).rejects.toThrow('Unzipped size');
  });

  it('the default propagation budget is about a minute', () => {
    const total = retryPolicy().propagationDelaysMs.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(50_000);
    expect(total).toBeLessThanOrEqual(70_000);
  });

  it('withThrottleRetry honours Retry-After and does not tell the limiter again (the client middleware heard each attempt)', async () => {
    const { policy, slept } = recordingPolicy({ throttleDelaysMs: [100, 100] });
    const limiter = new WriteLimiter({ rate: 10 });
    const throttled = sdkError('TooManyRequestsException', 'Rate exceeded', { retryAfterSeconds: '2', $metadata: { httpStatusCode: 429 } });
    const op = failing(throttled, sdkError('Throttling', 'Rate exceeded'));
    expect(await withThrottleRetry(op.fn, { limiter, policy })).toBe('done');
    expect(slept).toEqual([2_000, 100]);
    expect(limiter.stats()).toMatchObject({ rate: 10, throttles: 0 });
  });
});

describe('error classification and translation', () => {
  it("knows each service's not-found, throttling and propagation errors", () => {
    for (const name of ['ResourceNotFoundException', 'NoSuchEntityException', 'NotFoundException', 'ParameterNotFound'])
      expect(isNotFound(sdkError(name))).toBe(true);
    expect(isNotFound(sdkError('ValidationException'))).toBe(false);
    for (const name of ['ThrottlingException', 'Throttling', 'TooManyRequestsException']) expect(isThrottling(sdkError(name))).toBe(true);
    expect(isThrottling(sdkError('LimitExceededException'))).toBe(false); // an IAM quota, not a rate
    expect(
      isRolePropagation(sdkError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.')),
    ).toBe(true);
  });

  it('turns what the user can fix into one-line UserErrors with hints', () => {
    const cases: [unknown, RegExp][] = [
      [
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
        /^no AWS credentials found$/,
      ],
      [sdkError('ExpiredTokenException', 'The security token included in the request is expired'), /^the AWS credentials have expired$/],
      [sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.'), /^AWS rejected the credentials/],
      [
        sdkError(
          'AccessDenied',
          'User: arn:aws:iam::1:user/x is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::1:role/ops/a/b/r',
        ),
        /^access denied: .* may not call iam:CreateRole on arn:aws:iam::1:role\/ops\/a\/b\/r$/,
      ],
      [
        Object.assign(sdkError('AccessDeniedException', 'no details'), { $opsOperation: 'lambda.GetFunction' }),
        /may not call lambda:GetFunction$/,
      ],
      [
        Object.assign(new Error('getaddrinfo ENOTFOUND lambda.us-esat-1.amazonaws.com'), {
          code: 'ENOTFOUND',
          hostname: 'lambda.us-esat-1.amazonaws.com',
        }),
        /is "us-esat-1" an AWS region\?$/,
      ],
    ];
    for (const [error, message] of cases) {
      const translated = toUserError(error, { region: 'us-esat-1' });
      expect(translated).toBeInstanceOf(UserError);
      expect((translated as UserError).message).toMatch(message);
      expect((translated as UserError).hint).toBeTruthy();
      expect((translated as UserError).cause).toBe(error);
    }
    const refused = toUserError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }), {
      endpointUrl: 'http://localhost:4566',
    });
    expect((refused as UserError).message).toBe('cannot reach http://localhost:4566 (ECONNREFUSED)');
    expect((refused as UserError).hint).toContain('--endpoint-url');
    // Anything else is left alone (the executor decides).
    const conflict = sdkError('ResourceConflictException');
    expect(toUserError(conflict)).toBe(conflict);
  });
});

describe('mapping SDK shapes', () => {
  it('decodes URL-encoded IAM documents and always gives a Statement array', () => {
    const doc = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a b/*' } };
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual({ ...doc, Statement: [doc.Statement] });
    expect(parsePolicyDocument(JSON.stringify(doc)).Statement).toHaveLength(1);
  });

  it("fills Lambda's defaults into a sparse configuration", () => {
    expect(
      mapFunctionConfiguration({
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: 'arn:r',
        VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
      }),
    ).toEqual({
      runtime: 'python3.12',
      handler: 'app.handler',
      memory: 128,
      timeout: 3,
      architecture: 'x86_64',
      ephemeralStorage: 512,
      description: '',
      environment: {},
      role: 'arn:r',
      layers: [],
      tracing: 'PassThrough',
    });
    expect(
      mapFunctionConfiguration({
        Architectures: ['arm64'],
        Layers: [{ Arn: 'arn:layer:1' }],
        VpcConfig: { SubnetIds: ['s-1'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
        TracingConfig: { Mode: 'Active' },
        EphemeralStorage: { Size: 1024 },
      }),
    ).toMatchObject({
      architecture: 'arm64',
      layers: ['arn:layer:1'],
      vpc: { subnetIds: ['s-1'], securityGroupIds: ['sg-1'] },
      tracing: 'Active',
      ephemeralStorage: 1024,
    });
  });

  it('maps CORS, treating an empty configuration as none', () => {
    expect(mapCors({ AllowOrigins: ['*'], AllowHeaders: [], MaxAge: 0 })).toEqual({ allowOrigins: ['*'], maxAge: 0 });
    expect(mapCors({})).toBeUndefined();
  });

  it('mapLimit keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([...Array(20).keys()], 4, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([...Array(20).keys()].map((n) => n * 2));
    expect(peak).toBe(4);
  });
});
