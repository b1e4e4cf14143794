import { afterEach, describe, expect, test } from 'vitest';
import { invokeOnce, LocalWorker } from '../../../src/invoke/local/index.js';
import { lambdaLine, workerOptions } from './helpers.js';

const workers: LocalWorker[] = [];
async function start(handler: string, overrides: Parameters<typeof workerOptions>[2] = {}): Promise<LocalWorker> {
  const worker = await LocalWorker.start(workerOptions('node', handler, overrides));
  workers.push(worker);
  return worker;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
});

describe('node runtime', () => {
  test('an async handler returns its result, with a cold start on the first invoke only', async () => {
    const worker = await start('index.echo');
    const first = await worker.invoke({ event: { id: 1 }, requestId: 'req-1' });
    expect(first).toMatchObject({ ok: true, timedOut: false, requestId: 'req-1', result: { received: { id: 1 } } });
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(first.maxRssMB).toBeGreaterThan(10);
    const second = await worker.invoke({ event: 'two' });
    expect(second.result).toEqual({ received: 'two' });
    expect(second.initDurationMs).toBeUndefined();
    expect(second.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a callback handler answers through the callback', async () => {
    const result = await invokeOnce(workerOptions('node', 'index.callback'), { event: { a: 1 } });
    expect(result).toMatchObject({ ok: true, result: { via: 'callback', event: { a: 1 } } });
  });

  test('after the callback, Lambda waits for the event loop to drain unless told not to', async () => {
    const worker = await start('index.callbackWaits');
    const waits = await worker.invoke({ event: {} });
    expect(waits.result).toBe('answered');
    expect(waits.durationMs).toBeGreaterThanOrEqual(280);
    expect(waits.logs).toContain('timer done');

    const noWait = await invokeOnce(workerOptions('node', 'index.callbackNoWait'), { event: {} });
    expect(noWait.result).toBe('no wait');
    expect(noWait.durationMs).toBeLessThan(1000);
  });

  test('a handler that throws gives Lambda’s error document and the worker stays warm', async () => {
    const worker = await start('index.throws');
    const result = await worker.invoke({ event: {}, requestId: 'req-err' });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(false);
    expect(result.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(result.error?.stackTrace?.[0]).toBe('TypeError: bad input');
    expect(result.logs).toMatch(lambdaLine('req-err', 'ERROR', 'Invoke Error {"errorType":"TypeError"'));
    const again = await worker.invoke({ event: {} });
    expect(again.initDurationMs).toBeUndefined();
  });

  test('console output is captured with Lambda’s prefix and never corrupts the result', async () => {
    const streamed: string[] = [];
    const worker = await start('index.logs', { onLog: (chunk) => streamed.push(chunk) });
    const result = await worker.invoke({ event: { name: 'ada' }, requestId: 'req-log' });
    expect(result.result).toEqual({ ok: true });
    expect(result.logs).toMatch(lambdaLine('req-log', 'INFO', 'hello from ada'));
    expect(result.logs).toMatch(lambdaLine('req-log', 'ERROR', 'an error line'));
    expect(result.logs).toContain('raw write\n');
    expect(streamed.join('')).toBe(result.logs);
    const next = await worker.invoke({ event: { name: 'bob' }, requestId: 'req-log-2' });
    expect(next.logs).not.toContain('ada');
    expect(next.logs).toMatch(lambdaLine('req-log-2', 'INFO', 'hello from bob'));
  });

  test('a timeout kills the process and the next invoke gets a fresh one', async () => {
    const worker = await start('index.sleep', { timeoutSec: 1 });
    const slow = await worker.invoke({ event: { ms: 3000 } });
    expect(slow).toMatchObject({
      ok: false,
      timedOut: true,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(slow.durationMs).toBeGreaterThanOrEqual(990);
    expect(slow.durationMs).toBeLessThan(2500);
    const fast = await worker.invoke({ event: { ms: 1 } });
    expect(fast).toMatchObject({ ok: true, result: 'woke up' });
    expect(fast.initDurationMs).toBeGreaterThan(0);
  });

  test('a warm worker keeps module state across invokes', async () => {
    const worker = await start('index.counter');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await worker.invoke({ event: {} }));
    expect(results.map((r) => (r.result as { count: number }).count)).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => (r.result as { pid: number }).pid)).size).toBe(1);
  });

  test('concurrent invokes are served one at a time', async () => {
    const worker = await start('index.counter');
    const results = await Promise.all([1, 2, 3].map(() => worker.invoke({ event: {} })));
    expect(results.map((r) => (r.result as { count: number }).count)).toEqual([1, 2, 3]);
  });

  test('the context carries Lambda’s fields and a shrinking remaining time', async () => {
    const result = await invokeOnce(workerOptions('node', 'index.context', { memoryMB: 512, timeoutSec: 7, accountId: '123456789012' }), {
      event: {},
      requestId: 'req-ctx',
    });
    const ctx = result.result as Record<string, unknown>;
    expect(ctx).toMatchObject({
      functionName: 'tasks-dev-fixture',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:tasks-dev-fixture',
      memoryLimitInMB: '512',
      awsRequestId: 'req-ctx',
      logGroupName: '/aws/lambda/tasks-dev-fixture',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(ctx.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(ctx.first).toBeLessThanOrEqual(7000);
    expect(ctx.first).toBeGreaterThan(6000);
    expect(ctx.second as number).toBeLessThanOrEqual((ctx.first as number) - 40);
  });

  test('the environment has the caller’s variables and Lambda’s own, not the host’s', async () => {
    process.env.OPS_TEST_HOST_SECRET = 'leak';
    const names = [
      'TABLE_NAME',
      'AWS_ACCESS_KEY_ID',
      'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_FUNCTION_VERSION',
      'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'LAMBDA_TASK_ROOT',
      '_HANDLER',
      'TZ',
      'NODE_PATH',
      'AWS_EXECUTION_ENV',
      'OPS_TEST_HOST_SECRET',
    ];
    const options = workerOptions('node', 'index.env', { env: { TABLE_NAME: 'tasks', AWS_ACCESS_KEY_ID: 'AKIDLOCAL' } });
    const result = await invokeOnce(options, { event: { names } });
    delete process.env.OPS_TEST_HOST_SECRET;
    expect(result.result).toEqual({
      TABLE_NAME: 'tasks',
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_LAMBDA_FUNCTION_NAME: 'tasks-dev-fixture',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/tasks-dev-fixture',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      LAMBDA_TASK_ROOT: options.codeDir,
      _HANDLER: 'index.env',
      TZ: ':UTC',
      NODE_PATH: options.codeDir,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      OPS_TEST_HOST_SECRET: null,
    });
  });

  test('process.exit in a handler is a Runtime.ExitError and the worker restarts', async () => {
    const worker = await start('index.exits');
    const result = await worker.invoke({ event: {}, requestId: 'req-exit' });
    expect(result.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: req-exit Error: Runtime exited with error: exit status 3',
    });
    const again = await worker.invoke({ event: {} });
    expect(again.error?.errorType).toBe('Runtime.ExitError');
    expect(again.initDurationMs).toBeGreaterThan(0);
  });

  test('an uncaught exception answers the invoke with that error, then the process is replaced', async () => {
    const worker = await start('index.uncaught');
    const result = await worker.invoke({ event: {} });
    expect(result.error).toMatchObject({ errorType: 'RangeError', errorMessage: 'thrown from a timer' });
    expect(result.logs).toContain('Uncaught Exception');
    await expect(worker.invoke({ event: {} })).resolves.toMatchObject({ initDurationMs: expect.any(Number) });
  });

  test('the V8 heap is capped from memoryMB: a runaway handler dies as Runtime.OutOfMemory', async () => {
    const result = await invokeOnce(workerOptions('node', 'index.hog', { memoryMB: 128, timeoutSec: 20 }), { event: {} });
    expect(result.error?.errorType).toBe('Runtime.OutOfMemory');
    expect(result.logs).toContain('JavaScript heap out of memory');
  });

  test('results Lambda cannot serialise, undefined, and nested handler paths', async () => {
    const big = await invokeOnce(workerOptions('node', 'index.unserialisable'), { event: {} });
    expect(big.error?.errorType).toBe('Runtime.MarshalError');
    const none = await invokeOnce(workerOptions('node', 'index.nothing'), { event: {} });
    expect(none).toMatchObject({ ok: true, result: null });
    const nested = await invokeOnce(workerOptions('node', 'index.nested.deeper.handler'), { event: {} });
    expect(nested.result).toBe('nested handler');
  });

  test('large results travel intact; above 6 MB Lambda refuses them', async () => {
    const worker = await start('index.big');
    const fine = await worker.invoke({ event: { bytes: 5_000_000 } });
    expect((fine.result as string).length).toBe(5_000_000);
    const tooBig = await worker.invoke({ event: { bytes: 6_500_000 } });
    expect(tooBig.error?.errorType).toBe('Function.ResponseSizeTooLarge');
  });

  test('init errors come back on the invoke, as Lambda reports them', async () => {
    const missing = await invokeOnce(workerOptions('node', 'index.nope'), { event: {} });
    expect(missing.error).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported' });
    expect(missing.initDurationMs).toBeGreaterThan(0);
    const noModule = await invokeOnce(workerOptions('node', 'main.handler'), { event: {} });
    expect(noModule.error?.errorType).toBe('Runtime.ImportModuleError');
    expect(noModule.error?.errorMessage).toContain("Cannot find module 'main'");
    const malformed = await invokeOnce(workerOptions('node', 'index'), { event: {} });
    expect(malformed.error?.errorType).toBe('Runtime.MalformedHandlerName');
  });

  test('a .js handler outside an ES module scope is loaded as CommonJS', async () => {
    const result = await invokeOnce(workerOptions('node-cjs', 'index.handler'), { event: {} });
    expect(result.result).toEqual({ kind: 'object', file: 'index.js' });
  });
});
