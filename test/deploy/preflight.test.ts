import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type EmulatorClientConfig, useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { smallFleet, uniqueApp } from './fleet.js';

const ACCOUNT = '123456789012';

/** A VPC with one subnet and one security group, made straight on moto (not through the counting proxy). */
async function makeVpc(client: EmulatorClientConfig, cidr: string): Promise<{ vpc: string; subnet: string; sg: string }> {
  const ec2 = new EC2Client(client);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${cidr}.0.0/16` }))).Vpc?.VpcId ?? '';
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `${cidr}.1.0/24` }))).Subnet?.SubnetId ?? '';
  const sg =
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `g-${cidr}`, Description: 'preflight test', VpcId: vpc }))).GroupId ?? '';
  return { vpc, subnet, sg };
}

/** The small fleet plus a Python function `py` whose config is `pyConfig` and whose module is `module`. */
async function fleetWithPython(app: string, pyConfig: string, module: string): Promise<string> {
  const dir = await smallFleet(app, { extraConfig: `py: { handler: 'src/py/lambda_function.lambda_handler', ${pyConfig} },` });
  await mkdir(path.join(dir, 'src/py'), { recursive: true });
  await writeFile(path.join(dir, 'src/py/lambda_function.py'), module);
  return dir;
}

describe('preflight: every external reference checked before any write', () => {
  const emu = useEmulator();

  it('a missing role, topic, subnet and layer version and a missing Python handler function: one run lists all five, writes nothing', async () => {
    const app = uniqueApp('pf');
    const { sg } = await makeVpc(emu.clientConfig, '10.41');
    const dir = await fleetWithPython(
      app,
      `role: 'arn:aws:iam::${ACCOUNT}:role/${app}-gone',
        triggers: [{ sns: 'arn:aws:sns:us-east-1:${ACCOUNT}:${app}-gone' }],
        vpc: { subnetIds: ['subnet-0deadbeef${app}'], securityGroupIds: ['${sg}'] },
        layers: ['arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${app}-gone:3']`,
      // `handle`, not `lambda_handler`: deployed, this fails every invoke with Runtime.HandlerNotFound.
      'def handle(event, context):\n    return {"ok": True}\n',
    );
    const proxy = await emu.proxy();
    const started = performance.now();
    const r = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    const ms = Math.round(performance.now() - started);
    console.log(
      `preflight: ops deploy --yes with five problems ended in ${ms} ms (${proxy.requestCount} requests, ${proxy.writeCount()} writes)`,
    );

    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('5 problems with what the config refers to; nothing was written');
    const lines = r.stderr.split('\n');
    const line = (start: string) => lines.find((l) => l.trimStart().startsWith(start)) ?? `(no line starting with ${start})`;
    expect(line('functions.py.role:')).toContain(`role arn:aws:iam::${ACCOUNT}:role/${app}-gone does not exist`);
    expect(line('functions.py.triggers.0.sns:')).toContain(`SNS topic arn:aws:sns:us-east-1:${ACCOUNT}:${app}-gone does not exist`);
    expect(line('functions.py.vpc.subnetIds.0:')).toContain(`subnet subnet-0deadbeef${app} does not exist in us-east-1`);
    expect(line('functions.py.layers.0:')).toContain(
      `layer version arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${app}-gone:3 does not exist`,
    );
    expect(line('functions.py.handler:')).toContain(
      'src/py/lambda_function.py has no top-level function lambda_handler (it defines handle)',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Zero writes: no role, no function, no log group, no API, and no stage lease either.
    expect(proxy.writeCount(), proxy.operations().join(', ')).toBe(0);
  }, 60_000);

  it('ops plan reports the same way, and finds a role Lambda may not assume and subnets of two VPCs', async () => {
    const app = uniqueApp('pfp');
    const [a, b] = [await makeVpc(emu.clientConfig, '10.42'), await makeVpc(emu.clientConfig, '10.43')];
    const iam = new IAMClient(emu.clientConfig);
    const ec2Trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    await iam.send(new CreateRoleCommand({ RoleName: `${app}-ec2`, AssumeRolePolicyDocument: JSON.stringify(ec2Trust) }));
    const dir = await fleetWithPython(
      app,
      `role: 'arn:aws:iam::${ACCOUNT}:role/${app}-ec2', vpc: { subnetIds: ['${a.subnet}'], securityGroupIds: ['${b.sg}'] }`,
      'def lambda_handler(event, context):\n    return 1\n',
    );
    const proxy = await emu.proxy();
    const r = await runCli(['plan'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 problems with what the config refers to');
    expect(r.stderr).toContain(
      `functions.py.role: role arn:aws:iam::${ACCOUNT}:role/${app}-ec2 does not let lambda.amazonaws.com assume it`,
    );
    expect(r.stderr).toContain(
      `functions.py.vpc: subnets and security groups must all be in one VPC (${a.subnet} in ${a.vpc}; ${b.sg} in ${b.vpc})`,
    );
    expect(proxy.writeCount()).toBe(0);
  }, 60_000);

  it('references that all exist pass: the plan is made as before', async () => {
    const app = uniqueApp('pfok');
    const { subnet, sg } = await makeVpc(emu.clientConfig, '10.44');
    const lambdaTrust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    };
    const role = await new IAMClient(emu.clientConfig).send(
      new CreateRoleCommand({ RoleName: `${app}-run`, Path: '/service/', AssumeRolePolicyDocument: JSON.stringify(lambdaTrust) }),
    );
    const topic = await new SNSClient(emu.clientConfig).send(new CreateTopicCommand({ Name: `${app}-events` }));
    const layer = await new LambdaClient(emu.clientConfig).send(
      new PublishLayerVersionCommand({
        LayerName: `${app}-lib`,
        Content: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
      }),
    );
    const dir = await fleetWithPython(
      app,
      `role: '${role.Role?.Arn}', triggers: [{ sns: '${topic.TopicArn}' }], vpc: { subnetIds: ['${subnet}'], securityGroupIds: ['${sg}'] },
        layers: ['${layer.LayerVersionArn}']`,
      'import json\n\n\ndef lambda_handler(event, context):\n    return json.dumps(event)\n',
    );
    const r = await runCli(['plan'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.stderr).not.toContain('problem');
    expect(r.code, r.stderr).toBe(2);
  }, 60_000);

  it('a preflight read that is refused (AccessDenied) warns and does not block the plan', async () => {
    const app = uniqueApp('pfad');
    const topic = await new SNSClient(emu.clientConfig).send(new CreateTopicCommand({ Name: `${app}-events` }));
    const dir = await smallFleet(app, {
      extraConfig: `sub: { handler: 'src/worker/handler.ts', triggers: [{ sns: '${topic.TopicArn}' }] },`,
    });
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'sns', operation: 'GetTopicAttributes' },
      respond: faults.awsError({ code: 'AuthorizationError', message: 'not authorized to perform: SNS:GetTopicAttributes', status: 403 }),
    });
    // ops plan goes through the same preflight as ops deploy, and shows what would go on.
    const r = await runCli(['plan'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain(`subscribe ${app}-dev-sub:live to ${app}-events`);
    expect(r.stderr).toMatch(
      new RegExp(`warning: functions\\.sub\\.triggers\\.0\\.sns: could not check ${topic.TopicArn} \\(.+\\); deploying anyway`),
    );
    expect(proxy.requests.filter((q) => q.operation === 'GetTopicAttributes' && q.fault).length).toBeGreaterThan(0);
  }, 60_000);
});
