import { AttachRolePolicyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { BATCH_ROLE_READS_FROM, readRoles } from '../../src/aws/iam.js';
import { createRole } from '../../src/aws/write.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

const iamCalls = (requests: readonly { service: string; operation: string }[]) => {
  const counts: Record<string, number> = {};
  for (const r of requests) if (r.service === 'iam') counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
};

describe('reading many roles', () => {
  it('reads them in one GetAccountAuthorizationDetails, exactly as role by role', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const names = Array.from({ length: BATCH_ROLE_READS_FROM + 5 }, (_, i) => `fn${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((fn) => createRole(aws, roleSpec(app, 'dev', fn))));
    // What the batch must carry like the single reads: another inline policy, an attached one, other tags.
    const iam = await aws.iam();
    const [hand, attached, other] = names.map((fn) => `${app}-dev-${fn}`);
    await iam.putRolePolicy({
      RoleName: hand,
      PolicyName: 'hand-made',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
    });
    // ops never attaches a policy: the command is sent as is, not through a method of ops's IAM client.
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: attached, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }),
    );
    await iam.tagRole({ RoleName: other, Tags: [{ Key: 'ops:stage', Value: 'prod' }] });

    proxy.clearLog();
    const batch = await readRoles(aws, { app, stage: 'dev' });
    expect(iamCalls(proxy.requests)).toEqual({ ListRoles: 1, GetAccountAuthorizationDetails: 1 });

    proxy.clearLog();
    const single = await readRoles(aws, { app, stage: 'dev' }, { batchFrom: Number.POSITIVE_INFINITY });
    expect(iamCalls(proxy.requests)).toMatchObject({ GetRole: names.length, ListRolePolicies: names.length });

    expect(batch).toEqual(single);
    expect(Object.keys(batch.items)).toHaveLength(names.length - 1);
    expect(batch.foreign).toEqual([{ type: 'iam role', name: other, reason: expect.any(String) }]);
    expect(Object.keys(batch.items[hand].inlinePolicies).sort()).toEqual(['hand-made', 'ops']);
    expect(batch.items[attached].attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
    aws.destroy();
  });

  it('reads role by role when the identity may not call GetAccountAuthorizationDetails', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    await Promise.all(['a', 'b'].map((fn) => createRole(aws, roleSpec(app, 'dev', fn))));
    proxy.addFault({
      match: { service: 'iam', operation: 'GetAccountAuthorizationDetails' },
      times: 1,
      respond: faults.awsError({
        status: 403,
        code: 'AccessDenied',
        message: 'User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: iam:GetAccountAuthorizationDetails',
      }),
    });

    proxy.clearLog();
    const roles = await readRoles(aws, { app, stage: 'dev' }, { batchFrom: 1 });
    expect(Object.keys(roles.items).sort()).toEqual([`${app}-dev-a`, `${app}-dev-b`]);
    expect(iamCalls(proxy.requests)).toMatchObject({ GetAccountAuthorizationDetails: 1, GetRole: 2 });
    aws.destroy();
  });
});
