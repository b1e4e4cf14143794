import { LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

interface PlannedChange {
  id: string;
  fn: string | null;
  summary: string;
  fields: unknown[];
}

/**
 * Issue 18: `ops plan <fn>` reads only what the selection's plan looks at. Its plan must still be the part of the
 * full `ops plan` that concerns the selection: nothing missing because it was not read, nothing of the shared HTTP
 * API that the selection is not attached to.
 */
describe('ops plan <fn> against the full ops plan', () => {
  const emu = useEmulator();
  const app = uniqueApp('sp');
  const name = (key: string) => `${app}-dev-${key}`;
  const kept = `${app}-nightly`;
  const h = 'src/h.ts';
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const plan = async (...fns: string[]): Promise<PlannedChange[]> => {
    const r = await ops(['plan', ...fns, '--json']);
    expect([0, 2], r.stderr).toContain(r.code);
    return r.json().changes;
  };
  const line = (c: PlannedChange) => `${c.id} | ${c.summary} | ${JSON.stringify(c.fields)}`;

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { [h]: 'export const handler = async () => ({ statusCode: 200, body: "one" });\n' },
      `  functions: {
    web: { handler: '${h}', routes: ['GET /web'] },
    cron: { handler: '${h}', triggers: [{ schedule: 'rate(1 hour)', ruleName: '${kept}' }] },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
  }, 60_000);

  it("a kept-name rule that left the config, its permission on live removed by hand, is deleted by its function's plan as by the full plan", async () => {
    await edit(`${dir}/ops.config.ts`, (s) => s.replace(`triggers: [{ schedule: 'rate(1 hour)', ruleName: '${kept}' }]`, 'memory: 256'));
    await new LambdaClient(emu.clientConfig).send(
      new RemovePermissionCommand({ FunctionName: name('cron'), Qualifier: 'live', StatementId: `ops-rule-${kept}` }),
    );
    const full = (await plan()).filter((c) => c.fn === 'cron');
    expect(full.map((c) => c.id)).toContain(`schedule.delete:${kept}`);
    expect((await plan('cron')).map(line)).toEqual(full.map(line));
    expect((await plan('web')).map((c) => c.id)).toEqual([]);
    const d = await ops(['deploy', 'cron', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await plan()).toEqual([]);
  });
});
