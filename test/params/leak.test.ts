import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { paramsFleet, uniqueApp } from './fleet.js';

/**
 * Never leak: a secret set from stdin with a marker value, then every params command and a deploy
 * run with --debug; the marker must not appear in any output. `get --reveal` must print it, so the
 * search for it is known to work.
 */
describe('secret values never reach the output', () => {
  const emu = useEmulator();

  it('every params command and a deploy with --debug, the marker nowhere; get --reveal prints it', { timeout: 120_000 }, async () => {
    const app = uniqueApp('leak');
    // A secure param resolved into the environment with plaintextEnv: the plan must still mask it.
    const dir = await paramsFleet(app, {
      extraParams: "'api/token': { secure: true, plaintextEnv: true },",
      workerParams: "{ name: 'api/token', resolve: true }",
    });
    const marker = `LEAK-MARKER-${app}`;
    const other = `OTHER-MARKER-${app}`;
    const token = `TOKEN-MARKER-${app}`;
    const rotated = `ROTATED-MARKER-${app}`;
    const markers = [marker, other, token, rotated];
    const runs: { args: string[]; r: CliResult }[] = [];
    const ops = async (args: string[], stdin?: string) => {
      const r = await runCli([...args, '--debug'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });
      runs.push({ args, r });
      return r;
    };
    const ok = async (args: string[], stdin?: string) => {
      const r = await ops(args, stdin);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };

    await ok(['params', 'set', 'api/key', '--stdin'], `${marker}\n`);
    await ok(['params', 'set', 'api/key', '--stdin'], marker); // unchanged
    await ok(['params', 'set', 'api/key', '--stdin', '--yes'], other); // updated
    await ok(['params', 'set', 'api/key', '--stdin', '--yes', '--json'], marker);
    await ops(['params', 'set', 'api/key', marker]); // refused: argv
    await ops(['params', 'set', 'api/key', '--stdin'], other); // refused: no terminal to confirm
    await ops(['params', 'set', 'api/kye', '--stdin'], marker); // refused: undeclared
    await ok(['params', 'get', 'api/key']);
    await ok(['params', 'get', 'api/key', '--json']);
    await ok(['params', 'list']);
    await ok(['params', 'list', '--json']);
    await ops(['params', 'check']); // exit 1: some missing
    await ops(['params', 'check', '--json']);
    await writeFile(
      path.join(dir, '.env.dev'),
      [
        `API_KEY=${marker}`,
        `api/secret=${other}`,
        `API_TOKEN=${token}`,
        'db-url=postgres://db',
        'feature-flags=on',
        `NOT_DECLARED=${marker}`,
      ].join('\n'),
    );
    await ops(['params', 'import', '.env.dev', '--stage', 'other']); // another stage: all created, nothing to confirm
    await ok(['params', 'import', '.env.dev', '--yes']);
    await ok(['params', 'import', '.env.dev', '--json']);
    await ok(['params', 'check']);
    await ok(['params', 'check', '--json']);

    // A deploy of a fleet that reads the secrets (one resolved into its environment by plaintextEnv).
    expect((await ops(['plan'])).code).toBe(2); // changes pending
    await ok(['deploy', '--yes']);
    await ok(['deploy', '--yes', '--json']); // a no-op redeploy
    // Status agrees with the empty plan: a resolved param is not drift (it was `drift: env` before status read the values).
    expect((await ops(['plan'])).code).toBe(0);
    const status = (await ok(['status', '--json'])).json();
    expect(status.functions.map((f: { function: string; configDrift: string[] }) => [f.function, f.configDrift])).toEqual(
      status.functions.map((f: { function: string }) => [f.function, []]),
    );
    const lambda = new LambdaClient(emu.clientConfig);
    const env = async () =>
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-dev-worker` }))).Environment?.Variables ?? {};
    expect((await env()).OPS_PARAM_VALUE_API_TOKEN).toBe(token); // the deploy did resolve it
    expect((await env()).OPS_PARAM_API_SECRET).toBe(`/${app}/dev/api/secret`);
    // A rotated value resolved into the environment: the plan shows an environment change, masked.
    await ok(['params', 'set', 'api/token', '--stdin', '--yes'], rotated);
    const redeploy = await ok(['deploy', '--yes']);
    expect(redeploy.stderr).toContain('OPS_PARAM_VALUE_API_TOKEN');
    expect((await env()).OPS_PARAM_VALUE_API_TOKEN).toBe(rotated);
    lambda.destroy();

    await ok(['params', 'unset', 'api/key', '--yes']);
    await ok(['params', 'unset', 'api/secret', '--yes', '--json']);

    for (const { args, r } of runs) {
      for (const m of markers) {
        expect(r.stdout, `stdout of ops ${args.join(' ')}`).not.toContain(m);
        expect(r.stderr, `stderr of ops ${args.join(' ')}`).not.toContain(m);
      }
    }
    expect(runs.length).toBe(27);

    // The check can fail: the same capture does show a value when asked to.
    await ok(['params', 'set', 'api/key', '--stdin'], marker);
    const revealed = await ops(['params', 'get', 'api/key', '--reveal']);
    expect(revealed.stdout).toContain(marker);
  });
});
