import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, smallFleet, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { silentServer } from '../support/silent-server.js';

/** The error report of a UserError: one `error:` line, a hint, no stack, no "please report". */
function expectOneLineError(stderr: string, message: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors, stderr).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(stderr).toMatch(/\n {2}hint: /);
  expect(stderr).not.toMatch(/^internal error:|please report|\n\s+at /m);
}

describe('honest errors from the AWS side', () => {
  const emu = useEmulator();
  const app = uniqueApp('hon');
  let dir: string;

  beforeAll(async () => {
    dir = await smallFleet(app);
    const r = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('ops plan against an endpoint that never answers ends within --timeout with one line', async () => {
    const endpoint = await silentServer();
    const started = Date.now();
    const r = await runCli(['plan', '--timeout', '2'], { cwd: dir, env: { ...emu.env, AWS_ENDPOINT_URL: endpoint } as NodeJS.ProcessEnv });
    expect((Date.now() - started) / 1000).toBeLessThan(8); // the build, plus 2 s of silence
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, new RegExp(`^error: cannot reach ${endpoint} \\(\\w+\\.\\w+\\): no answer within 2 s$`));
    expect(r.stdout).toBe('');
  });

  it('bin/ops plan with the default timeout ends in about 30 s, not never', async () => {
    const endpoint = await silentServer();
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/ops'), 'plan'], {
      cwd: dir,
      env: { ...process.env, ...emu.env, AWS_ENDPOINT_URL: endpoint, OPS_AWS_TIMEOUT: undefined, NO_COLOR: '1', CI: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    const [code] = await once(child, 'exit');
    clearTimeout(killer);
    const elapsed = (Date.now() - started) / 1000;
    expect(code, stderr).toBe(1);
    expect(elapsed).toBeGreaterThan(29);
    expect(elapsed).toBeLessThan(40);
    expectOneLineError(stderr, /^error: cannot reach http:\/\/127\.0\.0\.1:\d+ \(\w+\.\w+\): no answer within 30 s$/);
  }, 60_000);

  it('IAM answering an HTML page: plan and destroy stop with one line naming it; the roles are not planned again, nor lost', async () => {
    const proxy = await emu.proxy();
    proxy.addFault({ match: { service: 'iam' }, respond: faults.html() });
    const env = proxy.env as NodeJS.ProcessEnv;

    const plan = await runCli(['plan'], { cwd: dir, env });
    expect(plan.code).toBe(1);
    expect(plan.stdout).not.toMatch(/create role/);
    expectOneLineError(
      plan.stderr,
      new RegExp(`^error: iam\\.\\w+ answered with text/html \\(HTTP 200\\) from ${proxy.url}, not an AWS response$`),
    );
    expect(plan.stderr).toMatch(/hint: check --endpoint-url/);

    const destroy = await runCli(['destroy', '--yes'], { cwd: dir, env });
    expect(destroy.code).not.toBe(0);
    expect(destroy.stderr).not.toMatch(/Destroyed/);
    expectOneLineError(destroy.stderr, /^error: iam\.\w+ answered with text\/html \(HTTP 200\)/);
    const iam = new IAMClient(emu.clientConfig);
    for (const fn of ['api', 'worker']) {
      const role = await iam.send(new GetRoleCommand({ RoleName: `${app}-dev-${fn}` }));
      expect(role.Role?.RoleName).toBe(`${app}-dev-${fn}`);
    }
  });

  it('AWS failing with 5xx after the retries: one line naming the operation and status, and to retry; not "internal error"', async () => {
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'lambda', operation: 'ListFunctions' },
      respond: faults.awsError({ status: 500, code: 'ServiceException', message: 'An internal error occurred.' }),
    });
    const r = await runCli(['plan'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expectOneLineError(
      r.stderr,
      /^error: AWS failed: lambda\.ListFunctions answered HTTP 500 \(ServiceException: An internal error occurred\.\)$/,
    );
    expect(r.stderr).toMatch(/hint: .*run the command again/);
    expect(proxy.requests.filter((q) => q.operation === 'ListFunctions').length).toBeGreaterThan(1); // the SDK retried first
  });

  it('a proxy answering 502 with its own page is not AWS, and says so', async () => {
    const proxy = await emu.proxy();
    proxy.addFault({ match: { service: 'lambda' }, respond: faults.html(502) });
    const r = await runCli(['plan'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expectOneLineError(
      r.stderr,
      /^error: lambda\.\w+ answered with text\/html \(HTTP 502\) from http:\/\/127\.0\.0\.1:\d+, not an AWS response$/,
    );
  });
});
