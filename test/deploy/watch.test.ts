import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetAliasCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * `ops deploy --watch` (issue 18 item 3): the first deploy, then one saved edit pushed by the loop (the code
 * `live` runs on AWS changes, one line says so, its log lines stream under it), a build error as one line with the loop going on, an ops.config.ts
 * edit pushed as configuration, Ctrl-C ends it, and the plan is empty afterwards. A stage in
 * `deploy.protectedStages` is refused with one line before anything runs.
 */
describe('ops deploy --watch', () => {
  const emu = useEmulator();
  const app = uniqueApp('watch');
  const fn = `${app}-dev-hook`;
  let dir: string;
  const env = () => ({ ...process.env, NO_COLOR: '1', CI: 'true', ...emu.env }) as NodeJS.ProcessEnv;
  const lambda = () => new LambdaClient(emu.clientConfig);
  const liveSha = async () => {
    const alias = await lambda().send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
    const got = await lambda().send(new GetFunctionCommand({ FunctionName: fn, Qualifier: alias.FunctionVersion }));
    return got.Configuration?.CodeSha256;
  };

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { 'src/functions/hook/handler.ts': 'export const handler = async () => ({ v: "one" });\n' },
      `  deploy: { protectedStages: ['prod'] },\n  functions: { hook: { handler: 'src/functions/hook/handler.ts' } },`,
    );
  });

  /** The watch in-process, with Ctrl-C sent through the signal source `run` listens to. */
  function startWatch() {
    const signals = new EventEmitter();
    const out = { stderr: '' };
    const stdin = new PassThrough();
    stdin.end('');
    const sink = (s: string) => {
      out.stderr += s;
      return true;
    };
    const done = run(['deploy', '--watch', '--yes'], {
      cwd: dir,
      env: env(),
      io: { stdout: { write: () => true, isTTY: false }, stderr: { write: sink, isTTY: false }, stdin },
      signals: signals as never,
    });
    return { done, out, stop: () => signals.emit('SIGINT', 'SIGINT') };
  }

  const until = async (ok: () => boolean, what: () => string) => {
    for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ok()) throw new Error(`gave up waiting: ${what()}`);
  };

  it('pushes a saved edit: the code live runs changes, one line says so; Ctrl-C ends it and the plan is empty', {
    timeout: 60_000,
  }, async () => {
    const w = startWatch();
    try {
      await until(
        () => w.out.stderr.includes('watching'),
        () => w.out.stderr,
      );
      const before = await liveSha();
      expect(before).toBeTruthy();
      await edit(`${dir}/src/functions/hook/handler.ts`, (t) => t.replace('"one"', '"two"'));
      await until(
        () => /hook: code live in \d+\.\ds/.test(w.out.stderr),
        () => w.out.stderr,
      );
      expect(await liveSha()).not.toBe(before);
      const lines = w.out.stderr
        .split('watching')[1]
        .split('\n')
        .filter((l) => /^(✔|✗|·) /.test(l));
      expect(lines, w.out.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^✔ hook: code live in \d+\.\ds \(save to live\)$/);
      // The touched function's logs stream under the lines (written here: moto runs no handler).
      const logs = new CloudWatchLogsClient(emu.clientConfig);
      const logGroupName = `/aws/lambda/${fn}`;
      await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's1' }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName: 's1',
          logEvents: [{ timestamp: Date.now(), message: 'hello from hook v2' }],
        }),
      );
      await until(
        () => w.out.stderr.includes('hello from hook v2'),
        () => w.out.stderr,
      );
      // A build error is one line and the loop goes on: the next save (the error fixed) is looked at again.
      const pushed = await liveSha();
      await edit(`${dir}/src/functions/hook/handler.ts`, (t) => t.replace('"two"', '"two" +'));
      await until(
        () => /^✗ hook: .+\(the loop goes on; save again to retry\)$/m.test(w.out.stderr),
        () => w.out.stderr,
      );
      await edit(`${dir}/src/functions/hook/handler.ts`, (t) => t.replace('"two" +', '"two"'));
      await until(
        () => /^· hook: nothing to push/m.test(w.out.stderr),
        () => w.out.stderr,
      );
      expect(await liveSha()).toBe(pushed);
      // A config edit that does not validate is one line naming the field, not only how many problems there are.
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("handler: 'src/functions/hook/handler.ts'", '$& , memory: 99999'));
      await until(
        () =>
          /^✗ ops\.config\.ts \(whole fleet\): .*functions\.hook\.memory: .+\(the loop goes on; save again to retry\)$/m.test(w.out.stderr),
        () => w.out.stderr,
      );
      // An ops.config.ts edit re-plans the whole fleet: the function's configuration is pushed.
      await edit(`${dir}/ops.config.ts`, (t) => t.replace('memory: 99999', 'memory: 512'));
      await until(
        () => /^✔ ops\.config\.ts \(whole fleet\): configuration live in/m.test(w.out.stderr),
        () => w.out.stderr,
      );
      const cfg = await lambda().send(new GetFunctionCommand({ FunctionName: fn }));
      expect(cfg.Configuration?.MemorySize).toBe(512);
    } finally {
      w.stop();
    }
    expect(await w.done, w.out.stderr).toBe(0);
    expect(w.out.stderr).toContain('stopped watching');
    const plan = await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  });

  it('refuses a protected stage in one line, before anything is deployed', async () => {
    const r = await runCli(['deploy', '--watch', '--stage', 'prod', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not run on stage prod: it is protected \(deploy\.protectedStages\)/);
    expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(2); // the line and its hint
    const prod = await lambda()
      .send(new GetFunctionCommand({ FunctionName: `${app}-prod-hook` }))
      .catch((e: Error) => e.name);
    expect(prod).toBe('ResourceNotFoundException');
  });
});
