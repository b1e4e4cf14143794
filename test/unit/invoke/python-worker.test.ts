import { execa } from 'execa';
import { afterEach, describe, expect, test } from 'vitest';
import { invokeOnce, LocalWorker } from '../../../src/invoke/local/index.js';
import { workerOptions } from './helpers.js';

const workers: LocalWorker[] = [];
async function start(handler: string, overrides: Parameters<typeof workerOptions>[2] = {}): Promise<LocalWorker> {
  const worker = await LocalWorker.start(workerOptions('python', handler, overrides));
  workers.push(worker);
  return worker;
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
});

// Whether this machine can run `python3.12` itself decides if the fallback warning is expected.
const hasPython312 = (await execa('python3.12', ['-c', 'import sys'], { reject: false })).exitCode === 0;

describe('python runtime', () => {
  test('a handler returns its result; the first result says which interpreter ran it', async () => {
    const warnings: string[] = [];
    const worker = await start('lambda_function.echo', { onWarning: (message) => warnings.push(message) });
    const first = await worker.invoke({ event: { id: 1 } });
    expect(first).toMatchObject({ ok: true, timedOut: false, result: { received: { id: 1 } } });
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(first.maxRssMB).toBeGreaterThan(1);
    if (hasPython312) {
      expect(first.warnings).toBeUndefined();
    } else {
      expect(first.warnings).toEqual([expect.stringMatching(/^python3\.12 not found; running with python3 \(3\.\d+\.\d+\)$/)]);
      expect(warnings).toEqual(first.warnings);
    }
    const second = await worker.invoke({ event: 2 });
    expect(second.result).toEqual({ received: 2 });
    expect(second.warnings).toBeUndefined();
    expect(second.initDurationMs).toBeUndefined();
  });

  test('an exception becomes Lambda’s error document and is logged like Lambda', async () => {
    const worker = await start('lambda_function.fails');
    const result = await worker.invoke({ event: { n: 7 } });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ errorType: 'ValueError', errorMessage: 'bad input: 7' });
    const trace = result.error?.stackTrace ?? [];
    expect(trace).toHaveLength(1);
    expect(trace[0]).toMatch(/lambda_function\.py", line \d+, in fails/);
    expect(result.logs).toContain('[ERROR] ValueError: bad input: 7\nTraceback (most recent call last):\n');
    expect((await worker.invoke({ event: { n: 8 } })).initDurationMs).toBeUndefined();
  });

  test('print() and the logging module are captured as logs, the result intact', async () => {
    const streamed: string[] = [];
    const worker = await start('lambda_function.prints', { onLog: (chunk) => streamed.push(chunk) });
    const result = await worker.invoke({ event: { name: 'ada' }, requestId: 'req-py' });
    expect(result.result).toEqual({ ok: true });
    expect(result.logs).toContain('hello from ada\n');
    expect(result.logs).toMatch(/^\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-py\tlogged at info$/m);
    expect(streamed.join('')).toBe(result.logs);
  });

  test('a nested module handler pkg.sub.mod.fn, with Decimal marshalled like Lambda', async () => {
    const result = await invokeOnce(workerOptions('python', 'pkg.sub.mod.fn'), { event: {} });
    expect(result.result).toEqual({ where: 'pkg.sub.mod', price: 12.5, qty: 3 });
  });

  test('a timeout kills the interpreter and the next invoke gets a fresh one', async () => {
    const worker = await start('lambda_function.sleep', { timeoutSec: 1 });
    const slow = await worker.invoke({ event: { s: 3 } });
    expect(slow).toMatchObject({
      ok: false,
      timedOut: true,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    const fast = await worker.invoke({ event: { s: 0 } });
    expect(fast).toMatchObject({ ok: true, result: 'woke up' });
    expect(fast.initDurationMs).toBeGreaterThan(0);
  });

  test('warm invokes share module state; the context has Lambda’s fields', async () => {
    const worker = await start('lambda_function.counter');
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(((await worker.invoke({ event: {} })).result as { count: number }).count);
    expect(counts).toEqual([1, 2, 3]);

    const options = workerOptions('python', 'lambda_function.context_fields', { memoryMB: 1024, timeoutSec: 9 });
    const ctx = (await invokeOnce(options, { event: {}, requestId: 'req-ctx' })).result as Record<string, unknown>;
    expect(ctx).toMatchObject({
      function_name: 'tasks-dev-fixture',
      function_version: '$LATEST',
      invoked_function_arn: 'arn:aws:lambda:eu-west-1:000000000000:function:tasks-dev-fixture',
      memory_limit_in_mb: '1024',
      aws_request_id: 'req-ctx',
      log_group_name: '/aws/lambda/tasks-dev-fixture',
    });
    expect(ctx.first).toBeGreaterThan(8000);
    expect(ctx.second as number).toBeLessThanOrEqual((ctx.first as number) - 40);
  });

  test('environment variables pass through', async () => {
    const names = ['TABLE_NAME', 'AWS_REGION', 'LAMBDA_TASK_ROOT', '_HANDLER', 'TZ', 'AWS_EXECUTION_ENV'];
    const options = workerOptions('python', 'lambda_function.env', { env: { TABLE_NAME: 'tasks' } });
    const result = await invokeOnce(options, { event: { names } });
    expect(result.result).toEqual({
      TABLE_NAME: 'tasks',
      AWS_REGION: 'eu-west-1',
      LAMBDA_TASK_ROOT: options.codeDir,
      _HANDLER: 'lambda_function.env',
      TZ: ':UTC',
      AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
    });
  });

  test('marshal, import and handler errors use Lambda’s error types', async () => {
    const marshal = await invokeOnce(workerOptions('python', 'lambda_function.unserialisable'), { event: {} });
    expect(marshal.error).toMatchObject({ errorType: 'Runtime.MarshalError' });
    expect(marshal.error?.errorMessage).toContain('Unable to marshal response: Object of type set is not JSON serializable');
    const noModule = await invokeOnce(workerOptions('python', 'app.handler'), { event: {} });
    expect(noModule.error).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Unable to import module 'app': No module named 'app'",
    });
    const noHandler = await invokeOnce(workerOptions('python', 'lambda_function.nope'), { event: {} });
    expect(noHandler.error).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: "Handler 'nope' missing on module 'lambda_function'",
    });
  });
});
