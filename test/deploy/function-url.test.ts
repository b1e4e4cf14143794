import { GetFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Function URLs through the resource registry (issue 13.6): created on `live` by `ops deploy`, read back
 * with the SDK (GetFunctionUrlConfig, the public statements on the alias policy), planned again with no
 * changes, changed in place, and removed: exactly the URL and its statements go, the API's permission stays.
 */
describe('ops deploy: Function URLs', () => {
  const emu = useEmulator();
  const app = uniqueApp('url');
  const stage = 'dev';
  const fn = `${app}-${stage}-hook`;
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const lambda = () => new LambdaClient(emu.clientConfig);
  const urlConfig = () =>
    lambda()
      .send(new GetFunctionUrlConfigCommand({ FunctionName: fn, Qualifier: 'live' }))
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e)));
  const sids = async () => {
    const p = await lambda().send(new GetPolicyCommand({ FunctionName: fn, Qualifier: 'live' }));
    return ((JSON.parse(p.Policy ?? '{}') as { Statement?: { Sid: string }[] }).Statement ?? []).map((s) => s.Sid).sort();
  };
  const config = (url: string) => `  functions: {
    hook: { handler: 'src/hook/handler.ts', routes: ['POST /hook'], ${url} },
  },`;

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/hook/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n' },
      config(`url: { auth: 'NONE', cors: { allowOrigins: ['https://example.com'], allowMethods: ['POST'] } }`),
    );
  });

  it('creates the URL on live with its public statements, prints it, and plans nothing after', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const got = await urlConfig();
    expect(got).toMatchObject({ AuthType: 'NONE', Cors: { AllowOrigins: ['https://example.com'], AllowMethods: ['POST'] } });
    expect(got?.FunctionUrl).toMatch(/^https:\/\/.+\.lambda-url\.us-east-1\.on\.aws\/?$/);
    expect(d.stdout + d.stderr).toContain(got?.FunctionUrl ?? 'no url');
    expect(await sids()).toEqual(['ops-function-url', 'ops-function-url-invoke', 'ops-http-api']);
    const again = await ops(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('turns the URL private in place: the URL stays, the public statements go', async () => {
    const before = (await urlConfig())?.FunctionUrl;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("auth: 'NONE'", "auth: 'AWS_IAM'"));
    const plan = await ops(['plan', '--json']);
    const changes = JSON.parse(plan.stdout).changes as { id: string }[];
    expect(changes.map((c) => c.id)).toEqual([`url.update:${fn}`]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const got = await urlConfig();
    expect(got).toMatchObject({ AuthType: 'AWS_IAM', FunctionUrl: before });
    expect(await sids()).toEqual(['ops-http-api']);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('removing url deletes exactly the URL (and the marker), nothing else', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(/, url: \{[^\n]*\} \}/, ' }'));
    const plan = await ops(['plan', '--json']);
    const ids = (JSON.parse(plan.stdout).changes as { id: string }[]).map((c) => c.id).sort();
    expect(ids).toEqual([`function.tag:${fn}`, `url.delete:${fn}`]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await urlConfig()).toBeUndefined();
    expect(await sids()).toEqual(['ops-http-api']);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });
});
