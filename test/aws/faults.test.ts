import { describe, expect, it } from 'vitest';
import { waitForFunctionReady } from '../../src/aws/retry.js';
import { createFunction, createLogGroup, createRole, updateFunctionConfiguration } from '../../src/aws/write.js';
import { UserError } from '../../src/errors.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, FAST, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

async function deployedFunction(aws: ReturnType<typeof awsFor>, app: string) {
  const { arn } = await createRole(aws, roleSpec(app, 'dev', 'f'));
  const zip = await makeZip();
  const name = `${app}-dev-f`;
  const config = functionConfig(arn);
  await createFunction(aws, { name, config, zipPath: zip.zipPath, tags: { 'ops:app': app, 'ops:stage': 'dev' } });
  return { name, config };
}

const configuration = (state: Record<string, string>) =>
  faults.raw(200, JSON.stringify({ FunctionName: 'x', CodeSha256: 'abc', ...state }), { 'content-type': 'application/json' });

describe('AWS misbehaving, through the fault proxy and the real SDK', () => {
  it('ResourceConflictException on UpdateFunctionConfiguration twice, then success', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const { name, config } = await deployedFunction(aws, unique());
    const fault = proxy.addFault({
      match: { service: 'lambda', operation: 'UpdateFunctionConfiguration' },
      times: 2,
      respond: faults.resourceConflict(),
    });
    const waits: string[] = [];

    await updateFunctionConfiguration(aws, name, { ...config, memory: 1024 }, { onWait: (reason) => waits.push(reason) });

    expect(fault.hits).toBe(2);
    const updates = proxy.requests.filter((r) => r.operation === 'UpdateFunctionConfiguration').map((r) => r.status);
    expect(updates).toEqual([409, 409, 200]);
    expect(waits).toEqual([
      'waiting for an update in progress to finish (attempt 2)',
      'waiting for an update in progress to finish (attempt 3)',
    ]);
    expect((await (await aws.lambda()).getFunctionConfiguration({ FunctionName: name })).MemorySize).toBe(1024);
    aws.destroy();
  });

  it('a conflict that never ends fails after the bounded retries', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const { name, config } = await deployedFunction(aws, unique());
    proxy.addFault({ match: { service: 'lambda', operation: 'UpdateFunctionConfiguration' }, respond: faults.resourceConflict() });
    await expect(updateFunctionConfiguration(aws, name, { ...config, memory: 1024 })).rejects.toMatchObject({
      name: 'ResourceConflictException',
    });
    // 1 attempt + one per configured delay (5 in the test policy).
    expect(proxy.requests.filter((r) => r.operation === 'UpdateFunctionConfiguration')).toHaveLength(6);
    aws.destroy();
  });

  it('CreateFunction waits out IAM role propagation (~2 s), telling the caller why', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'p'));
    const zip = await makeZip();
    const fault = proxy.addFault({
      match: { service: 'lambda', operation: 'CreateFunction' },
      forMs: 2_000,
      respond: faults.iamRolePropagation(),
    });
    const waits: string[] = [];
    const started = Date.now();

    const created = await createFunction(
      aws,
      { name: `${app}-dev-p`, config: functionConfig(arn), zipPath: zip.zipPath, tags: { 'ops:app': app, 'ops:stage': 'dev' } },
      { onWait: (reason) => waits.push(reason) },
    );

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(created.codeSha256).toBe(zip.codeSha256);
    expect(fault.hits).toBeGreaterThanOrEqual(5);
    expect(waits).toHaveLength(fault.hits);
    expect(waits[0]).toBe('waiting for the new IAM role to propagate (attempt 2)');
    expect(waits[2]).toBe('waiting for the new IAM role to propagate (attempt 4)');
    aws.destroy();
  });

  it('role propagation that outlasts the budget surfaces the error', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { retry: { ...FAST.retry, propagationDelaysMs: [10, 10] } });
    const app = unique();
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'q'));
    const zip = await makeZip();
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, respond: faults.iamRolePropagation() });
    await expect(
      createFunction(aws, { name: `${app}-dev-q`, config: functionConfig(arn), zipPath: zip.zipPath, tags: {} }),
    ).rejects.toThrow('The role defined for the function cannot be assumed by Lambda.');
    expect(proxy.requests.filter((r) => r.operation === 'CreateFunction')).toHaveLength(3);
    aws.destroy();
  });

  it('a CreateFunction whose answer was lost is retried by the SDK and taken as created (it is ours, same code)', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'l'));
    const zip = await makeZip();
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 1, respond: faults.dropResponse() });
    const tags = { 'ops:app': app, 'ops:stage': 'dev' };
    const created = await createFunction(aws, { name: `${app}-dev-l`, config: functionConfig(arn), zipPath: zip.zipPath, tags });
    expect(created.codeSha256).toBe(zip.codeSha256);
    expect(proxy.requests.filter((r) => r.operation === 'CreateFunction').map((r) => r.status)).toEqual([0, 409]);

    // The same name with other code, or not ours: a UserError, never a takeover.
    const other = await makeZip('export const handler = async () => "other";');
    await expect(createFunction(aws, { name: `${app}-dev-l`, config: functionConfig(arn), zipPath: other.zipPath, tags })).rejects.toThrow(
      `lambda function ${app}-dev-l already exists with other code`,
    );
    await expect(
      createFunction(aws, {
        name: `${app}-dev-l`,
        config: functionConfig(arn),
        zipPath: zip.zipPath,
        tags: { 'ops:app': app, 'ops:stage': 'prod' },
      }),
    ).rejects.toThrow('and ops does not manage it');
    aws.destroy();
  });

  it('throttling: the SDK retries, then ours; the write limiter hears every throttled attempt', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { maxAttempts: 2 });
    const name = `/aws/lambda/${unique()}-dev-t`;
    // 2 SDK attempts fail, our retry's first round fails too, the next succeeds.
    const fault = proxy.addFault({ match: { service: 'logs', operation: 'CreateLogGroup' }, times: 3, respond: faults.throttling() });
    const before = aws.limiterFor('logs', 'CreateLogGroup').stats().rate;

    await createLogGroup(aws, name, 7);

    expect(fault.hits).toBe(3);
    expect(proxy.requests.filter((r) => r.operation === 'CreateLogGroup').map((r) => r.status)).toEqual([400, 400, 400, 200]);
    const after = aws.limiterFor('logs', 'CreateLogGroup').stats();
    expect(after.throttles).toBe(3);
    expect(after.throttledShare).toBeGreaterThan(0);
    // Three throttles after a clean start do not dominate the recent calls: no cut (src/aws/limiter.ts).
    expect(after.rate).toBe(before);
    const logs = await aws.logs();
    const groups = await logs.describeLogGroups({ logGroupNamePrefix: name });
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(7);
    aws.destroy();
  });

  it("CloudWatch Logs' quotas are per operation: throttled CreateLogGroup calls do not slow PutRetentionPolicy", async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { maxAttempts: 2 });
    proxy.addFault({ match: { service: 'logs', operation: 'CreateLogGroup' }, times: 3, respond: faults.throttling() });

    await createLogGroup(aws, `/aws/lambda/${unique()}-dev-q`, 7);

    expect(aws.limiterFor('logs', 'CreateLogGroup').stats().throttles).toBe(3);
    // One bucket per operation, as AWS counts them (5/s each); Lambda's quota is per service.
    expect(aws.limiterFor('logs', 'PutRetentionPolicy').stats().throttles).toBe(0);
    expect(aws.limiterFor('lambda', 'CreateFunction')).toBe(aws.limiterFor('lambda', 'PublishVersion'));
    aws.destroy();
  });

  it('Lambda 429 with Retry-After on reads, and a dropped connection, do not break readActual', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { maxAttempts: 1 });
    const app = unique();
    await deployedFunction(aws, app);
    proxy.addFault({
      match: { service: 'lambda', operation: 'GetFunction' },
      times: 1,
      respond: faults.throttling({ retryAfterSeconds: 1 }),
    });
    proxy.addFault({ match: { service: 'lambda', operation: 'GetAlias' }, times: 1, respond: faults.throttling({ retryAfterSeconds: 1 }) });
    const started = Date.now();
    const actual = await readActual(aws, { app, stage: 'dev' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // Retry-After honoured
    expect(Object.keys(actual.functions)).toEqual([`${app}-dev-f`]);
    aws.destroy();

    const retrying = awsFor(proxy.env); // default SDK attempts: a dropped connection is retried by the SDK
    proxy.addFault({ match: { service: 'iam', operation: 'ListRoles' }, times: 1, respond: faults.dropConnection() });
    expect(Object.keys((await readActual(retrying, { app, stage: 'dev' })).roles)).toEqual([`${app}-dev-f`]);
    retrying.destroy();
  });

  it('waitForFunctionReady polls while Pending or InProgress, and fails with the reason on Failed', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const { name } = await deployedFunction(aws, unique());
    proxy.clearLog();
    proxy.addFault({ match: { operation: 'GetFunctionConfiguration' }, times: 1, respond: configuration({ State: 'Pending' }) });
    proxy.addFault({
      match: { operation: 'GetFunctionConfiguration' },
      times: 1,
      respond: configuration({ State: 'Active', LastUpdateStatus: 'InProgress' }),
    });
    const waits: string[] = [];
    expect(await waitForFunctionReady(aws, name, { onWait: (r) => waits.push(r) })).toMatchObject({
      state: 'Active',
      lastUpdateStatus: 'Successful',
    });
    expect(proxy.requests.filter((r) => r.operation === 'GetFunctionConfiguration')).toHaveLength(3);
    expect(waits).toEqual([`waiting for ${name} to become ready (Pending)`, `waiting for ${name} to become ready (update in progress)`]);

    proxy.addFault({
      match: { operation: 'GetFunctionConfiguration' },
      times: 1,
      respond: configuration({
        State: 'Active',
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReason: 'The security group sg-1 does not exist',
      }),
    });
    const error = await waitForFunctionReady(aws, name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`the update of lambda function ${name} failed: The security group sg-1 does not exist`);

    proxy.addFault({ match: { operation: 'GetFunctionConfiguration' }, respond: configuration({ State: 'Pending' }) });
    await expect(waitForFunctionReady(aws, name)).rejects.toThrow(`lambda function ${name} is still Pending after 2 s`);
    aws.destroy();
  });
});
