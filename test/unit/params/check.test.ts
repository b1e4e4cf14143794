import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { createAws } from '../../../src/aws/clients.js';
import type { Fleet, FunctionSpec, ParamSpec, ParamUse } from '../../../src/config/types.js';
import { missingParams, paramSetHint, resolveParamValues } from '../../../src/params/check.js';
import { uniqueApp } from '../../params/fleet.js';
import { useEmulator } from '../../support/emulator.js';

/** Just the fields check.ts reads, for a unique app. */
function fleetOf(app: string, params: Omit<ParamSpec, 'path' | 'readers'>[], uses: Record<string, Partial<ParamUse>[]>): Fleet {
  const path = (name: string) => `/${app}/dev/${name}`;
  const functions = Object.entries(uses).map(
    ([key, list]) =>
      ({
        key,
        params: list.map((u) => ({ env: 'X', resolve: false, secure: false, ...u, path: path(u.name!) })),
      }) as FunctionSpec,
  );
  return {
    app,
    stage: 'dev',
    params: params.map((p) => ({
      ...p,
      path: path(p.name),
      readers: functions.filter((f) => f.params.some((u) => u.name === p.name)).map((f) => f.key),
    })),
    functions,
  } as Fleet;
}

const plain = (name: string) => ({ name, secure: false, plaintextEnv: false });
const secure = (name: string, plaintextEnv = false) => ({ name, secure: true, plaintextEnv });

describe('missingParams and resolveParamValues against the emulator', () => {
  const emu = useEmulator();
  const put = (name: string, value: string, type: 'String' | 'SecureString' = 'String') =>
    new SSMClient(emu.clientConfig).send(new PutParameterCommand({ Name: name, Value: value, Type: type }));

  it('names every declared param without a value, with its readers, in one GetParameters per 10 names', async () => {
    const app = uniqueApp('mp');
    const names = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const fleet = fleetOf(app, names.map(plain), { a: names.slice(0, 6).map((name) => ({ name })), b: [{ name: 'p05' }, { name: 'p11' }] });
    for (const n of ['p00', 'p02', 'p04', 'p06', 'p08']) await put(`/${app}/dev/${n}`, 'v');

    const proxy = await emu.proxy();
    const aws = createAws({ region: 'us-east-1', env: proxy.env as NodeJS.ProcessEnv });
    const missing = await missingParams(aws, fleet);
    expect(missing).toEqual([
      { name: 'p01', path: `/${app}/dev/p01`, readers: ['a'] },
      { name: 'p03', path: `/${app}/dev/p03`, readers: ['a'] },
      { name: 'p05', path: `/${app}/dev/p05`, readers: ['a', 'b'] },
      { name: 'p07', path: `/${app}/dev/p07`, readers: [] },
      { name: 'p09', path: `/${app}/dev/p09`, readers: [] },
      { name: 'p10', path: `/${app}/dev/p10`, readers: [] },
      { name: 'p11', path: `/${app}/dev/p11`, readers: ['b'] },
    ]);
    expect(proxy.operations()).toEqual(['ssm.GetParameters', 'ssm.GetParameters']);

    // With functions: only what they read, readers among them.
    proxy.clearLog();
    const forB = await missingParams(aws, fleet, [fleet.functions[1]]);
    expect(forB).toEqual([
      { name: 'p05', path: `/${app}/dev/p05`, readers: ['b'] },
      { name: 'p11', path: `/${app}/dev/p11`, readers: ['b'] },
    ]);
    expect(proxy.operations()).toEqual(['ssm.GetParameters']);

    // Nothing to check: no call at all.
    proxy.clearLog();
    expect(await missingParams(aws, fleet, [{ ...fleet.functions[0], params: [] }])).toEqual([]);
    expect(proxy.operations()).toEqual([]);
    aws.destroy();
  });

  it('resolves plain params used with resolve, and secure ones only with plaintextEnv, decrypted', async () => {
    const app = uniqueApp('rv');
    const fleet = fleetOf(app, [plain('table'), plain('by-name'), secure('token'), secure('env-ok', true), plain('unset')], {
      api: [
        { name: 'table', resolve: true },
        { name: 'by-name' },
        { name: 'token', resolve: true, secure: true },
        { name: 'env-ok', resolve: true, secure: true },
        { name: 'unset', resolve: true },
      ],
    });
    await put(`/${app}/dev/table`, 'tasks-dev');
    await put(`/${app}/dev/by-name`, 'not-resolved');
    await put(`/${app}/dev/token`, 'never-in-env', 'SecureString');
    await put(`/${app}/dev/env-ok`, 'allowed-in-env', 'SecureString');

    const proxy = await emu.proxy();
    const aws = createAws({ region: 'us-east-1', env: proxy.env as NodeJS.ProcessEnv });
    expect(await resolveParamValues(aws, fleet, fleet.functions)).toEqual({ table: 'tasks-dev', 'env-ok': 'allowed-in-env' });
    expect(proxy.operations()).toEqual(['ssm.GetParameters']);

    proxy.clearLog();
    expect(await resolveParamValues(aws, fleet, [])).toEqual({});
    expect(proxy.operations()).toEqual([]);
    aws.destroy();
  });

  it('paramSetHint is the exact command for the stage', () => {
    expect(paramSetHint({ stage: 'prod' }, 'amadeus/client-secret')).toBe('ops params set amadeus/client-secret --stage prod');
  });
});
