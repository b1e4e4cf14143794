import { describe, expect, it } from 'vitest';
import { createFunction, createRole } from '../../src/aws/write.js';
import { UserError } from '../../src/errors.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { silentServer } from '../support/silent-server.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

const seconds = (since: number) => (Date.now() - since) / 1000;

describe('timeouts on every AWS client', () => {
  it('a silent endpoint: the reads end within the budget with one UserError naming it and the operation', async () => {
    const endpoint = await silentServer();
    const aws = awsFor({ ...emu.env, AWS_ENDPOINT_URL: endpoint }, { timeouts: { requestMs: 2_000, minAttemptMs: 500 } });
    await Promise.all([aws.lambda(), aws.iam(), aws.sts(), aws.logs(), aws.apigw()]); // imports are not the endpoint's time
    const started = Date.now();
    const error = await readActual(aws, { app: unique(), stage: 'dev' }).catch((e: unknown) => e);
    expect(seconds(started)).toBeLessThan(3.5);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(new RegExp(`^cannot reach ${endpoint} \\(\\w+\\.\\w+\\): no answer within 2 s$`));
    expect((error as UserError).hint).toContain('--timeout');
    // The endpoint proved silent: the next call says so at once rather than waiting again.
    const again = Date.now();
    await expect(aws.accountId()).rejects.toThrow(/no answer within 2 s/);
    expect(seconds(again)).toBeLessThan(0.5);
    aws.destroy();
  });

  it('a read that stalls once is asked again within the budget, and succeeds', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { timeouts: { requestMs: 6_000, minAttemptMs: 500 } });
    const stall = proxy.addFault({ match: { service: 'sts', operation: 'GetCallerIdentity' }, times: 1, respond: faults.delay(4_000) });
    const started = Date.now();
    expect(await aws.accountId()).toBe('123456789012');
    expect(stall.hits).toBe(1);
    expect(proxy.operations({ service: 'sts' })).toEqual(['sts.GetCallerIdentity', 'sts.GetCallerIdentity']);
    expect(seconds(started)).toBeLessThan(3.5); // the second attempt did not wait for the stalled one
    aws.destroy();
  });

  it('a write that is not idempotent is sent once: after a silence it is not sent again', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env, { timeouts: { requestMs: 1_500, minAttemptMs: 500 } });
    proxy.addFault({ match: { service: 'iam', operation: 'CreateRole' }, respond: faults.silent() });
    const error = await createRole(aws, roleSpec(unique(), 'dev', 'f')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/\(iam\.CreateRole\): no answer within 2 s$/);
    expect(proxy.operations({ service: 'iam' }).filter((op) => op === 'iam.CreateRole')).toHaveLength(1);
    aws.destroy();
  });

  it('an invoke that takes longer than the request budget is not cut', async () => {
    const proxy = await emu.proxy();
    const app = unique();
    const { arn } = await createRole(awsFor(emu.env), roleSpec(app, 'dev', 'f'));
    const aws = awsFor(proxy.env, { timeouts: { requestMs: 1_000, minAttemptMs: 500 } });
    const zip = await makeZip();
    const name = `${app}-dev-f`;
    await createFunction(aws, { name, config: functionConfig(arn), zipPath: zip.zipPath, tags: { 'ops:app': app, 'ops:stage': 'dev' } });
    proxy.addFault({ match: { service: 'lambda', operation: 'Invoke' }, times: 1, respond: faults.delay(1_800) });
    const out = await (await aws.lambda()).invoke({ FunctionName: name, Payload: Buffer.from('{"x":1}') });
    expect(out.StatusCode).toBe(200);
    expect(proxy.operations({ service: 'lambda' }).filter((op) => op === 'lambda.Invoke')).toEqual(['lambda.Invoke']);
    aws.destroy();
  });

  it('a code upload may take long but not be silent: one accepted and never answered ends after the request budget of silence, sent once', async () => {
    // Found by the fault matrix (silent-write): a CreateFunction that got no answer held a deploy for 16 minutes.
    const proxy = await emu.proxy();
    const app = unique();
    const { arn } = await createRole(awsFor(emu.env), roleSpec(app, 'dev', 'f'));
    const aws = awsFor(proxy.env, { timeouts: { requestMs: 1_000, minAttemptMs: 500 } });
    const zip = await makeZip();
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, respond: faults.silent() });
    const t0 = Date.now();
    const error = await createFunction(aws, {
      name: `${app}-dev-f`,
      config: functionConfig(arn),
      zipPath: zip.zipPath,
      tags: { 'ops:app': app, 'ops:stage': 'dev' },
    }).catch((e: unknown) => e);
    expect(seconds(t0)).toBeLessThan(30); // not the 16 minutes an invoke may take; the limit is 1 s of silence
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/\(lambda\.CreateFunction\): no answer within 1 s$/);
    expect(proxy.operations({ service: 'lambda' }).filter((op) => op === 'lambda.CreateFunction')).toHaveLength(1);
    aws.destroy();
  });
});
