import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, smallFleet, uniqueApp } from './fleet.js';

/**
 * `ops deploy --smoke`: the new version is published, its smoke samples run against it, and only
 * then does `live` move. moto's Lambda echoes the payload, so a sample whose expectation is a subset
 * of its own payload passes and one that asks for something else fails, deterministically.
 */
describe('ops deploy --smoke', () => {
  const emu = useEmulator();

  it('moves live when the samples pass, and leaves it on the old version when one fails', async () => {
    const app = uniqueApp('smk');
    const dir = await smallFleet(app);
    const events = path.join(dir, 'src/worker/events');
    await mkdir(events, { recursive: true });
    await writeFile(path.join(events, 'ping.json'), '{ "ping": 1 }\n');
    await writeFile(path.join(events, 'ping.expect.json'), '{ "body": { "ping": 1 } }\n');
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    const live = async () =>
      (await new LambdaClient(emu.clientConfig).send(new GetAliasCommand({ FunctionName: `${app}-dev-worker`, Name: 'live' })))
        .FunctionVersion;

    const first = await ops(['deploy', '--smoke', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    expect(await live()).toBe('1');

    // A new version whose sample no longer meets its expectation.
    await edit(path.join(dir, 'src/worker/handler.ts'), (t) => t.replace("v: 'one'", "v: 'two'"));
    await writeFile(path.join(events, 'ping.expect.json'), '{ "body": { "ping": 2 } }\n');
    const second = await ops(['deploy', '--smoke', '--yes']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('ping');
    expect(second.stderr).toContain('version 2 failed its smoke samples: live stays on 1');
    expect(await live()).toBe('1');
    const versions = await new LambdaClient(emu.clientConfig).send(
      new ListVersionsByFunctionCommand({ FunctionName: `${app}-dev-worker` }),
    );
    expect(versions.Versions?.map((v) => v.Version)).toContain('2'); // published, taking no traffic

    // Fixed: the next deploy publishes nothing new (same code) but moves live once the samples pass.
    await writeFile(path.join(events, 'ping.expect.json'), '{ "body": { "ping": 1 } }\n');
    const third = await ops(['deploy', '--smoke', '--yes']);
    expect(third.code, third.stderr).toBe(0);
    expect(await live()).toBe('2');
  });
});
