import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand } from '@aws-sdk/client-apigatewayv2';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { leaseParamName } from '../../src/config/naming.js';
import { smallFleet, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';

const bin = path.resolve(import.meta.dirname, '../../bin/ops');

interface Running {
  child: ChildProcessWithoutNullStreams;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** The built bin/ops as a real process (npm test builds dist/ first). */
function startOps(args: string[], cwd: string, env: Record<string, string | undefined>): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, ...env, NO_COLOR: '1', CI: 'true' } as NodeJS.ProcessEnv,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const t0 = Date.now();
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal, ms: Date.now() - t0 }));
  return { child, out: () => out, err: () => err, exited };
}

async function until(what: string, ok: () => boolean, run?: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${run?.err() ?? ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bin/ops: the stage lease and Ctrl-C as real processes', () => {
  const emu = useEmulator();
  const ssm = new SSMClient(emu.clientConfig);
  const leaseExists = (app: string) =>
    ssm.send(new GetParameterCommand({ Name: leaseParamName(app, 'dev') })).then(
      () => true,
      (e) => (e.name === 'ParameterNotFound' ? false : Promise.reject(e)),
    );
  const converges = async (app: string, dir: string) => {
    const again = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(again.code, again.stderr).toBe(0);
    const plan = await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(plan.code, plan.stdout).toBe(0);
    expect(await leaseExists(app)).toBe(false);
  };
  const destroy = (dir: string) => runCli(['destroy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

  it('two `ops deploy --yes` of one fresh stage at once: the later one waits (or reads after), one API, one integration, one permission, plan exit 0', async () => {
    // `node bench/faults.mjs --trials 10 --only concurrent` runs the 10-trial version of this.
    for (let trial = 0; trial < 2; trial++) {
      const app = uniqueApp('lc');
      const dir = await smallFleet(app);
      const runs = [startOps(['deploy', '--yes'], dir, emu.env), startOps(['deploy', '--yes'], dir, emu.env)];
      const ends = await Promise.all(runs.map((r) => r.exited));
      for (const [i, end] of ends.entries()) expect(end.code, runs[i].err()).toBe(0);
      // The lease made one of them wait, or (two test files at a time on a loaded machine) the second started reading
      // only after the first had released it: either way it planned from what the other had written.
      expect(runs.filter((r) => r.err().includes('waiting up to')).length).toBeLessThanOrEqual(1);
      const gw = new ApiGatewayV2Client(emu.clientConfig);
      const apis = ((await gw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name === `${app}-dev`);
      expect(apis, `trial ${trial}`).toHaveLength(1);
      // The later run read the stage only after the first had released it: it found nothing to do.
      const waiter = runs.find((r) => r.err().includes('No changes'))!;
      expect(waiter, runs.map((r) => r.err()).join('\n---\n')).toBeDefined();
      const first = runs.find((r) => r !== waiter)!;
      expect(waiter.err()).toContain('No changes');
      expect(first.err()).toContain(`API: ${apis[0].ApiEndpoint}`);
      expect((await gw.send(new GetIntegrationsCommand({ ApiId: apis[0].ApiId }))).Items).toHaveLength(1); // `api` is the only routed function
      const policy = await new LambdaClient(emu.clientConfig).send(
        new GetPolicyCommand({ FunctionName: `${app}-dev-api`, Qualifier: 'live' }),
      );
      const fromApi = JSON.parse(policy.Policy ?? '{}').Statement.filter(
        (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'apigateway.amazonaws.com',
      );
      expect(fromApi).toHaveLength(1);
      const plan = await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      expect(await leaseExists(app)).toBe(false);
      expect((await destroy(dir)).code).toBe(0);
    }
  }, 60_000);

  // Each point holds one call of the cold deploy at the proxy, so the signal lands while it is in flight.
  const points = [
    { name: 'after the first role, while a function is created', service: 'lambda', operation: 'CreateFunction', signal: 'SIGINT' },
    { name: 'mid-functions, while a version is published', service: 'lambda', operation: 'PublishVersion', signal: 'SIGINT' },
    {
      name: 'during the API part, while an integration is created',
      service: 'apigateway',
      operation: 'CreateIntegration',
      signal: 'SIGTERM',
    },
  ] as const;

  for (const p of points) {
    it(`${p.signal} ${p.name}: the call in flight finishes, the rest is listed as not applied, exit 130, lease released, a re-run converges`, async () => {
      const app = uniqueApp('li');
      const dir = await smallFleet(app);
      const proxy = await emu.proxy();
      const hold = proxy.addFault({ match: { service: p.service, operation: p.operation }, times: 1, respond: faults.delay(1_500) });
      const run = startOps(['deploy', '--yes'], dir, proxy.env);
      await until(`${p.operation} to reach the proxy`, () => hold.hits > 0, run);
      run.child.kill(p.signal);
      const end = await run.exited;
      const err = run.err();
      expect(end.code, err).toBe(130);
      expect(err).toContain(`${p.signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: starting no new change`);
      expect(err).toMatch(new RegExp(`Interrupted \\(${p.signal}\\) after .*: \\d+ of \\d+ changes applied, [1-9]\\d* not applied`));
      const applied = err.slice(err.indexOf('  applied:'), err.indexOf('  not applied:'));
      const notApplied = err.slice(err.indexOf('  not applied:'));
      expect(applied).not.toBe('');
      expect(notApplied).toContain('- ');
      // The change whose call was held finished (it was in flight) and is listed as applied.
      const held = { CreateFunction: 'create function', PublishVersion: 'publish', CreateIntegration: 'integration' }[p.operation];
      expect(applied.toLowerCase()).toContain(held);
      expect(err).toContain('run the same command again to finish');
      // What it listed as not applied was not: the plan still holds at least that many changes.
      const notAppliedCount = Number(/(\d+) not applied/.exec(err)?.[1]);
      const pending = await runCli(['plan', '--json'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
      expect(pending.code).toBe(2);
      expect(pending.json().changes.length).toBeGreaterThanOrEqual(notAppliedCount);
      expect(await leaseExists(app)).toBe(false);
      await converges(app, dir);
      expect((await destroy(dir)).code).toBe(0);
    }, 45_000);
  }

  it('a second Ctrl-C stops at once (exit 130) naming what may be half-done; the lease it leaves is removed by ops unlock --yes', async () => {
    const app = uniqueApp('lf');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    const hold = proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 1, respond: faults.delay(8_000) });
    const run = startOps(['deploy', '--yes'], dir, proxy.env);
    await until('CreateFunction to reach the proxy', () => hold.hits > 0, run);
    run.child.kill('SIGINT');
    await until('the first Ctrl-C to be heard', () => run.err().includes('Ctrl-C again to stop at once'), run, 5_000);
    const sent = Date.now();
    run.child.kill('SIGINT');
    const end = await run.exited;
    expect(end.code, run.err()).toBe(130);
    expect(Date.now() - sent).toBeLessThan(1_000);
    // The held create is in flight: whichever function's CreateFunction reached the proxy first (both are
    // created at once, so either can be the one held).
    expect(run.err()).toMatch(
      new RegExp(
        `Stopped at once: \\d changes? (was|were) in flight and may be half-done:\n(  \\? .+\n)*  \\? create function ${app}-dev-(api|worker) `,
      ),
    );
    expect(run.err()).toContain(`ops unlock --stage dev`);
    expect(await leaseExists(app)).toBe(true);
    const unlock = await runCli(['unlock', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(unlock.stderr).toContain('(ops deploy, pid ');
    await converges(app, dir);
    expect((await destroy(dir)).code).toBe(0);
  }, 60_000);
});
