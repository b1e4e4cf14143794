import { beforeAll, describe, expect, it } from 'vitest';
import { fleetDir, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';

interface Line {
  check: string;
  ok: boolean;
  message: string;
  fix?: string;
}

/**
 * `ops doctor` (issue 18 item 5) on moto: a fleet with a param that has no value for the stage and a
 * function without an alarm. Each finding carries its fix; the credentials line names the account and the
 * endpoint override; the only AWS calls are STS GetCallerIdentity and the params read of the deploy preflight.
 */
describe('ops doctor', () => {
  const emu = useEmulator();
  const app = uniqueApp('doc');
  let dir: string;

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      {
        'src/api/handler.ts': 'export const handler = async () => ({ statusCode: 200 });\n',
        'src/worker/handler.ts': 'export const handler = async () => ({ done: true });\n',
      },
      `  params: { 'stripe/key': { secure: true } },
  functions: {
    api: { handler: 'src/api/handler.ts', params: ['stripe/key'], alarms: [{ metric: 'Errors', threshold: 1 }] },
    worker: { handler: 'src/worker/handler.ts' },
  },`,
    );
  });

  it('lists the missing param and the function without alarms with their fixes, exit 1, with one STS call and one params read', async () => {
    const proxy = await emu.proxy();
    const r = await runCli(['doctor', '--json'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<{ ok: boolean; findings: number; checks: Line[] }>();
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => !c.ok);
    expect(report.findings).toBe(failed.length);
    expect(failed.find((c) => c.check === 'params')).toEqual({
      check: 'params',
      ok: false,
      message: 'param stripe/key is not set (read by api): ops deploy stops on it',
      fix: 'ops params set stripe/key --stage dev',
    });
    expect(failed.filter((c) => c.check === 'alarms')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('function worker has no alarm'),
        fix: expect.stringContaining('functions.worker'),
      }),
    ]);
    const credentials = report.checks.find((c) => c.check === 'credentials');
    expect(credentials).toMatchObject({ ok: true });
    expect(credentials?.message).toContain('account 123456789012');
    expect(credentials?.message).toContain(`endpoint ${proxy.url} (override)`);
    // nodejs22.x (the default runtime) is supported until 2027: not a finding before then.
    expect(report.checks.find((c) => c.check === 'runtime')).toMatchObject({ ok: true, message: expect.stringContaining('nodejs22.x') });
    expect(report.checks.find((c) => c.check === 'node')?.ok).toBe(process.versions.node.startsWith('22.'));
    expect(failed.every((c) => c.fix)).toBe(true);
    expect(proxy.operations().sort()).toEqual(['ssm.GetParameters', 'sts.GetCallerIdentity']);
  });

  it('says the credentials do not work (AWS refusing them, through the proxy) and leaves the params unchecked', async () => {
    const proxy = await emu.proxy();
    // moto accepts any key: AWS answers an unknown one with 403 InvalidClientTokenId.
    proxy.addFault({
      match: { service: 'sts' },
      respond: faults.awsError({
        status: 403,
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      }),
    });
    const r = await runCli(['doctor'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /✗ credentials +no usable AWS credentials \(region us-east-1, keys from AWS_ACCESS_KEY_ID, endpoint .+\): .*(InvalidClientTokenId|security token)/,
    );
    expect(r.stdout).toContain(`fix: check that ${proxy.url} is up and takes these credentials, or unset AWS_ENDPOINT_URL`);
    expect(r.stdout).toContain('params not checked: no usable credentials');
    expect(r.stdout).toMatch(/✗ alarms +function worker has no alarm/);
    expect(proxy.operations({ service: 'ssm' })).toEqual([]);
  });
});
