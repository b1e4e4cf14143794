import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, repoRoot, uniqueApp } from './fleet.js';

/**
 * Traffic shifting through `live`'s weighted routing (issue 17) on moto. A minute of the schedule is
 * scaled down with the test knob OPS_TEST_SHIFT_MS_PER_MINUTE; the alias is read back with the SDK while
 * the deploy runs (polled: each step lasts a scaled minute, far longer than a poll). Errors of the new
 * version are put into CloudWatch by the test with Lambda's dimensions (FunctionName, Resource =
 * `<fn>:live`, ExecutedVersion), as Lambda publishes them: moto runs no handler code, so it publishes none.
 */
describe('ops deploy: gradual traffic shifting', () => {
  const emu = useEmulator();
  const app = uniqueApp('shift');
  const fn = `${app}-dev-api`;
  let dir: string;
  let code = 1;
  const ops = (args: string[], msPerMinute = 1000) =>
    runCli(args, { cwd: dir, env: { ...(emu.env as NodeJS.ProcessEnv), OPS_TEST_SHIFT_MS_PER_MINUTE: String(msPerMinute) } });
  const lambda = new LambdaClient(emu.clientConfig);
  const alias = async () => {
    const a = await lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
    const weights = Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {}).filter(([, w]) => w > 0);
    return weights.length ? `${a.FunctionVersion}+${weights.map(([v, w]) => `${v}@${w}`).join(',')}` : `${a.FunctionVersion}`;
  };
  /** Runs `run` while reading `live` every 25 ms; returns its result and each distinct state seen, in order. */
  async function watched<T>(run: Promise<T>, onSplit?: (state: string) => Promise<void>) {
    const seen: string[] = [];
    let done = false;
    const result = run.finally(() => void (done = true));
    while (!done) {
      const s = await alias();
      if (seen.at(-1) !== s) {
        seen.push(s);
        if (s.includes('+')) await onSplit?.(s);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const last = await alias();
    if (seen.at(-1) !== last) seen.push(last);
    return { result: await result, seen };
  }
  /** The state a run killed mid-shift leaves: live on `from` with `share` on `to`. */
  const splitLive = (from: string, to: string, share: number) =>
    lambda.send(
      new UpdateAliasCommand({
        FunctionName: fn,
        Name: 'live',
        FunctionVersion: from,
        RoutingConfig: { AdditionalVersionWeights: { [to]: share } },
      }),
    );
  const newCode = () => edit(`${dir}/src/api/handler.ts`, (t) => t.replace(/v: \d+/, `v: ${++code}`));
  const putErrors = (version: string) =>
    new CloudWatchClient(emu.clientConfig).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [
          {
            MetricName: 'Errors',
            Value: 3,
            Timestamp: new Date(),
            Dimensions: [
              { Name: 'FunctionName', Value: fn },
              { Name: 'Resource', Value: `${fn}:live` },
              { Name: 'ExecutedVersion', Value: version },
            ],
          },
        ],
      }),
    );

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/api/handler.ts': 'export const handler = async () => ({ v: 1 });\n' },
      `  functions: {
    api: { handler: 'src/api/handler.ts', deploy: { strategy: 'Canary10Percent3Minutes' } },
  },`,
    );
    const first = await ops(['deploy', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    expect(await alias()).toBe('1'); // a new function has nothing to shift from: live at once
  });

  it('errors of the new version during the bake move live back to 100 % old, say the signal, exit 1', async () => {
    await newCode();
    const plan = await ops(['plan']);
    expect(plan.stdout).toContain('shift live to it from version 1: 10% for 3 min, then 100% (3 min in all)');
    let status: { functions: { shift?: { weights: Record<string, number>; note?: string } }[] } | undefined;
    const { result, seen } = await watched(ops(['deploy', '--yes'], 3000), async () => {
      status = (await ops(['status', '--json'])).json();
      await putErrors('2');
    });
    expect(result.code, result.stderr).toBe(1);
    // ops status during the shift: the weights, and where the shift is (ops's note on the alias).
    expect(status?.functions[0].shift).toEqual({
      weights: { '2': 0.1 },
      note: expect.stringMatching(/^Canary10Percent3Minutes from 1 to 2, 10% since \S+Z, next step \S+Z$/),
    });
    expect(seen).toEqual(['1', '1+2@0.1', '1']);
    expect(result.stderr).toContain('Errors: 3 errors of the new version (allowed 0) at 10%: live is back on version 1');
    expect(result.stderr).toMatch(/api\s+Canary10Percent3Minutes\s+1 → 2\s+rolled-back/);
  });

  it('without a breach live goes step by step to 100 % new, and the next plan is empty', async () => {
    await newCode();
    const { result, seen } = await watched(ops(['deploy', '--yes', '--strategy', 'Linear40PercentEvery1Minute']));
    expect(result.code, result.stderr).toBe(0);
    expect(seen).toEqual(['1', '1+3@0.4', '1+3@0.8', '3']);
    expect(result.stderr).toContain('40%: 0 invocations, 0 errors, 0 throttles');
    expect(result.stderr).toMatch(/api\s+Linear40PercentEvery1Minute\s+1 → 3\s+completed/);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('a shift left split by a killed run is finished by the next deploy (onInterrupt: finish); the plan is then empty', async () => {
    await edit(`${dir}/ops.config.ts`, (t) =>
      t.replace(
        "deploy: { strategy: 'Canary10Percent3Minutes' }",
        "deploy: { strategy: 'Canary10Percent3Minutes', onInterrupt: 'finish' }",
      ),
    );
    await newCode();
    // A killed run's state: version 4 published with the new code, live on 3 with 30 % on 4. A breach makes
    // the publish (the run rolls back), then the SDK splits live as a kill during the bake leaves it (an
    // in-process run cannot be killed).
    const breached = await watched(ops(['deploy', '--yes']), async () => void (await putErrors('4')));
    expect(breached.result.code, breached.result.stderr).toBe(1);
    await splitLive('3', '4', 0.3);
    expect(await alias()).toBe('3+4@0.3');
    // ops rollback during a shift moves all of live's traffic back at once.
    const back = await ops(['rollback', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain('api: live 3 +30% on 4 → 3');
    expect(await alias()).toBe('3');
    await splitLive('3', '4', 0.3);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toContain('finishing the interrupted shift (30% on version 4, 70% on version 3): live to version 4');
    expect(await alias()).toBe('4');
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  it('--no-wait starts a shift and exits 0, the next deploy carries it on to the end; Ctrl-C during a shift moves live back, 130', async () => {
    await newCode();
    // --no-wait: the first weight, a note saying nobody watches, exit 0 (the verification does not count it as undone).
    const started = await ops(['deploy', '--yes', '--no-wait']);
    expect(started.code, started.stderr).toBe(0);
    expect(await alias()).toBe('4+5@0.1');
    expect(started.stderr).toMatch(
      /10% of live on version 5, next step due \S+Z; not watched until `ops deploy --stage dev` carries it on/,
    );
    const plan = await ops(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`carry on the shift of ${fn} to version 5 (Canary10Percent3Minutes, not watched since --no-wait)`);
    expect(plan.stdout).not.toContain('publish a version');
    // The next deploy: a minute is 1 ms here, so the whole bake has passed: one look over it, then 100 %.
    const carried = await ops(['deploy', '--yes'], 1);
    expect(carried.code, carried.stderr).toBe(0);
    expect(carried.stderr).toContain('0 invocations, 0 errors, 0 throttles');
    expect(carried.stderr).toMatch(/api\s+Canary10Percent3Minutes\s+4 → 5\s+completed/);
    expect(await alias()).toBe('5');
    expect((await ops(['plan'])).stdout).toContain('No changes');

    // Ctrl-C while the canary bakes (real minutes: only the signal can end the first wait): live back on 5 at once.
    await newCode();
    const signals = new EventEmitter();
    let stderr = '';
    const io = {
      write: (t: string) => {
        stderr += t;
        return true;
      },
      isTTY: false,
    };
    const stdin = new PassThrough();
    stdin.end('');
    const env = { ...process.env, ...(emu.env as NodeJS.ProcessEnv), NO_COLOR: '1', CI: 'true', OPS_TEST_SHIFT_MS_PER_MINUTE: '60000' };
    const { result, seen } = await watched(
      run(['deploy', '--yes'], { cwd: dir, env, io: { stdout: { write: () => true, isTTY: false }, stderr: io, stdin }, signals }),
      async () => void signals.emit('SIGINT', 'SIGINT'),
    );
    expect(result, stderr).toBe(130);
    expect(seen).toEqual(['5', '5+6@0.1', '5']);
    expect(stderr).toContain('interrupted at 10%: live is back on version 5');
    expect(stderr).not.toContain('invocations'); // no look: the wait ended at the signal, not at the minute
  });

  it('kill -9 of bin/ops while the canary bakes leaves live split; the next deploy finishes it and the plan is empty', async () => {
    await newCode();
    const env = { ...process.env, ...(emu.env as NodeJS.ProcessEnv), NO_COLOR: '1', CI: 'true', OPS_TEST_SHIFT_MS_PER_MINUTE: '60000' };
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/ops'), 'deploy', '--yes'], { cwd: dir, env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal ? -1 : _code)));
    // The real process, killed as soon as live is split (a minute's bake: it cannot have ended by itself).
    const { seen } = await watched(exited, async () => void child.kill('SIGKILL'));
    expect(await exited).toBe(-1);
    const [, from, to] = /^(\d+)\+(\d+)@0\.1$/.exec(seen.at(-1) ?? '') ?? [];
    expect(from && to, seen.join(' ')).toBeTruthy();
    // The next run takes over the dead run's lease (on this host) and finishes the shift or moves live back and
    // shifts again, as onInterrupt says (the third case set 'finish'); either way live ends on the new version.
    const next = await ops(['deploy', '--yes']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('is no longer running on this host');
    expect(next.stderr).toMatch(new RegExp(`interrupted shift (left |\\()10% on version ${to}, 90% on version ${from}`));
    expect(await alias()).toBe(to);
    expect((await ops(['plan'])).stdout).toContain('No changes');
  }, 60_000);
});
