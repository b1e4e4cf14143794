import { describe, expect, it } from 'vitest';
import {
  createFunctionUrl,
  deleteFunctionUrl,
  getFunctionUrl,
  removePublicUrlPermission,
  setPublicUrlPermission,
  updateFunctionUrl,
} from '../../src/aws/function-url.js';
import { getAliasPolicy, publishVersionAndMoveAlias } from '../../src/aws/lambda-alias.js';
import { createFunction, createRole } from '../../src/aws/write.js';
import { FUNCTION_URL_STATEMENTS } from '../../src/config/naming.js';
import type { FunctionUrlSpec } from '../../src/config/resolve-function-url.js';
import { grantsPublicUrl } from '../../src/model/function-url.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

/**
 * The Function URL of `live` against moto. Moto 5.2.1 differs from AWS in ways these tests work
 * around and say so: it ignores the Qualifier (the URL is the function's), answers a second
 * CreateFunctionUrlConfig by replacing the URL (AWS: ResourceConflictException, played by the
 * proxy), keeps the CORS of an update that sends `Cors: {}` (AWS clears it), and stores
 * AddPermission's FunctionUrlAuthType / InvokedViaFunctionUrl as sent rather than as a Condition.
 */
describe('Function URL on live', () => {
  const tags = (app: string) => ({ 'ops:app': app, 'ops:stage': 'dev' });
  const calls = (proxy: { requests: readonly { operation: string }[] }, op: string) =>
    proxy.requests.filter((r) => r.operation === op).length;
  const spec = (extra: Partial<FunctionUrlSpec> = {}): FunctionUrlSpec => ({ auth: 'AWS_IAM', invokeMode: 'BUFFERED', ...extra });

  async function liveFunction(env: Record<string, string | undefined>) {
    const aws = awsFor(env);
    const app = unique();
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'f'));
    const zip = await makeZip();
    const name = `${app}-dev-f`;
    await createFunction(aws, { name, config: functionConfig(arn), zipPath: zip.zipPath, tags: tags(app) });
    await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
    return { aws, name, lambda: await aws.lambda() };
  }

  it('none at first; created with CORS, read back by the SDK as configured; updated; deleted', async () => {
    const { aws, name, lambda } = await liveFunction(emu.env);
    expect(await getFunctionUrl(aws, name)).toBeUndefined();

    const cors = { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 300 };
    const made = await createFunctionUrl(aws, name, spec({ cors }));
    expect(made.url).toMatch(/^https:\/\/[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws/);
    const sdk = await lambda.getFunctionUrlConfig({ FunctionName: name, Qualifier: 'live' });
    expect({ url: sdk.FunctionUrl, auth: sdk.AuthType, cors: sdk.Cors }).toEqual({ url: made.url, auth: 'AWS_IAM', cors });
    expect(await getFunctionUrl(aws, name)).toEqual({ url: made.url, auth: 'AWS_IAM', cors, invokeMode: 'BUFFERED' });

    const updated = await updateFunctionUrl(aws, name, spec({ auth: 'NONE', cors: { AllowOrigins: ['*'] } }));
    expect(updated).toEqual({ url: made.url, auth: 'NONE', cors: { AllowOrigins: ['*'] }, invokeMode: 'BUFFERED' });
    expect((await lambda.getFunctionUrlConfig({ FunctionName: name, Qualifier: 'live' })).AuthType).toBe('NONE');

    await deleteFunctionUrl(aws, name);
    expect(await getFunctionUrl(aws, name)).toBeUndefined();
    await deleteFunctionUrl(aws, name); // already gone: fine
    aws.destroy();
  });

  it('auth NONE: both statements AWS documents, on live, read back; set again writes nothing; removed with the URL', async () => {
    const { aws, name } = await liveFunction(emu.env);
    await createFunctionUrl(aws, name, spec({ auth: 'NONE' }));
    expect(await setPublicUrlPermission(aws, name)).toEqual({ changed: true });
    const policy = await getAliasPolicy(aws, name);
    const url = policy.find((s) => s.Sid === FUNCTION_URL_STATEMENTS.url)!;
    const invoke = policy.find((s) => s.Sid === FUNCTION_URL_STATEMENTS.invoke)!;
    expect([url.Action, url.Principal, invoke.Action, invoke.Principal]).toEqual([
      'lambda:InvokeFunctionUrl',
      '*',
      'lambda:InvokeFunction',
      '*',
    ]);
    expect(String(url.Resource)).toMatch(/:function:.+:live$/);
    expect(grantsPublicUrl(url, 'url') && grantsPublicUrl(invoke, 'invoke')).toBe(true);
    expect(await setPublicUrlPermission(aws, name)).toEqual({ changed: false });

    await deleteFunctionUrl(aws, name);
    expect((await getAliasPolicy(aws, name)).map((s) => s.Sid)).toEqual([]);
    await removePublicUrlPermission(aws, name); // already gone: fine
    aws.destroy();
  });

  it('a statement under our id that grants more (InvokeFunction for * without the URL condition) is replaced', async () => {
    const { aws, name, lambda } = await liveFunction(emu.env);
    await lambda.addPermission({
      FunctionName: name,
      Qualifier: 'live',
      StatementId: FUNCTION_URL_STATEMENTS.invoke,
      Action: 'lambda:InvokeFunction',
      Principal: '*',
    });
    await setPublicUrlPermission(aws, name);
    const invoke = (await getAliasPolicy(aws, name)).filter((s) => s.Sid === FUNCTION_URL_STATEMENTS.invoke);
    expect(invoke).toHaveLength(1);
    expect(grantsPublicUrl(invoke[0], 'invoke')).toBe(true);
    aws.destroy();
  });

  it("create's answer lost, the SDK resends, AWS answers ResourceConflict (the proxy plays it): read back, done; one URL", async () => {
    const proxy = await emu.proxy();
    const { aws, name } = await liveFunction(proxy.env);
    const op = { service: 'lambda', operation: 'CreateFunctionUrlConfig' };
    proxy.addFault({ match: op, times: 1, respond: faults.dropResponse() });
    proxy.addFault({
      match: op,
      times: 1,
      respond: faults.resourceConflict(
        `Failed to create function url config for [functionArn = ${name}:live]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      ),
    });
    const cors = { AllowOrigins: ['https://app.example.com'] };
    const made = await createFunctionUrl(aws, name, spec({ cors }));
    expect(calls(proxy, 'CreateFunctionUrlConfig')).toBe(2);
    expect(calls(proxy, 'UpdateFunctionUrlConfig')).toBe(0);
    expect(await getFunctionUrl(aws, name)).toEqual({ url: made.url, auth: 'AWS_IAM', cors, invokeMode: 'BUFFERED' });
    aws.destroy();
  });

  it('a conflict with no URL there is an update in progress: waited out, then created', async () => {
    const proxy = await emu.proxy();
    const { aws, name } = await liveFunction(proxy.env);
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunctionUrlConfig' }, times: 2, respond: faults.resourceConflict() });
    const made = await createFunctionUrl(aws, name, spec());
    expect(calls(proxy, 'CreateFunctionUrlConfig')).toBe(3);
    expect((await getFunctionUrl(aws, name))?.url).toBe(made.url);
    aws.destroy();
  });

  it("AddPermission's answer lost: the statement is found by reading the policy, not sent twice", async () => {
    const proxy = await emu.proxy();
    const { aws, name } = await liveFunction(proxy.env);
    proxy.addFault({ match: { service: 'lambda', operation: 'AddPermission' }, times: 1, respond: faults.dropResponse() });
    await setPublicUrlPermission(aws, name);
    expect(calls(proxy, 'AddPermission')).toBe(2); // one per statement, none resent
    const sids = (await getAliasPolicy(aws, name)).map((s) => s.Sid).sort();
    expect(sids).toEqual([FUNCTION_URL_STATEMENTS.url, FUNCTION_URL_STATEMENTS.invoke].sort());
    aws.destroy();
  });
});
