import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { UserError } from '../../src/errors.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { freeLoopbackPort } from '../support/moto.js';
import { awsFor, unique } from './helpers.js';

const emu = useEmulator();

describe('createAws', () => {
  it("keeps the SDK's Node 20 NodeVersionSupportWarning away from users", async () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const aws = createAws({
      region: 'us-east-1',
      env: { ...emu.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined } as NodeJS.ProcessEnv,
    });
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    expect(await aws.accountId()).toBe('123456789012');
    await aws.lambda();
    expect(warn.mock.calls.map((c) => String(c[0]))).not.toEqual(
      expect.arrayContaining([expect.stringContaining('NodeVersionSupportWarning')]),
    );
    warn.mockRestore();
    aws.destroy();
  });

  it("the account id survives throttling past the SDK's own five attempts, like every other read", async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    // Seven throttled answers in a row: the SDK gives up after five; ops's read retry goes on.
    const fault = proxy.addFault({ match: { service: 'sts' }, times: 7, respond: faults.throttling({ retryAfterSeconds: 0 }) });
    expect(await aws.accountId()).toBe('123456789012');
    expect(fault.hits).toBe(7);
    aws.destroy();
  });

  it('--debug logs one line per call (service, operation, status, duration) and never a parameter value', async () => {
    const proxy = await emu.proxy();
    const lines: string[] = [];
    const aws = awsFor(proxy.env, { debug: (line) => lines.push(line) });
    const marker = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const name = `/${unique()}/dev/amadeus/client-secret`;
    const ssm = await aws.ssm();

    await ssm.putParameter({ Name: name, Value: marker, Type: 'SecureString', Description: `desc ${marker}` });
    const read = await ssm.getParameter({ Name: name, WithDecryption: true });
    expect(read.Parameter?.Value).toBe(marker);
    // A failing call whose input holds the marker: the error line names the error, not the input.
    proxy.addFault({
      match: { operation: 'PutParameter' },
      times: 1,
      respond: faults.awsError({ code: 'ValidationException', message: 'bad' }),
    });
    await expect(ssm.putParameter({ Name: name, Value: marker, Type: 'SecureString', Overwrite: true })).rejects.toThrow('bad');

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^aws ssm\.PutParameter 200 \d+ms$/);
    expect(lines[1]).toMatch(/^aws ssm\.GetParameter 200 \d+ms$/);
    expect(lines[2]).toMatch(/^aws ssm\.PutParameter 400 ValidationException \d+ms$/);
    const all = lines.join('\n');
    expect(all).not.toContain(marker);
    expect(all).not.toContain('client-secret');
    aws.destroy();
  });

  it('builds each client once, on first use', async () => {
    const aws = awsFor(emu.env);
    const [a, b] = await Promise.all([aws.lambda(), aws.lambda()]);
    expect(a).toBe(b);
    expect(await aws.accountId()).toBe('123456789012');
    expect(aws.partition).toBe('aws');
    expect(createAws({ region: 'cn-north-1', env: {} }).partition).toBe('aws-cn');
    aws.destroy();
  });

  it('takes credentials and endpoint from the env it is given, not from process.env', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'from-process');
    try {
      const aws = awsFor(emu.env);
      expect(aws.endpointUrl).toBe(emu.url);
      expect(await aws.accountId()).toBe('123456789012');
      aws.destroy();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('an endpoint that refuses connections is a UserError naming it, with a hint', async () => {
    const port = await freeLoopbackPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const aws = awsFor({ ...emu.env, AWS_ENDPOINT_URL: endpoint }, { maxAttempts: 1 });
    const error = await readActual(aws, { app: unique(), stage: 'dev' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`cannot reach ${endpoint} (ECONNREFUSED)`);
    expect((error as UserError).hint).toContain('--endpoint-url');
    aws.destroy();
  });

  it('a profile missing from the config files is a UserError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-aws-profile-'));
    writeFileSync(join(dir, 'config'), '[profile other]\nregion = us-east-1\n');
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL: emu.url };
    const aws = createAws({ region: 'us-east-1', profile: 'nope', env });
    const error = await aws.accountId().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/AWS profile nope|no AWS credentials found \(profile nope\)/);
    aws.destroy();
  });

  it('a profile from the config files named by the env is used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-aws-profile-'));
    writeFileSync(join(dir, 'credentials'), '[dev]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n');
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_PROFILE: 'dev' };
    const aws = createAws({ region: 'us-east-1', endpointUrl: emu.url, env });
    expect(await aws.accountId()).toBe('123456789012');
    aws.destroy();
  });

  it('AccessDenied names the action', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    proxy.addFault({
      match: { service: 'lambda' },
      respond: faults.awsError({
        status: 403,
        code: 'AccessDeniedException',
        message:
          'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action',
      }),
    });
    const error = await readActual(aws, { app: unique(), stage: 'dev' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('access denied: the AWS identity may not call lambda:ListFunctions on *');
    aws.destroy();
  });
});
