import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryParamName } from '../../src/model/inventory.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { fleetDir, uniqueApp } from './fleet.js';

/**
 * Issue 16 items 2 and 3 for functions: a function made by hand (its own role, a version 1 and an alias `prod` that a
 * caller uses, a log group that never expires) is adopted by a config that keeps its name. One deploy, shared by the
 * cases: the plan says adopt (no create, no delete); the function keeps its ARN, version 1 and `prod`, gains `live`;
 * the next plan is empty; another stage with the same kept name is refused before any write (counted through the
 * fault proxy); destroy keeps the function, untagged, and the stage inventory is gone.
 */
describe('ops deploy: kept function names and adoption', () => {
  const emu = useEmulator();
  const app = uniqueApp('seedapp');
  // The seed's name, made unique per run (moto lives for the whole suite); outside the stage's {app}-dev- prefix.
  const kept = `${app}-search-flights`;
  const logGroup = `/aws/lambda/${kept}`;
  let dir: string;
  let arn: string;
  const lambda = () => new LambdaClient(emu.clientConfig);
  const logs = () => new CloudWatchLogsClient(emu.clientConfig);
  const ops = (args: string[], env = emu.env) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });
  const tagsOf = async () => (await lambda().send(new GetFunctionCommand({ FunctionName: kept }))).Tags ?? {};
  const alias = (Name: string) =>
    lambda()
      .send(new GetAliasCommand({ FunctionName: kept, Name }))
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e)));

  beforeAll(async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const role = (
      await new IAMClient(emu.clientConfig).send(new CreateRoleCommand({ RoleName: `${app}-seed-role`, AssumeRolePolicyDocument: trust }))
    ).Role!;
    const zipFile = path.join(await mkdtemp(path.join(tmpdir(), 'ops-kept-')), 'fn.zip');
    await writeDeterministicZip([{ path: 'index.mjs', data: 'export const handler = async () => "seed";' }], zipFile);
    const created = await lambda().send(
      new CreateFunctionCommand({
        FunctionName: kept,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Arn!,
        Code: { ZipFile: await readFile(zipFile) },
        Tags: { team: 'search' },
      }),
    );
    arn = created.FunctionArn!;
    const v1 = await lambda().send(new PublishVersionCommand({ FunctionName: kept }));
    await lambda().send(new CreateAliasCommand({ FunctionName: kept, Name: 'prod', FunctionVersion: v1.Version! }));
    await logs().send(new CreateLogGroupCommand({ logGroupName: logGroup }));
    dir = await fleetDir(
      app,
      { 'src/search/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ops" });\n' },
      `  functions: {
    search: { handler: 'src/search/handler.ts', name: '${kept}', adopt: true, logRetentionDays: 14, roleName: { dev: '${app}-SearchRole' } },
  },`,
    );
  });

  it('plans an adoption (no create, no delete) and deploys it in place: ARN, version 1 and prod kept, live made', async () => {
    const plan = await ops(['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(2);
    const changes = JSON.parse(plan.stdout).changes as { id: string; kind: string; summary: string }[];
    expect(changes.map((c) => c.kind)).toContain('function.adopt');
    expect(changes.filter((c) => /^function\.(create|delete)$/.test(c.kind))).toEqual([]);
    expect(changes.find((c) => c.kind === 'function.adopt')?.summary).toMatch(new RegExp(`^adopt function ${kept} `));
    expect(changes.find((c) => c.id === `loggroup.create:${logGroup}`)?.summary).toMatch(/^adopt log group/);

    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const got = await lambda().send(new GetFunctionCommand({ FunctionName: kept }));
    expect(got.Configuration?.FunctionArn).toBe(arn);
    expect(got.Tags).toMatchObject({ team: 'search', 'ops:app': app, 'ops:stage': 'dev', 'ops:adopted': 'true' });
    const versions = (await lambda().send(new ListVersionsByFunctionCommand({ FunctionName: kept }))).Versions ?? [];
    expect(versions.map((v) => v.Version)).toContain('1');
    expect((await alias('prod'))?.FunctionVersion).toBe('1');
    // The role ops made for it has its kept name (roleName), in the stage's path, and the function runs with it.
    const made = (await new IAMClient(emu.clientConfig).send(new GetRoleCommand({ RoleName: `${app}-SearchRole` }))).Role;
    expect(made?.Path).toBe(`/ops/${app}/dev/`);
    expect(got.Configuration?.Role).toBe(made?.Arn);
    const live = await alias('live');
    expect(live?.FunctionVersion).not.toBe('1');
    const group = (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }))).logGroups?.[0];
    expect(group?.retentionInDays).toBe(14);
    const groupTags = (await logs().send(new ListTagsForResourceCommand({ resourceArn: group!.arn!.replace(/:\*$/, '') }))).tags;
    expect(groupTags).toMatchObject({ 'ops:app': app, 'ops:stage': 'dev' });
    // Listed in the stage inventory, so it is found once it leaves the config.
    const inv = await new SSMClient(emu.clientConfig).send(new GetParameterCommand({ Name: inventoryParamName(app, 'dev') }));
    expect(JSON.parse(inv.Parameter?.Value ?? '{}')).toEqual({ function: [kept] });

    const again = await ops(['plan']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('another stage with the same kept name is refused by its tags, one line, before any write', async () => {
    const proxy = await emu.proxy();
    const r = await ops(['deploy', '--yes', '--stage', 'qa'], proxy.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `function ${kept} belongs to stage dev (ops:stage): give this stage another name, e.g. name: { dev: '${kept}' }`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const writes = proxy.operations().filter((op) => /\.(Create|Put|Update|Delete|Tag|Untag|Publish|Add|Remove)/.test(op));
    expect(writes).toEqual([]);
    expect(proxy.operations().length).toBeGreaterThan(0);
  });

  it('a plan of a config that dropped every kept name still shows the kept function go (the inventory is read without a lease look)', async () => {
    const config = path.join(dir, 'ops.config.ts');
    const original = await readFile(config, 'utf8');
    await writeFile(config, original.replace(/search: \{[^\n]*\},/, "other: { handler: 'src/search/handler.ts' },"));
    try {
      const p = await ops(['plan', '--json']);
      const summaries = (JSON.parse(p.stdout).changes as { summary: string }[]).map((c) => c.summary);
      expect(summaries).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^keep function ${kept}: kept \\(adopted`))]));
    } finally {
      await writeFile(config, original);
    }
  });

  it("a kept role name held by a role that is not the stage's is refused, one line, before any write", async () => {
    const other = await fleetDir(
      `${app}r`,
      { 'src/x/handler.ts': 'export const handler = async () => 1;\n' },
      `  functions: { x: { handler: 'src/x/handler.ts', roleName: '${app}-seed-role' } },`,
    );
    const proxy = await emu.proxy();
    const r = await runCli(['deploy', '--yes'], { cwd: other, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `functions.x: role ${app}-seed-role exists and is not this stage's (it exists under /, not /ops/${app}r/dev/)`,
    );
    const writes = proxy.operations().filter((op) => /\.(Create|Put|Update|Delete|Tag|Untag|Publish|Add|Remove)/.test(op));
    expect(writes).toEqual([]);
  });

  it('destroy keeps the adopted function (ops did not create it), untagged, with its aliases and logs; the inventory goes', async () => {
    const d = await ops(['destroy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain('kept (adopted: ops did not create it)');
    const tags = await tagsOf();
    expect(tags).toEqual({ team: 'search' });
    expect((await lambda().send(new GetFunctionCommand({ FunctionName: kept }))).Configuration?.FunctionArn).toBe(arn);
    expect((await alias('prod'))?.FunctionVersion).toBe('1');
    // Its log group held the seed's logs: kept with it.
    const group = (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }))).logGroups?.[0];
    const groupTags = (await logs().send(new ListTagsForResourceCommand({ resourceArn: group!.arn!.replace(/:\*$/, '') }))).tags ?? {};
    expect(Object.keys(groupTags).filter((k) => k.startsWith('ops:'))).toEqual([]);
    const inv = await new SSMClient(emu.clientConfig)
      .send(new GetParameterCommand({ Name: inventoryParamName(app, 'dev') }))
      .catch((e: Error) => e.name);
    expect(inv).toBe('ParameterNotFound');
  });
});
