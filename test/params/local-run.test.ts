import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import type { Fleet } from '../../src/config/types.js';
import { localParams } from '../../src/invoke/local-run.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { freeLoopbackPort } from '../support/moto.js';
import { paramsFleet, uniqueApp } from './fleet.js';

/** Param values for local runs: the stage's SSM store when reachable, else `.env.<stage>`, and which. */
describe('localParams', () => {
  const emu = useEmulator();
  const setup = async (dotenv?: string): Promise<{ fleet: Fleet; app: string }> => {
    const app = uniqueApp('lp');
    const dir = await paramsFleet(app);
    if (dotenv !== undefined) await writeFile(path.join(dir, '.env.dev'), dotenv);
    return { app, fleet: await loadFleet({ cwd: dir, stage: 'dev', env: {} }) };
  };
  const fn = (fleet: Fleet, key: string) => fleet.functions.find((f) => f.key === key)!;
  const put = (name: string, value: string, secure = false) =>
    new SSMClient(emu.clientConfig).send(new PutParameterCommand({ Name: name, Value: value, Type: secure ? 'SecureString' : 'String' }));

  it('reads the store (decrypted) when it is reachable, in one call, and says so', async () => {
    const { fleet, app } = await setup('db-url=from-file\n');
    await put(`/${app}/dev/db-url`, 'from-ssm');
    await put(`/${app}/dev/api/key`, 'secret-from-ssm', true);
    const proxy = await emu.proxy();
    const r = await localParams(fleet, fn(fleet, 'api'), { env: proxy.env as NodeJS.ProcessEnv });
    expect(r).toEqual({
      env: { OPS_PARAM_VALUE_DB_URL: 'from-ssm', OPS_PARAM_VALUE_API_KEY: 'secret-from-ssm' },
      source: `SSM /${app}/dev/`,
      missing: [],
    });
    expect(proxy.operations()).toEqual(['ssm.GetParameters']);
  });

  it('fills what the store lacks from .env.<stage>, resolved params included, naming both', async () => {
    const { fleet, app } = await setup('API_SECRET=s-from-file\nfeature-flags=a,b\n');
    await put(`/${app}/dev/api/secret`, 's-from-ssm', true);
    const r = await localParams(fleet, fn(fleet, 'worker'), { env: emu.env as NodeJS.ProcessEnv });
    expect(r.env).toEqual({ OPS_PARAM_VALUE_API_SECRET: 's-from-ssm', OPS_PARAM_VALUE_FEATURE_FLAGS: 'a,b' });
    expect(r.source).toBe(`SSM /${app}/dev/ and .env.dev`);
    expect(r.missing).toEqual([]);
  });

  it('names a param kept at a path of its own by that path, not as under the stage prefix (seed 002)', async () => {
    const app = uniqueApp('lp');
    const dir = await paramsFleet(app, {
      extraParams: `'openai-api-key': { path: '/${app}/openai-api-key', secure: true },`,
      workerParams: `'openai-api-key'`,
    });
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    const missing = await localParams(fleet, fn(fleet, 'worker'), { env: emu.env as NodeJS.ProcessEnv });
    // `ops invoke --local` says "worker reads ..., not set in <source>": /app/dev/ alone sent the user to the wrong place.
    expect(missing).toMatchObject({ source: `SSM /${app}/dev/, /${app}/openai-api-key` });
    expect(missing.missing).toContain('openai-api-key');
    await put(`/${app}/openai-api-key`, 'sk-1', true);
    const found = await localParams(fleet, fn(fleet, 'worker'), { env: emu.env as NodeJS.ProcessEnv });
    expect(found.env.OPS_PARAM_VALUE_OPENAI_API_KEY).toBe('sk-1');
    expect(found.source).toBe(`SSM /${app}/dev/, /${app}/openai-api-key`);
  });

  it('without credentials it does not call AWS and reads .env.<stage>', async () => {
    const { fleet } = await setup('db-url=from-file\n');
    const proxy = await emu.proxy();
    const env = { ...proxy.env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } as NodeJS.ProcessEnv;
    const r = await localParams(fleet, fn(fleet, 'api'), { env });
    expect(r).toEqual({ env: { OPS_PARAM_VALUE_DB_URL: 'from-file' }, source: '.env.dev', missing: ['api/key'] });
    expect(proxy.requests).toEqual([]);
    // The old call shape (no options) reads only the file.
    expect((await localParams(fleet, fn(fleet, 'api'))).source).toBe('.env.dev');
  });

  it('an unreachable or hanging store falls back to .env.<stage> quickly, with a debug line', async () => {
    const { fleet, app } = await setup('db-url=from-file\nAPI_KEY=k\n');
    const logs: string[] = [];
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const down = await localParams(fleet, fn(fleet, 'api'), {
      env: { ...emu.env, AWS_ENDPOINT_URL: closed } as NodeJS.ProcessEnv,
      log: (m) => logs.push(m),
    });
    expect(down).toMatchObject({ source: '.env.dev', missing: [] });
    expect(logs[0]).toMatch(new RegExp(`^params: SSM /${app}/dev/ not used \\(.+\\); reading .env.dev$`));

    const proxy = await emu.proxy();
    proxy.addFault({ match: { service: 'ssm' }, respond: { label: 'hang', action: () => ({ kind: 'delay', ms: 5_000 }) } });
    const started = Date.now();
    const slow = await localParams(fleet, fn(fleet, 'api'), { env: proxy.env as NodeJS.ProcessEnv, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(slow).toMatchObject({ env: { OPS_PARAM_VALUE_DB_URL: 'from-file', OPS_PARAM_VALUE_API_KEY: 'k' }, source: '.env.dev' });
    expect(proxy.operations()).toEqual(['ssm.GetParameters']); // one attempt, no retries
  });

  it('ops invoke --local says where the values came from: the store after `ops params set`, else the file', async () => {
    const app = uniqueApp('lp');
    const dir = await paramsFleet(app);
    await writeFile(path.join(dir, '.env.dev'), 'db-url=from-file\nAPI_KEY=k\n');
    const ops = (args: string[], stdin?: string) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });
    const fromFile = await ops(['invoke', 'api', '--local']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toContain('params from .env.dev');
    await ops(['params', 'set', 'db-url', 'from-ssm']);
    await ops(['params', 'set', 'api/key', '--stdin'], 'k-ssm');
    const fromSsm = await ops(['invoke', 'api', '--local']);
    expect(fromSsm.code, fromSsm.stderr).toBe(0);
    expect(fromSsm.stderr).toContain(`params from SSM /${app}/dev/`);
    expect(fromSsm.stderr).not.toContain('k-ssm');
  });
});
