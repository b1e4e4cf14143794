import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { paramEnvName, upperSnake } from '../../src/config/naming.js';
import * as params from '../../src/functions/_shared/params.js';
import { useEmulator } from '../support/emulator.js';
import { uniqueSuffix, useTestEnv } from './support/helpers.js';

const setEnv = useTestEnv();

describe('params helper: naming and local values', () => {
  beforeEach(() => params.resetParams());

  it('derives env names the way ops sets them (src/config/naming.ts)', () => {
    for (const name of ['tasks-table', 'amadeus/client-id', 'amadeus/client-secret', 'a.b_c-d/e']) {
      expect(params.paramEnvSuffix(name)).toBe(upperSnake(name));
      expect(params.paramNameEnv(name)).toBe(paramEnvName(name));
      expect(params.paramValueEnv(name)).toBe(`OPS_PARAM_VALUE_${upperSnake(name)}`);
    }
  });

  it('uses OPS_PARAM_VALUE_* without calling SSM', async () => {
    setEnv({
      OPS_PARAM_VALUE_TASKS_TABLE: 'local-table',
      OPS_PARAM_TASKS_TABLE: '/tasks/dev/tasks-table',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(await params.getParams(['tasks-table'])).toEqual({ 'tasks-table': 'local-table' });
    expect(params.paramsStats.getParametersCalls).toBe(0);
  });

  it('names the env vars when a param is not declared', async () => {
    setEnv({ OPS_PARAM_NOPE: undefined, OPS_PARAM_VALUE_NOPE: undefined });
    await expect(params.getParam('nope')).rejects.toThrow(/OPS_PARAM_NOPE nor OPS_PARAM_VALUE_NOPE/);
  });
});

describe('params helper against SSM (moto)', () => {
  const emu = useEmulator();
  const prefix = `/fn-params-${uniqueSuffix()}/dev`;
  const names = Array.from({ length: 12 }, (_, i) => `p${i}`);

  beforeAll(async () => {
    const ssm = new SSMClient(emu.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/tasks-table`, Value: 'tasks-from-ssm', Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: `${prefix}/amadeus/client-secret`, Value: 's3cr3t', Type: 'SecureString' }));
    for (const n of names) await ssm.send(new PutParameterCommand({ Name: `${prefix}/${n}`, Value: `value-${n}`, Type: 'String' }));
    ssm.destroy();
  });

  beforeEach(() => params.resetParams());

  it('reads and decrypts in one batched call, then serves from the cache', async () => {
    const proxy = await emu.proxy();
    setEnv({
      ...proxy.env,
      OPS_PARAM_TASKS_TABLE: `${prefix}/tasks-table`,
      OPS_PARAM_AMADEUS_CLIENT_SECRET: `${prefix}/amadeus/client-secret`,
    });
    const first = await params.getParams(['tasks-table', 'amadeus/client-secret']);
    expect(first).toEqual({ 'tasks-table': 'tasks-from-ssm', 'amadeus/client-secret': 's3cr3t' });
    expect(proxy.operations({ service: 'ssm' })).toEqual(['ssm.GetParameters']);

    expect(await params.getParam('amadeus/client-secret')).toBe('s3cr3t');
    expect(await params.getParams(['tasks-table'])).toEqual({ 'tasks-table': 'tasks-from-ssm' });
    expect(proxy.operations({ service: 'ssm' })).toHaveLength(1);
    expect(params.paramsStats.getParametersCalls).toBe(1);
  });

  it('splits more than 10 names into chunks of 10', async () => {
    const proxy = await emu.proxy();
    setEnv(proxy.env);
    for (const n of names) setEnv({ [params.paramNameEnv(n)]: `${prefix}/${n}` });
    const values = await params.getParams(names);
    expect(Object.values(values)).toEqual(names.map((n) => `value-${n}`));
    expect(proxy.operations({ service: 'ssm' })).toEqual(['ssm.GetParameters', 'ssm.GetParameters']);
  });

  it('fetches again once the TTL has passed', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, OPS_PARAM_TASKS_TABLE: `${prefix}/tasks-table`, OPS_PARAMS_TTL_SECONDS: '60' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await params.getParam('tasks-table');
      vi.setSystemTime(Date.now() + 59_000);
      await params.getParam('tasks-table');
      expect(proxy.operations({ service: 'ssm' })).toHaveLength(1);
      vi.setSystemTime(Date.now() + 2_000);
      await params.getParam('tasks-table');
      expect(proxy.operations({ service: 'ssm' })).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports every parameter SSM does not have', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, OPS_PARAM_GONE: `${prefix}/gone`, OPS_PARAM_ALSO_GONE: `${prefix}/also-gone` });
    await expect(params.getParams(['gone', 'also-gone'])).rejects.toThrow(
      new RegExp(`not found: ${prefix}/also-gone, ${prefix}/gone|not found: ${prefix}/gone, ${prefix}/also-gone`),
    );
  });
});
