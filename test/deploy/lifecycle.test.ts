import path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, smallFleet, uniqueApp } from './fleet.js';

describe('status, rollback, stages and destroy', () => {
  const emu = useEmulator();
  const app = uniqueApp('life');
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const lambda = () => new LambdaClient(emu.clientConfig);
  const live = async (name: string) => (await lambda().send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion;

  beforeAll(async () => {
    dir = await smallFleet(app);
  });

  it('deploy without --yes and without a terminal refuses, writing nothing', async () => {
    const r = await ops(['deploy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal to confirm on');
    expect(r.stderr).toContain('pass --yes');
    const fns = await lambda().send(new ListFunctionsCommand({}));
    expect(fns.Functions?.some((f) => f.FunctionName?.startsWith(app))).toBe(false);
  });

  it('status shows live versions and drift, --json too', async () => {
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    let s = (await ops(['status', '--json'])).json();
    expect(
      s.functions.map((f: { function: string; liveVersion: string; code: string; configDrift: string[] }) => [
        f.function,
        f.liveVersion,
        f.code,
        f.configDrift,
      ]),
    ).toEqual([
      ['api', '1', 'same', []],
      ['worker', '1', 'same', []],
    ]);
    expect(s.url).toMatch(/^https:\/\//);
    await edit(path.join(dir, 'src/worker/handler.ts'), (t) => t.replace("v: 'one'", "v: 'two'"));
    await edit(path.join(dir, 'ops.config.ts'), (t) => t.replace('memory: 512', 'memory: 1024'));
    s = (await ops(['status', '--json'])).json();
    expect(s.functions[1]).toMatchObject({ function: 'worker', code: 'differs', configDrift: ['memory'] });
    const text = await ops(['status']);
    expect(text.stdout).toContain('drift: code, memory');
  });

  it('status shows the last hour of invocations and the error rate beside each function', async () => {
    const cw = new CloudWatchClient(emu.clientConfig);
    const now = new Date();
    const datum = (MetricName: string, Value: number) => ({
      MetricName,
      Value,
      Unit: 'Count' as const,
      Timestamp: now,
      Dimensions: [{ Name: 'FunctionName', Value: `${app}-dev-api` }],
    });
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [datum('Invocations', 40), datum('Errors', 2)] }));
    const s = (await ops(['status', '--json'])).json();
    expect(s.functions[0]).toMatchObject({ function: 'api', invocations: 40, errorRate: 0.05 });
    expect((await ops(['status'])).stdout).toMatch(/40 \(5\.0% errors\)/);
  });

  it('rollback moves live to the previous version after a deploy, and --to to a given one', async () => {
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    const worker = `${app}-dev-worker`;
    expect(await live(worker)).toBe('2');
    const r = await ops(['rollback', 'worker', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('worker: live 2 → 1');
    expect(await live(worker)).toBe('1');
    expect((await ops(['rollback', 'worker', '--to', '2', '--yes'])).code).toBe(0);
    expect(await live(worker)).toBe('2');
    const bad = await ops(['rollback', 'worker', '--to', '9', '--yes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('version 9 of');
    expect(await live(worker)).toBe('2');
  });

  it('a second stage deploys beside the first; destroying it leaves the first intact', async () => {
    const before = (await ops(['status', '--json'])).json();
    const prod = await ops(['deploy', '--yes', '--stage', 'prod']);
    expect(prod.code, prod.stderr).toBe(0);
    expect((await ops(['plan'])).code).toBe(0); // dev untouched
    expect(await live(`${app}-prod-api`)).toBe('1');

    const refused = await ops(['destroy', '--stage', 'prod']);
    expect(refused.code).toBe(1);
    const gone = await ops(['destroy', '--stage', 'prod', '--yes']);
    expect(gone.code, gone.stderr).toBe(0);
    const names = ((await lambda().send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName);
    expect(names.filter((n) => n?.startsWith(`${app}-prod-`))).toEqual([]);
    expect(names.filter((n) => n?.startsWith(`${app}-dev-`)).sort()).toEqual([`${app}-dev-api`, `${app}-dev-worker`]);
    const after = (await ops(['status', '--json'])).json();
    expect(after.functions.map((f: { liveVersion: string }) => f.liveVersion)).toEqual(
      before.functions.map((f: { liveVersion: string }) => f.liveVersion),
    );
    expect((await ops(['plan', '--stage', 'prod', '--json'])).json().changes.length).toBeGreaterThan(0);
  });
});
