import { AttachRolePolicyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  createApi,
  createFunction,
  createIntegration,
  createLogGroup,
  createRole,
  createRoute,
  deleteFunction,
  deleteRole,
  ensureDefaultStage,
  getAliasPolicy,
  publishVersionAndMoveAlias,
  setApiPermission,
  updateApiCors,
  updateFunctionCode,
  updateFunctionConfiguration,
  updateRole,
} from '../../src/aws/write.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, functionConfig, LAMBDA_TRUST, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

describe('readActual against moto', () => {
  it('returns nothing for an app and stage with nothing deployed', async () => {
    const aws = awsFor(emu.env);
    const actual = await readActual(aws, { app: unique(), stage: 'dev' });
    expect(actual).toEqual({ accountId: '123456789012', region: 'us-east-1', roles: {}, functions: {}, logGroups: {}, foreign: [] });
    aws.destroy();
  });

  it('reads back exactly what the writers created, normalized', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const stage = 'dev';
    const name = `${app}-${stage}-api`;
    const tags = { 'ops:app': app, 'ops:stage': stage, 'ops:function': 'api' };

    const role = roleSpec(app, stage, 'api');
    const { arn: roleArn } = await createRole(aws, role);
    const zip = await makeZip();
    const config = functionConfig(roleArn, { environment: { TABLE: 'tasks' }, memory: 512 });
    // With the marker the planner adds to a function with routes: the reader asks for the policy of marked ones.
    await createFunction(aws, { name, config, zipPath: zip.zipPath, tags: { ...tags, 'ops:policy': '1' } });
    const { version, aliasArn } = await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
    await createLogGroup(aws, `/aws/lambda/${name}`, 14, tags);
    const { apiId } = await createApi(aws, {
      name: `${app}-${stage}`,
      cors: { allowOrigins: ['*'], allowMethods: ['GET'] },
      tags: { 'ops:app': app, 'ops:stage': stage },
    });
    expect(await ensureDefaultStage(aws, apiId)).toEqual({ changed: true });
    const { integrationId } = await createIntegration(aws, apiId, { name });
    const { routeId } = await createRoute(aws, apiId, 'GET /tasks', integrationId);
    expect(await setApiPermission(aws, { name, apiId })).toEqual({ changed: true });

    const actual = await readActual(aws, { app, stage });
    const sourceArn = `arn:aws:execute-api:us-east-1:123456789012:${apiId}/*/*`;
    expect(version).toBe('1');
    expect(aliasArn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${name}:live`);
    expect(actual.foreign).toEqual([]);
    expect(actual.roles).toEqual({
      [role.name]: {
        name: role.name,
        arn: roleArn,
        path: `/ops/${app}/${stage}/`,
        trustPolicy: LAMBDA_TRUST,
        inlinePolicies: { ops: role.policy },
        attachedPolicyArns: [],
        tags: role.tags,
      },
    });
    const fn = actual.functions[name];
    expect(Object.keys(actual.functions)).toEqual([name]);
    expect(fn).toMatchObject({
      name,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      config,
      codeSha256: zip.codeSha256,
      state: 'Active',
      tags: { ...tags, 'ops:policy': '1' },
      alias: { version: '1' },
      versions: [{ version: '1', codeSha256: zip.codeSha256, config }],
    });
    expect(fn.aliasPolicy).toEqual([
      expect.objectContaining({
        Sid: 'ops-http-api',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
      }),
    ]);
    expect(fn.reservedConcurrency).toBeUndefined();
    expect(actual.logGroups).toEqual({ [`/aws/lambda/${name}`]: { name: `/aws/lambda/${name}`, retentionDays: 14 } });
    expect(actual.api).toEqual({
      id: apiId,
      name: `${app}-${stage}`,
      endpoint: expect.stringContaining(apiId),
      arnPrefix: `arn:aws:execute-api:us-east-1:123456789012:${apiId}`,
      cors: { allowOrigins: ['*'], allowMethods: ['GET'] },
      tags: { 'ops:app': app, 'ops:stage': stage },
      integrations: [{ id: integrationId, uri: aliasArn, payloadFormatVersion: '2.0', type: 'AWS_PROXY' }],
      routes: [{ id: routeId, key: 'GET /tasks', target: `integrations/${integrationId}` }],
      stages: [{ name: '$default', autoDeploy: true }],
    });

    // Idempotent where it can be: nothing is written a second time.
    proxy.clearLog();
    expect(await setApiPermission(aws, { name, apiId })).toEqual({ changed: false });
    expect(await ensureDefaultStage(aws, apiId)).toEqual({ changed: false });
    expect(proxy.writeCount()).toBe(0);
    aws.destroy();
  });

  it("puts a function with our name prefix but no ops tags (or another stage's) in foreign, and reads nothing more of it", async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const { arn: roleArn } = await createRole(aws, roleSpec(app, 'other', 'x'));
    const zip = await makeZip();
    await createFunction(aws, { name: `${app}-dev-handmade`, config: functionConfig(roleArn), zipPath: zip.zipPath, tags: { team: 'a' } });
    await createFunction(aws, {
      name: `${app}-dev-stolen`,
      config: functionConfig(roleArn),
      zipPath: zip.zipPath,
      tags: { 'ops:app': app, 'ops:stage': 'prod' },
    });
    await createFunction(aws, {
      name: `${app}-dev-mine`,
      config: functionConfig(roleArn),
      zipPath: zip.zipPath,
      tags: { 'ops:app': app, 'ops:stage': 'dev' },
    });
    await createApi(aws, { name: `${app}-dev`, tags: {} });

    proxy.clearLog();
    const actual = await readActual(aws, { app, stage: 'dev' });
    expect(Object.keys(actual.functions)).toEqual([`${app}-dev-mine`]);
    expect(actual.roles).toEqual({}); // the role lives under /ops/{app}/other/
    expect(actual.api).toBeUndefined();
    expect(actual.foreign).toEqual(
      expect.arrayContaining([
        { type: 'lambda function', name: `${app}-dev-handmade`, reason: 'no ops:app/ops:stage tags' },
        { type: 'lambda function', name: `${app}-dev-stolen`, reason: `tagged for app ${app} stage prod` },
        { type: 'http api', name: expect.stringContaining(`${app}-dev`), reason: 'no ops:app/ops:stage tags' },
      ]),
    );
    expect(actual.foreign).toHaveLength(3);
    // Foreign functions get one GetFunction (for the tags) and nothing else.
    const lambdaReads = proxy.requests.filter((r) => r.service === 'lambda' && r.path.includes('handmade')).map((r) => r.operation);
    expect(lambdaReads).toEqual(['GetFunction']);
    expect(proxy.writeCount()).toBe(0);
    aws.destroy();
  });

  it('finds orphan roles under the stage path, and deleteRole removes one with its policies', async () => {
    const aws = awsFor(emu.env);
    const app = unique();
    const spec = roleSpec(app, 'dev', 'gone');
    await createRole(aws, spec);
    const iam = await aws.iam();
    // ops never attaches a policy: the command is sent as is, not through a method of ops's IAM client.
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: spec.name, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }),
    );
    expect((await readActual(aws, { app, stage: 'dev' })).roles[spec.name].attachedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    await deleteRole(aws, spec.name);
    await deleteRole(aws, spec.name); // already gone: fine
    expect((await readActual(aws, { app, stage: 'dev' })).roles).toEqual({});
    aws.destroy();
  });

  it('updates: role policy and tags, code, configuration, a new version moves live, CORS removed, permission re-pointed', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const name = `${app}-dev-w`;
    const tags = { 'ops:app': app, 'ops:stage': 'dev' };
    const spec = roleSpec(app, 'dev', 'w');
    const { arn: roleArn } = await createRole(aws, { ...spec, tags: { ...spec.tags, old: 'x' } });
    const first = await makeZip('export const handler = async () => 1;');
    const config = functionConfig(roleArn);
    await createFunction(aws, { name, config, zipPath: first.zipPath, tags });
    await publishVersionAndMoveAlias(aws, name, first.codeSha256);
    const api1 = await createApi(aws, { name: `${app}-dev`, cors: { allowOrigins: ['*'] }, tags });
    await setApiPermission(aws, { name, apiId: api1.apiId });

    const newPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 'sqs:SendMessage', Resource: '*' }] };
    await updateRole(aws, { ...spec, policy: newPolicy }, { policy: true, tags: true });
    const second = await makeZip('export const handler = async () => 2;');
    expect(await updateFunctionCode(aws, { name, zipPath: second.zipPath, codeSha256: second.codeSha256 })).toEqual({
      codeSha256: second.codeSha256,
    });
    const changed = { ...config, memory: 1024, timeout: 60, description: 'v2', environment: { A: '1' } };
    await updateFunctionConfiguration(aws, name, changed);
    expect((await publishVersionAndMoveAlias(aws, name, second.codeSha256)).version).toBe('2');
    await updateApiCors(aws, api1.apiId, { allowOrigins: ['https://example.com'], allowHeaders: ['content-type'] });
    expect((await readActual(aws, { app, stage: 'dev' })).api?.cors).toEqual({
      allowOrigins: ['https://example.com'],
      allowHeaders: ['content-type'],
      maxAge: 0,
      allowCredentials: false,
    });
    await updateApiCors(aws, api1.apiId, undefined);
    // A permission for another API replaces the old statement instead of adding a second one.
    const api2 = await createApi(aws, { name: `${app}-dev-b`, tags });
    await setApiPermission(aws, { name, apiId: api2.apiId });

    const actual = await readActual(aws, { app, stage: 'dev' });
    const role = actual.roles[spec.name];
    expect(role.inlinePolicies).toEqual({ ops: newPolicy });
    expect(role.tags).toEqual(spec.tags);
    const fn = actual.functions[name];
    expect(fn.codeSha256).toBe(second.codeSha256);
    expect(fn.config).toEqual(changed);
    expect(fn.alias?.version).toBe('2');
    expect(fn.versions.map((v) => [v.version, v.codeSha256])).toEqual([
      ['1', first.codeSha256],
      ['2', second.codeSha256],
    ]);
    expect(fn.versions[0].config.memory).toBe(256);
    expect(actual.api?.cors).toBeUndefined();
    const statements = (await getAliasPolicy(aws, name)).filter((s) => s.Sid === 'ops-http-api');
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Condition)).toContain(api2.apiId);

    // Publishing with a sha that is not $LATEST's never moves live (moto skips the guard; we check too).
    await expect(publishVersionAndMoveAlias(aws, name, first.codeSha256)).rejects.toThrow(`the code of ${name} changed during the deploy`);
    expect((await readActual(aws, { app, stage: 'dev' })).functions[name].alias?.version).toBe('2');

    await deleteFunction(aws, name);
    await deleteFunction(aws, name);
    expect((await readActual(aws, { app, stage: 'dev' })).functions).toEqual({});
    aws.destroy();
  });
});

describe('reads inside writes', () => {
  // A throttled deploy (30 % of requests, bench/deploy) failed once on the GetAlias between PublishVersion and
  // UpdateAlias: a read made by a writer had only the SDK's five attempts, where every other read has ops's retry too.
  it("survive throttling past the SDK's own five attempts: the alias read between publishing and moving live", async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const name = `${app}-dev-api`;
    const { arn: roleArn } = await createRole(aws, roleSpec(app, 'dev', 'api'));
    const zip = await makeZip();
    await createFunction(aws, {
      name,
      config: functionConfig(roleArn),
      zipPath: zip.zipPath,
      tags: { 'ops:app': app, 'ops:stage': 'dev' },
    });
    const fault = proxy.addFault({ match: { operation: 'GetAlias' }, times: 7, respond: faults.throttling({ retryAfterSeconds: 0 }) });
    const { version } = await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
    expect(fault.hits).toBe(7);
    const lambda = await aws.lambda();
    expect((await lambda.getAlias({ FunctionName: name, Name: 'live' })).FunctionVersion).toBe(version);
    aws.destroy();
  });
});
