import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, ListTagsForResourceCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_POLICY_NAME } from '../../src/config/naming.js';
import { getParam, resetParams } from '../../src/functions/_shared/params.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, repoRoot, uniqueApp } from './fleet.js';

/**
 * A param at a path of its own (issue 16 item 4, seed 002's `/spool/openai-api-key`; here `/{app}/openai-api-key`,
 * the same shape, so parallel runs do not share it) and a log group that never expires (item 6). The preflight stops
 * the deploy while the param is missing; `ops params set/get/list` act on that path (shared by all stages, never
 * unset); the function gets that name, its role exactly that ARN; the helpers read it through the name (moto runs
 * no Lambda code without docker, so the remote read is the helper run here with the deployed environment); the
 * log group has no retention until the config asks for days, and loses it again for 'never'.
 */
describe('ops deploy: a param at its own path, logs that never expire', () => {
  const emu = useEmulator();
  const app = uniqueApp('ppath');
  const stage = 'dev';
  const fn = `${app}-${stage}-chat`;
  const paramName = `/${app}/openai-api-key`;
  const VALUE = 'sk-test-Yk3p';
  let dir: string;
  const ops = (args: string[], stdin?: string) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });
  const retention = async () => {
    const logs = new CloudWatchLogsClient(emu.clientConfig);
    const res = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${fn}` }));
    const group = res.logGroups?.find((g) => g.logGroupName === `/aws/lambda/${fn}`);
    expect(group, 'log group').toBeDefined();
    return group?.retentionInDays;
  };

  beforeAll(async () => {
    const helperPy = await readFile(path.join(repoRoot, 'templates/functions/python/ops_params.py'), 'utf8');
    dir = await fleetDir(
      app,
      {
        'src/functions/_shared/params.ts': await readFile(path.join(repoRoot, 'templates/functions/typescript/params.ts'), 'utf8'),
        'src/functions/chat/handler.ts': `import { getParam } from '../_shared/params';
export const handler = async () => ({ key: await getParam('openai-api-key') });
`,
        'py/ops_params.py': helperPy,
      },
      `  params: { 'openai-api-key': { path: '${paramName}', secure: true } },
  functions: {
    chat: { handler: 'src/functions/chat/handler.ts', params: ['openai-api-key'], logRetentionDays: 'never' },
  },`,
    );
  });

  it('the preflight stops the deploy while the param is missing: one line naming ops params set, nothing created', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toContain('ops params set openai-api-key');
    expect(d.stderr).not.toMatch(/\n\s+at /);
    const got = await new LambdaClient(emu.clientConfig)
      .send(new GetFunctionConfigurationCommand({ FunctionName: fn }))
      .catch((e: Error) => e.name);
    expect(got).toBe('ResourceNotFoundException');
  });

  it('ops params set/get/list act on that path: tagged for the app only, shared by all stages, never unset', async () => {
    const set = await ops(['params', 'set', 'openai-api-key', '--stdin'], `${VALUE}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(VALUE);
    const ssm = new SSMClient(emu.clientConfig);
    const stored = await ssm.send(new GetParameterCommand({ Name: paramName, WithDecryption: true }));
    expect(stored.Parameter).toMatchObject({ Type: 'SecureString', Value: VALUE });
    const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: paramName }));
    expect(tags.TagList).toEqual([{ Key: 'ops:app', Value: app }]);
    // Another stage reads the same parameter.
    const prod = await ops(['params', 'get', 'openai-api-key', '--reveal', '--stage', 'prod']);
    expect(prod.stdout.trim(), prod.stderr).toBe(VALUE);
    const list = await ops(['params', 'list', '--json']);
    expect(JSON.parse(list.stdout).params).toEqual([
      expect.objectContaining({ name: 'openai-api-key', path: paramName, status: 'set', shared: true, type: 'SecureString' }),
    ]);
    const listText = await ops(['params', 'list']);
    expect(listText.stderr).toContain(`openai-api-key is ${paramName}, shared by all stages`);
    const unset = await ops(['params', 'unset', 'openai-api-key', '--yes']);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain('shared by every stage: ops does not delete it');
    expect((await ssm.send(new GetParameterCommand({ Name: paramName }))).Parameter?.Name).toBe(paramName);
    expect((await ops(['params', 'check'])).code).toBe(0);
  });

  it("a declared path that another ops app's tag owns is never overwritten: one line, the value kept", async () => {
    const other = `/${app}-b/shared-token`;
    const ssm = new SSMClient(emu.clientConfig);
    await ssm.send(
      new PutParameterCommand({ Name: other, Value: 'theirs', Type: 'String', Tags: [{ Key: 'ops:app', Value: `${app}-b` }] }),
    );
    const config = `${dir}/ops.config.ts`;
    await edit(config, (t) => t.replace('params: {', `params: { token: { path: '${other}' },`));
    const set = await ops(['params', 'set', 'token', '--stdin', '--yes'], 'mine\n');
    await edit(config, (t) => t.replace(`token: { path: '${other}' },`, ''));
    expect(set.code).not.toBe(0);
    expect(set.stderr).toContain(`${other} belongs to app ${app}-b (tag ops:app): ${app} does not write it`);
    expect((await ssm.send(new GetParameterCommand({ Name: other }))).Parameter?.Value).toBe('theirs');
  });

  it('deploys: the function gets the name, the role reads exactly that ARN, the log group has no retention', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    const cfg = await new LambdaClient(emu.clientConfig).send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    const vars = cfg.Environment?.Variables ?? {};
    expect(vars.OPS_PARAM_OPENAI_API_KEY).toBe(paramName);
    const role = await new IAMClient(emu.clientConfig).send(new GetRolePolicyCommand({ RoleName: fn, PolicyName: ROLE_POLICY_NAME }));
    const statements = JSON.parse(decodeURIComponent(role.PolicyDocument ?? '{}')).Statement as { Sid?: string; Resource: unknown }[];
    const account = cfg.FunctionArn?.split(':')[4];
    expect(statements.find((s) => s.Sid === 'OpsParams')?.Resource).toEqual([`arn:aws:ssm:us-east-1:${account}:parameter${paramName}`]);
    expect(await retention()).toBeUndefined();
    expect((await ops(['plan'])).stdout).toContain('No changes');

    // What the deployed handler does with that environment: the Node and the Python helper read the full path.
    emu.stubEnv({ ...emu.env, OPS_PARAM_OPENAI_API_KEY: vars.OPS_PARAM_OPENAI_API_KEY, OPS_PARAM_VALUE_OPENAI_API_KEY: undefined });
    resetParams();
    expect(await getParam('openai-api-key')).toBe(VALUE);
    const py = await promisify(execFile)('python3', ['-c', 'import ops_params; print(ops_params.get_param("openai-api-key"))'], {
      cwd: path.join(dir, 'py'),
      env: { ...process.env, ...emu.env, OPS_PARAM_OPENAI_API_KEY: paramName } as NodeJS.ProcessEnv,
    });
    expect(py.stdout.trim()).toBe(VALUE);
  });

  it('ops invoke --local reads it from the store', async () => {
    const local = await ops(['invoke', 'chat', '--local']);
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toEqual({ key: VALUE });
  });

  it("switching to days sets the retention; back to 'never' removes it with 'retention never (was 14 days)'", async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("logRetentionDays: 'never'", 'logRetentionDays: 14'));
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await retention()).toBe(14);
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('logRetentionDays: 14', "logRetentionDays: 'never'"));
    const plan = await ops(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('retention never (was 14 days)');
    const back = await ops(['deploy', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await retention()).toBeUndefined();
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });
});
