import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../src/aws/retry.js';
import { repoRoot, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { type MatrixEnv, prepareApp, runTrial, type Scenario, scenarios, uncleanError } from './scenarios.js';

/**
 * Issue 11's fault matrix, one trial per scenario (bench/faults.mjs runs many; counts in docs/reliability.md).
 * Each scenario deploys a small fleet (a route, a schedule, an alarm) to a fresh stage next to untagged
 * lookalikes; the deploy converges or fails with a clear error whose re-run converges; `ops destroy --yes`
 * then leaves nothing tagged for the stage and every lookalike in place. The steps around the fault run
 * in-process with short waits; kill, silent and concurrent need the real bin/ops (built by `npm test`).
 */
describe('the fault matrix', () => {
  const emu = useEmulator();
  const app = uniqueApp('fm');
  let topicArn: string;
  const env: MatrixEnv = {
    motoUrl: emu.url,
    ops: (args, o) => runCli(args, { cwd: o.cwd, env: o.env as NodeJS.ProcessEnv }),
    bin: path.join(repoRoot, 'bin/ops'),
    spawnTimeoutMs: 60_000,
    // A dead endpoint must end within the timeout: 4 s here instead of the default 30 s.
    scenarioEnv: { silent: { OPS_AWS_TIMEOUT: '4' }, 'silent-write': { OPS_AWS_TIMEOUT: '4' }, 'silent-upload': { OPS_AWS_TIMEOUT: '4' } },
  };

  beforeAll(async () => {
    ({ topicArn } = await prepareApp(emu.url, app));
    // In-process runs only (this file has its own worker): waits in milliseconds, not seconds.
    Object.assign(defaultRetryPolicy, {
      conflictDelaysMs: [50, 100, 200, 400, 800, 1_000],
      propagationDelaysMs: [50, 100, 200, 400, 800],
      throttleDelaysMs: [100, 200, 400, 800, 1_600],
      readyPollMs: [20, 50, 100],
    });
  });

  const trial = (s: Scenario) => async () => {
    const r = await runTrial(s, env, { app, topicArn, stage: `m${s.name.replace(/[^a-z0-9]/g, '')}` });
    if (process.env.OPS_MATRIX_VERBOSE) console.log(`${s.name}: ${r.outcome} in ${r.ms} ms; ${r.error ?? ''} ${r.notes.join('; ')}`);
    expect(r.problems, `${s.name} (seed ${r.seed}, ${r.notes.join('; ')})`).toEqual([]);
    expect(r.outcome).not.toBe('did not converge');
  };
  const scenario = (name: string) => scenarios.find((s) => s.name === name)!;

  for (const name of ['throttling', '5xx', 'reset', 'latency', 'html', 'silent', 'silent-write', 'silent-upload', 'kill', 'concurrent']) {
    it(name, trial(scenario(name)), 120_000);
  }

  it('covers every scenario of the matrix', () => {
    expect(scenarios.map((s) => s.name).sort()).toEqual([
      '5xx',
      'concurrent',
      'html',
      'kill',
      'latency',
      'reset',
      'silent',
      'silent-upload',
      'silent-write',
      'throttling',
    ]);
  });
});

describe('what the matrix takes for a clear error', () => {
  const failed = (stderr: string) => uncleanError({ code: 1, stdout: '', stderr });

  it('an error line or the deploy summary, without a bug report request or a stack trace', () => {
    expect(failed('error: iam.ListRoles answered with text/html (HTTP 200) from http://x, not an AWS response\n')).toBeUndefined();
    expect(failed('  ✗ create function a\n1 change failed, 4 skipped, 11 applied (2.4s):\n')).toBeUndefined();
    expect(failed('internal error: Role x not found\n  hint: run again with --debug for the stack trace, and please report it\n')).toMatch(
      /^an internal error/,
    );
    expect(failed('error: boom\n    at run (file:///work/main/dist/cli.js:10:5)\n')).toMatch(/^a stack trace/);
    expect(failed('')).toMatch(/^no error line/);
    expect(uncleanError({ code: null, stdout: '', stderr: '', hung: true })).toMatch(/^hung/);
  });
});
