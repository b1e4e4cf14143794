import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Moto } from '../../src/emulator/moto.js';
import { copyExample, ensureAutoRescueRole, type Ops, opsFor, type ResolvedFleet, uniqueStage } from '../examples/support.js';
import { type EmulatorClientConfig, emulatorEnv, useEmulator } from '../support/emulator.js';
import { checkRequests, type RequestChecks } from '../support/request-limits.js';
import { type RecordedCall, recordSdkCalls } from '../support/sdk-recorder.js';
import { copyRepoFleet, uniqueApp } from './fleet.js';
import { startLayerMoto } from './layer-moto.js';

/** What each fleet names outside itself, made on moto the way its owner would (not recorded). */
const outside: Record<string, (client: EmulatorClientConfig, dir: string) => Promise<void>> = {
  autorescue: (client) => ensureAutoRescueRole(client),
  // cloudops-agent declares its table, bucket, topics and secret: the deploy makes them.
  async valro(client) {
    await new SQSClient(client).send(new CreateQueueCommand({ QueueName: 'valro-worker-failures' }));
  },
  // moto cannot make a subnet with a chosen id: one VPC of its own, its ids put into the copy.
  async spool(client, dir) {
    const ec2 = new EC2Client(client);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.79.0.0/16' }))).Vpc?.VpcId;
    const subnet = async (cidr: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr }))).Subnet?.SubnetId;
    const ids = [await subnet('10.79.1.0/24'), await subnet('10.79.2.0/24')];
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `limits-${Date.now()}`, Description: 'limits', VpcId: vpc }));
    const file = path.join(dir, 'ops.config.ts');
    const text = (await readFile(file, 'utf8'))
      .replace('subnet-0abc1234def567890', ids[0] ?? '')
      .replace('subnet-0abc1234def567891', ids[1] ?? '')
      .replace('sg-0abc1234def567890', sg.GroupId ?? '');
    await writeFile(file, text);
  },
};

/** Every declared param set through `ops params set` (so its PutParameter is one of ops's requests). */
async function setAllParams(ops: Ops): Promise<void> {
  const config = await ops(['config', '--json']);
  expect(config.code, config.stderr).toBe(0);
  for (const p of config.json<ResolvedFleet>().params) {
    const value = /url/.test(p.name) ? 'https://example.com/x' : `value-of-${p.name.replace(/\W/g, '-')}`;
    const r = p.secure ? await ops(['params', 'set', p.name, '--stdin'], { stdin: value }) : await ops(['params', 'set', p.name, value]);
    expect(r.code, `${p.name}: ${r.stderr}`).toBe(0);
  }
}

/**
 * The requests `ops` really sends for the repo's fleet and the five examples, deployed to moto and
 * recorded as the SDK got them, checked against the limits the schema and the plan enforce (issue
 * 12.14's last ask): with valid configs no request is one that AWS would refuse.
 */
describe('requests ops builds for valid fleets stay within the limits it checks', () => {
  const emu = useEmulator();
  const all: RecordedCall[] = [];
  let layerMoto: Moto | undefined;
  afterAll(() => layerMoto?.stop());

  async function deployRecorded(dir: string, stage: string, env: Record<string, string | undefined>): Promise<RequestChecks> {
    const ops = opsFor(dir, stage, env);
    const recorder = recordSdkCalls();
    try {
      await setAllParams(ops);
      const r = await ops(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      recorder.stop();
    }
    all.push(...recorder.calls);
    return checkRequests(recorder.calls);
  }

  it("the repo's fleet", async () => {
    const dir = await copyRepoFleet(uniqueApp('limq'));
    const checks = await deployRecorded(dir, 'dev', emu.env);
    expect(checks.problems).toEqual([]);
    expect(checks.seen.environments).toBeGreaterThan(0);
  }, 120_000);

  for (const name of ['autorescue', 'cloudops-agent', 'valro', 'spool']) {
    it(`examples/${name}`, async () => {
      const dir = await copyExample(name);
      await outside[name]?.(emu.clientConfig, dir);
      const checks = await deployRecorded(dir, uniqueStage(), emu.env);
      expect(checks.problems).toEqual([]);
    }, 120_000);
  }

  it('examples/faas-services (on a moto whose Lambda attaches layers)', async () => {
    layerMoto = await startLayerMoto();
    const dir = await copyExample('faas-services');
    const checks = await deployRecorded(dir, uniqueStage(), emulatorEnv(layerMoto.url));
    expect(checks.problems).toEqual([]);
  }, 180_000);

  it('together: every check saw requests, and none broke a limit', () => {
    const { problems, seen } = checkRequests(all);
    const ops = new Set(all.map((c) => `${c.client}.${c.command}`));
    console.log(
      `limits: ${all.length} requests of 6 fleets checked (${ops.size} operations): ` +
        Object.entries(seen)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );
    expect(problems).toEqual([]);
    // A check that saw nothing would pass whatever ops sent.
    for (const [check, n] of Object.entries(seen)) expect(n, check).toBeGreaterThan(0);
  });
});
