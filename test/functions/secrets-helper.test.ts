import path from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { execa } from 'execa';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resourceEnvName } from '../../src/config/naming.js';
import * as params from '../../src/functions/_shared/params.js';
import { useEmulator } from '../support/emulator.js';
import { FUNCTIONS_DIR, uniqueSuffix, useTestEnv } from './support/helpers.js';

const setEnv = useTestEnv();

describe('secret helper (TypeScript and Python): the value of a declared secret, by its <KEY>_SECRET_NAME', () => {
  const emu = useEmulator();
  const name = `fn-secret-${uniqueSuffix()}-creds`;
  const empty = `fn-secret-${uniqueSuffix()}-empty`;

  beforeAll(async () => {
    const sm = new SecretsManagerClient(emu.clientConfig);
    await sm.send(new CreateSecretCommand({ Name: name }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: '{"clientId":"abc"}' }));
    await sm.send(new CreateSecretCommand({ Name: empty }));
    sm.destroy();
  });

  beforeEach(() => params.resetParams());

  it('names its variables as ops sets them (resourceEnvName)', () => {
    for (const key of ['creds', 'cognito-creds', 'a.b']) expect(params.secretNameEnv(key)).toBe(resourceEnvName(key, 'secret'));
  });

  it('reads the value once (GetSecretValue), then serves it from the cache', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, CREDS_SECRET_NAME: name });
    expect(await params.secret('creds')).toBe('{"clientId":"abc"}');
    expect(await params.secret('creds')).toBe('{"clientId":"abc"}');
    expect(proxy.operations({ service: 'secretsmanager' })).toEqual(['secretsmanager.GetSecretValue']);
  });

  it('a local value needs no AWS; an undeclared secret and one with no value are one clear error each', async () => {
    setEnv({ OPS_SECRET_VALUE_CREDS: 'local', CREDS_SECRET_NAME: undefined, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(await params.secret('creds')).toBe('local');
    await expect(params.secret('nope')).rejects.toThrow(/NOPE_SECRET_NAME nor OPS_SECRET_VALUE_NOPE is set/);
    setEnv({ ...emu.env, EMPTY_SECRET_NAME: empty });
    await expect(params.secret('empty')).rejects.toThrow(/has no value .*ops secrets set empty --stdin/);
  });

  it('ops_params.secret in Python reads the same value (boto3 against the same endpoint)', async () => {
    const run = await execa(
      'python3',
      ['-c', 'import ops_params; print(ops_params.secret("creds")); print(ops_params.secret("creds")); print(ops_params.stats)'],
      {
        cwd: path.join(FUNCTIONS_DIR, 'search_flights'),
        env: { ...process.env, ...emu.env, CREDS_SECRET_NAME: name },
        extendEnv: false,
        reject: false,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      '{"clientId":"abc"}',
      '{"clientId":"abc"}',
      "{'get_parameters_calls': 0, 'get_secret_value_calls': 1}",
    ]);
  });
});
