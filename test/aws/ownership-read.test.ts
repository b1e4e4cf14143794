import { readFile } from 'node:fs/promises';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createLogGroup } from '../../src/aws/write.js';
import { snsStatementId } from '../../src/config/naming.js';
import type { FunctionSpec } from '../../src/config/types.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { fnSpec } from '../unit/plan/builders.js';
import { awsFor, LAMBDA_TRUST, makeZip, unique } from './helpers.js';

const emu = useEmulator();
const ACCOUNT = '123456789012';

/** A desired function of `app`, stage dev, as the resolver would give it. */
const desired = (app: string, key: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  ...fnSpec(key),
  name: `${app}-dev-${key}`,
  logGroup: `/aws/lambda/${app}-dev-${key}`,
  tags: { 'ops:app': app, 'ops:stage': 'dev', 'ops:function': key },
  ...overrides,
});

describe('ownership on read (issue 11.1): log groups, subscriptions', () => {
  const logs = () => new CloudWatchLogsClient(emu.clientConfig);
  const lambda = () => new LambdaClient(emu.clientConfig);
  const tagsOf = async (name: string) =>
    (await logs().send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${name}` }))).tags ?? {};
  const makeFunction = async (name: string, roleArn: string, tags?: Record<string, string>) => {
    const zip = await readFile((await makeZip()).zipPath);
    await lambda().send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: roleArn,
        Code: { ZipFile: zip },
        ...(tags ? { Tags: tags } : {}),
      }),
    );
  };
  const makeRole = async (app: string) =>
    (
      await new IAMClient(emu.clientConfig).send(
        new CreateRoleCommand({ RoleName: `${app}-hand`, AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }),
      )
    ).Role!.Arn!;

  it("a log group is ours by its function's tags (no tag read) or by its own; another stage's, hand-made and orphan ones are not", async () => {
    const app = unique('own');
    const role = await makeRole(app);
    const tag = (stage: string) => ({ 'ops:app': app, 'ops:stage': stage });
    await makeFunction(`${app}-dev-api`, role, tag('dev'));
    await makeFunction(`${app}-dev-x-api`, role, tag('dev-x'));
    await makeFunction(`${app}-dev-legacy`, role);
    const group = (fn: string, tags?: Record<string, string>) =>
      logs().send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${app}-${fn}`, ...(tags ? { tags } : {}) }));
    await group('dev-api'); // Lambda's own, untagged: ours through the function
    await group('dev-kept', tag('dev')); // a removed function's kept logs: ours by tags
    await group('dev-x-api', tag('dev-x')); // stage dev-x's, under dev's prefix
    await group('dev-legacy'); // a hand-made function's
    await group('dev-orphan'); // hand-made, no function
    await group('dev-next'); // untagged, of a desired function not created yet

    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const actual = await readActual(aws, { app, stage: 'dev', functions: [desired(app, 'api'), desired(app, 'next')] });
    expect(Object.keys(actual.logGroups).sort()).toEqual([`/aws/lambda/${app}-dev-api`, `/aws/lambda/${app}-dev-kept`]);
    expect(actual.foreign.filter((f) => f.type === 'log group')).toEqual([
      { type: 'log group', name: `/aws/lambda/${app}-dev-orphan`, reason: 'no ops:app/ops:stage tags' },
    ]);
    // The desired function's group that is not ours yet: its create will wait for the function.
    expect(actual.unownedLogGroups).toEqual([`/aws/lambda/${app}-dev-next`]);
    // The hand-made function is reported; stage dev-x's is not worth a warning.
    expect(actual.foreign.map((f) => f.name)).toContain(`${app}-dev-legacy`);
    expect(actual.foreign.map((f) => f.name).filter((n) => n.includes('dev-x'))).toEqual([]);
    // Tags are read for the five groups the function rule does not settle, not for ours.
    const tagReads = proxy.requests.filter((r) => r.service === 'logs' && r.operation === 'ListTagsForResource');
    expect(tagReads).toHaveLength(5);
    aws.destroy();
  });

  it('createLogGroup takes over an untagged group (with its function) and refuses one tagged for another stage, unchanged', async () => {
    const app = unique('own');
    const aws = awsFor(emu.env);
    const mine = `/aws/lambda/${app}-dev-api`;
    const theirs = `/aws/lambda/${app}-dev-x-api`;
    await logs().send(new CreateLogGroupCommand({ logGroupName: mine }));
    await logs().send(new CreateLogGroupCommand({ logGroupName: theirs, tags: { 'ops:app': app, 'ops:stage': 'dev-x' } }));
    const tags = { 'ops:app': app, 'ops:stage': 'dev', 'ops:function': 'api' };

    await createLogGroup(aws, mine, 7, tags);
    expect(await tagsOf(mine)).toEqual(tags);
    await expect(createLogGroup(aws, theirs, 7, { 'ops:app': app, 'ops:stage': 'dev', 'ops:function': 'x-api' })).rejects.toMatchObject({
      name: 'UserError',
      message: `log group ${theirs} already exists and is tagged for app ${app} stage dev-x`,
    });
    expect(await tagsOf(theirs)).toEqual({ 'ops:app': app, 'ops:stage': 'dev-x' });
    const groups = (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${app}-` }))).logGroups ?? [];
    expect(groups.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      [mine, 7],
      [theirs, undefined],
    ]);
    aws.destroy();
  });

  it("a subscription of a hand-made function that has a desired function's name is not ours", async () => {
    const app = unique('own');
    const role = await makeRole(app);
    const name = `${app}-dev-worker`;
    await makeFunction(name, role); // untagged: not ops's, though the config wants this name
    const v = await lambda().send(new PublishVersionCommand({ FunctionName: name }));
    await lambda().send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: v.Version! }));
    const topic = (await new SNSClient(emu.clientConfig).send(new CreateTopicCommand({ Name: `${app}-orders` }))).TopicArn!;
    await new SNSClient(emu.clientConfig).send(
      new SubscribeCommand({ TopicArn: topic, Protocol: 'lambda', Endpoint: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:live` }),
    );

    const aws = awsFor(emu.env);
    const worker = desired(app, 'worker', { triggers: [{ kind: 'sns', topicArn: topic, statementId: snsStatementId(topic) }] });
    const actual = await readActual(aws, { app, stage: 'dev', functions: [worker] });
    expect(actual.functions).toEqual({});
    expect(actual.subscriptions).toBeUndefined();
    expect(actual.foreign).toEqual([{ type: 'lambda function', name, reason: 'no ops:app/ops:stage tags' }]);
    aws.destroy();
  });
});
