import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { fleetDir, uniqueApp } from './fleet.js';

const ACCOUNT = '123456789012';
const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** Two functions on one role the fleet names (`role`): api invokes worker. */
async function fleetOnRole(app: string, roleArn: string): Promise<string> {
  return fleetDir(
    app,
    { 'src/handler.ts': 'export const handler = async () => ({ ok: true });\n' },
    `  role: '${roleArn}',
  api: false,
  functions: {
    api: { handler: 'src/handler.ts', invokes: ['worker'] },
    worker: { handler: 'src/handler.ts' },
  },`,
  );
}

const roleWarnings = (text: string) => text.split('\n').filter((l) => l.includes('which ops does not manage'));

describe('a role ops does not manage: checked against its policies, warned about once', () => {
  const emu = useEmulator();
  const app = uniqueApp('xr');
  const roleName = `${app}-shared`;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
  const workerArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${app}-dev-worker`;
  let dir: string;
  const iam = () => new IAMClient(emu.clientConfig);

  beforeAll(async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    await iam().send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    // The managed policy grants the logs; nothing grants invoking the worker yet.
    await iam().send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: BASIC_EXECUTION }));
    dir = await fleetOnRole(app, roleArn);
  });

  it('ops plan names only what the attached managed policy does not grant, once for both functions', async () => {
    const proxy = await emu.proxy();
    const r = await runCli(['plan', '--json'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(2);
    const warnings = roleWarnings(r.json().warnings.join('\n'));
    expect(warnings).toEqual([
      `api and worker use role ${roleArn}, which ops does not manage, and it does not allow lambda:InvokeFunction on ${workerArn}, ${workerArn}:*: add that to the role, or remove \`role\` to let ops manage one`,
    ]);
    // The managed policy's default version was read, once.
    expect(proxy.operations({ service: 'iam' }).filter((o) => o === 'iam.GetPolicyVersion')).toHaveLength(1);
  }, 60_000);

  it('once the role grants it: no warning on the deploy, nor on the next run that has nothing to do', async () => {
    const invoke = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `${workerArn}*` }] };
    await iam().send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'invoke-worker', PolicyDocument: JSON.stringify(invoke) }));
    const deploy = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(roleWarnings(deploy.stderr)).toEqual([]);
    const again = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('No changes');
    expect(roleWarnings(again.stderr)).toEqual([]);
  }, 120_000);

  it('policies the caller may not read: the whole list once, saying why, and the plan still runs', async () => {
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'iam', operation: 'ListAttachedRolePolicies' },
      respond: faults.awsError({ code: 'AccessDenied', message: 'not authorized to perform: iam:ListAttachedRolePolicies', status: 403 }),
    });
    const r = await runCli(['plan', '--json'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    const warnings = roleWarnings(r.json().warnings.join('\n'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^api and worker use role .*, which ops does not manage \(its policies were not read: access denied\): make sure it allows logs:/,
    );
  }, 60_000);
});
