import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  exitMessage,
  functionArn,
  lambdaEnvironment,
  logStreamName,
  nodeMemoryFlags,
  resolveRegion,
  timeoutMessage,
} from '../../../src/invoke/local/lambda-env.js';
import { runtimeFile } from '../../../src/invoke/local/runtime-file.js';

describe('Lambda wording', () => {
  test.each([
    [3, 'Task timed out after 3.00 seconds'],
    [1, 'Task timed out after 1.00 seconds'],
    [900, 'Task timed out after 900.00 seconds'],
  ])('timeout after %s s', (seconds, message) => {
    expect(timeoutMessage(seconds)).toBe(message);
  });

  test.each([
    [1, null, 'RequestId: r Error: Runtime exited with error: exit status 1'],
    [null, 'SIGKILL', 'RequestId: r Error: Runtime exited with error: signal: killed'],
    [null, 'SIGABRT', 'RequestId: r Error: Runtime exited with error: signal: aborted'],
    [null, 'SIGUSR2', 'RequestId: r Error: Runtime exited with error: signal: SIGUSR2'],
    [0, null, 'RequestId: r Error: Runtime exited without providing a reason'],
  ] as const)('exit code %s signal %s', (code, signal, message) => {
    expect(exitMessage('r', code, signal)).toBe(message);
  });

  test('names', () => {
    expect(functionArn('eu-west-1', '123456789012', 'tasks-dev-api')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:tasks-dev-api');
    expect(logStreamName(new Date('2026-03-04T05:06:07Z'), 'a'.repeat(32))).toBe(`2026/03/04/[$LATEST]${'a'.repeat(32)}`);
  });

  test('V8 heap sized from the function memory', () => {
    expect(nodeMemoryFlags(1024)).toEqual(['--max-semi-space-size=51', '--max-old-space-size=922']);
    expect(nodeMemoryFlags(128)).toEqual(['--max-semi-space-size=6', '--max-old-space-size=116']);
  });
});

describe('lambdaEnvironment', () => {
  const opts = {
    runtime: 'python3.12' as const,
    handler: 'app.main',
    functionName: 'fn',
    memoryMB: 128,
    env: { A: '1', AWS_REGION: 'x', TZ: 'Europe/Paris' },
  };
  const sandbox = { codeDir: '/code', region: 'eu-central-1', logStreamName: 'stream' };

  test('host variables are limited to a few, the caller’s pass, Lambda’s own win', () => {
    const env = lambdaEnvironment(opts, sandbox, { PATH: '/bin', HOME: '/root', AWS_PROFILE: 'prod', SECRET: 's' });
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/root', A: '1', AWS_REGION: 'eu-central-1', TZ: ':UTC', _HANDLER: 'app.main' });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.SECRET).toBeUndefined();
    expect(env.NODE_PATH).toBeUndefined();
  });

  test('layers: /opt played by optDir, on PYTHONPATH after the task root and on NODE_PATH before it, as Lambda sets them', () => {
    const withOpt = { ...sandbox, optDir: '/opt-x' };
    expect(lambdaEnvironment(opts, withOpt, {}).PYTHONPATH).toBe('/opt-x/python/lib/python3.12/site-packages:/opt-x/python');
    expect(lambdaEnvironment({ ...opts, runtime: 'nodejs22.x' }, withOpt, {}).NODE_PATH).toBe(
      '/opt-x/nodejs/node22/node_modules:/opt-x/nodejs/node_modules:/code',
    );
    expect(lambdaEnvironment({ ...opts, runtime: 'nodejs22.x' }, sandbox, {}).NODE_PATH).toBe('/code');
    expect(lambdaEnvironment(opts, sandbox, {}).PYTHONPATH).toBeUndefined();
    // The function's own setting is kept, first.
    expect(lambdaEnvironment({ ...opts, env: { PYTHONPATH: '/mine' } }, withOpt, {}).PYTHONPATH).toBe(
      '/mine:/opt-x/python/lib/python3.12/site-packages:/opt-x/python',
    );
  });

  test('region: option, then the env given, then the host', () => {
    expect(resolveRegion({ region: 'a', env: { AWS_REGION: 'b' } }, { AWS_REGION: 'c' })).toBe('a');
    expect(resolveRegion({ env: { AWS_REGION: 'b' } }, { AWS_REGION: 'c' })).toBe('b');
    expect(resolveRegion({ env: {} }, { AWS_DEFAULT_REGION: 'd' })).toBe('d');
    expect(resolveRegion({ env: {} }, {})).toBe('us-east-1');
  });
});

describe('runtimeFile', () => {
  test('finds the shims next to the module, as from source', () => {
    const file = runtimeFile('node-runtime.mjs');
    expect(file.endsWith(path.join('src', 'invoke', 'local', 'runtime', 'node-runtime.mjs'))).toBe(true);
    expect(existsSync(runtimeFile('python-runtime.py'))).toBe(true);
  });

  test('finds dist/runtime from a bundle anywhere under dist, or says what is missing', () => {
    const root = path.resolve(path.dirname(runtimeFile('node-runtime.mjs')), '../../../..');
    // From a bundle at <root>/dist/cli/index.js the walk reaches src/ in a checkout.
    expect(runtimeFile('node-runtime.mjs', pathToFileURL(path.join(root, 'dist', 'cli', 'index.js')).href)).toMatch(
      /runtime\/node-runtime\.mjs$/,
    );
    expect(() => runtimeFile('node-runtime.mjs', pathToFileURL('/nowhere/dist/cli.js').href)).toThrow(/missing its local runtime/);
  });
});
