import path from 'node:path';
import { GetAliasCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { edit, smallFleet, uniqueApp } from './fleet.js';

/**
 * AWS misbehaves where moto does not: each test puts a fault proxy in front of moto that answers
 * with AWS's real error responses, and the real SDK inside ops parses them.
 */
describe('deploy survives what AWS does', () => {
  const emu = useEmulator();
  const lambda = () => new LambdaClient(emu.clientConfig);

  async function setup(prefix: string) {
    const app = uniqueApp(prefix);
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    return { app, dir, proxy, ops };
  }
  const failedCalls = (proxy: Awaited<ReturnType<typeof setup>>['proxy'], op: string) =>
    proxy.requests.filter((r) => r.operation === op && r.fault).length;

  it('throttling on every service it writes to: retried, deploy succeeds', async () => {
    const { proxy, ops } = await setup('thr');
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 2, respond: faults.throttling() });
    proxy.addFault({ match: { service: 'iam', operation: 'CreateRole' }, times: 1, respond: faults.throttling() });
    proxy.addFault({ match: { service: 'apigateway', operation: 'CreateRoute' }, times: 1, respond: faults.throttling() });
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(failedCalls(proxy, 'CreateFunction')).toBe(2);
    expect(failedCalls(proxy, 'CreateRole')).toBe(1);
    expect((await ops(['plan'])).code).toBe(0);
  });

  it('the new role cannot be assumed yet: waits, says why, then creates the function', async () => {
    const { app, proxy, ops } = await setup('iam');
    // By count, not for a time window: on a loaded machine the first CreateFunction may come after any fixed window.
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 2, respond: faults.iamRolePropagation() });
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(failedCalls(proxy, 'CreateFunction')).toBeGreaterThan(0);
    expect(r.stderr).toContain('waiting for the new IAM role to propagate');
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-api` }));
    expect(fn.Configuration?.State).toBe('Active');
  }, 60_000);

  it('an update in progress (ResourceConflictException): waits and retries the configuration update', async () => {
    const { app, dir, proxy, ops } = await setup('rce');
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    await edit(path.join(dir, 'ops.config.ts'), (t) => t.replace('memory: 512', 'memory: 768'));
    proxy.addFault({
      match: { service: 'lambda', operation: 'UpdateFunctionConfiguration' },
      times: 2,
      respond: faults.resourceConflict(),
    });
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(failedCalls(proxy, 'UpdateFunctionConfiguration')).toBe(2);
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-worker` }));
    expect(fn.Configuration?.MemorySize).toBe(768);
  });

  it('connections dropped mid-apply (before and after the write reached AWS): the deploy still converges', async () => {
    const { app, proxy, ops } = await setup('drop');
    proxy.addFault({ match: { service: 'lambda', operation: 'PublishVersion' }, times: 1, respond: faults.dropConnection() });
    // The create reaches AWS but its answer is lost: the SDK's retry then sees "already exists".
    proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 1, respond: faults.dropResponse() });
    const r = await ops(['deploy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect((await ops(['plan'])).code).toBe(0);
    const alias = await lambda().send(new GetAliasCommand({ FunctionName: `${app}-dev-api`, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
  });

  it('a write that keeps failing: the others finish, the summary names it, exit 1; a re-run converges', async () => {
    const { proxy, ops } = await setup('part');
    proxy.addFault({
      match: { service: 'apigateway', operation: 'CreateRoute' },
      respond: faults.awsError({ code: 'BadRequestException', message: 'Unable to create route (injected)', status: 400 }),
    });
    const r = await ops(['deploy', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 changes failed, 0 skipped, \d+ applied/);
    expect(r.stderr).toContain('create route GET /items → ');
    expect(r.stderr).toContain('Unable to create route (injected)');
    expect(r.stderr).toContain('run the same command again');
    // Everything else was applied: the re-run plans exactly the two routes.
    proxy.clearFaults();
    const plan = await ops(['plan', '--json']);
    expect(plan.json().changes.map((c: { kind: string }) => c.kind)).toEqual(['route.create', 'route.create']);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect((await ops(['plan'])).code).toBe(0);
  });
});

describe('a deploy killed halfway', () => {
  const emu = useEmulator();

  it('is finished by the next deploy: the re-run ends in the configured state', async () => {
    const { spawn } = await import('node:child_process');
    const { repoRoot } = await import('./fleet.js');
    const app = uniqueApp('kill');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    // Hold the publishes so the process is surely mid-apply when it is killed.
    proxy.addFault({ match: { service: 'lambda', operation: 'PublishVersion' }, respond: faults.delay(4000) });
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/ops'), 'deploy', '--yes'], {
      cwd: dir,
      env: { ...process.env, ...proxy.env, NO_COLOR: '1' } as NodeJS.ProcessEnv,
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    while (proxy.requests.filter((r) => r.operation === 'CreateFunction' && r.status === 201).length < 2) {
      if (Date.now() > deadline) throw new Error(`the deploy never created its functions: ${proxy.operations().join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    proxy.clearFaults();

    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    const before = await ops(['plan', '--json']);
    expect(before.code).toBe(2); // half-applied: the plan says what is left
    const kinds = before.json().changes.map((c: { kind: string }) => c.kind);
    expect(kinds).not.toContain('function.create');
    const rerun = await ops(['deploy', '--yes']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await ops(['plan'])).code).toBe(0);
    const status = (await ops(['status', '--json'])).json();
    expect(status.functions.map((f: { liveVersion: string; code: string }) => [f.liveVersion, f.code])).toEqual([
      ['1', 'same'],
      ['1', 'same'],
    ]);
  }, 60_000);
});
