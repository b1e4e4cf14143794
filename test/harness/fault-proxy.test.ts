import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  GetApisCommand,
  GetRoutesCommand,
  GetStagesCommand,
  GetTagsCommand,
  TagResourceCommand as TagApiCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, inject, it, vi } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { startMoto } from '../support/moto.js';

// These clients are the test's own, not ops': keep the SDK's Node 20 notice out of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emu = useEmulator();
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Real SDK clients aimed at one proxy; no retries unless asked, so each fault is seen as is. */
function clients(endpoint: string, maxAttempts = 1) {
  const config = { ...emu.clientConfig, endpoint, maxAttempts };
  return {
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    apigw: new ApiGatewayV2Client(config),
    sts: new STSClient(config),
  };
}

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail');
}

async function createRole(iam: IAMClient, name = unique('role')): Promise<string> {
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
  return Role!.Arn!;
}

function createFunction(
  lambda: LambdaClient,
  name: string,
  role: string,
  zip = storedZip({ 'index.mjs': 'export const handler = async (e) => e;' }),
) {
  return lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zip } }),
  );
}

describe('passing traffic', () => {
  it('reaches moto: IAM role, SSM parameter, and a multi-MB Lambda zip that reads back byte-exact', async () => {
    const proxy = await emu.proxy();
    const { iam, ssm, lambda } = clients(proxy.url);
    const role = await createRole(iam);
    const param = `/${unique('app')}/dev/greeting`;
    await ssm.send(new PutParameterCommand({ Name: param, Value: 'hello', Type: 'String' }));
    expect((await ssm.send(new GetParameterCommand({ Name: param }))).Parameter?.Value).toBe('hello');

    // Incompressible bytes make a ~4 MB base64 JSON body: proves the body streams through intact.
    const zip = storedZip({ 'index.mjs': 'export const handler = async (e) => e;', 'blob.bin': randomBytes(3_000_000) });
    const name = unique('fn');
    await createFunction(lambda, name, role, zip);
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(Configuration?.CodeSize).toBe(zip.length);
    expect(Configuration?.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));

    const invoked = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"ping":1}') }));
    expect(invoked.StatusCode).toBe(200);

    expect(proxy.operations()).toEqual([
      'iam.CreateRole',
      'ssm.PutParameter',
      'ssm.GetParameter',
      'lambda.CreateFunction',
      'lambda.GetFunction',
      'lambda.Invoke',
    ]);
    expect(proxy.requests.map((r) => r.status)).toEqual([200, 200, 200, 201, 200, 200]);
    expect(proxy.writeCount()).toBe(4);
    expect(proxy.writeCount({ service: 'ssm' })).toBe(1);
  });

  it('emu.env drives an SDK client built with no config at all (AWS_ENDPOINT_URL, region, credentials)', async () => {
    const proxy = await emu.proxy();
    vi.stubEnv('AWS_PROFILE', 'someone-elses-real-profile');
    emu.stubEnv(proxy.env);
    expect(process.env.AWS_PROFILE).toBeUndefined();
    expect((await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    expect(proxy.operations()).toEqual(['sts.GetCallerIdentity']);
  });

  it('records this test for the run summary', () => {
    expect(readFileSync(inject('emulatorLog'), 'utf8')).toContain('records this test for the run summary');
  });
});

describe('canned faults are parsed by the real SDK as AWS errors', () => {
  it('resourceConflict: Lambda 409 ResourceConflictException naming the function, for `times` calls only', async () => {
    const proxy = await emu.proxy();
    const { iam, lambda } = clients(proxy.url);
    const name = unique('fn');
    await createFunction(lambda, name, await createRole(iam));
    const fault = proxy.addFault({
      match: { service: 'lambda', operation: 'UpdateFunctionConfiguration' },
      times: 2,
      respond: faults.resourceConflict(),
    });
    const update = () => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: 256 }));

    for (let i = 0; i < 2; i++) {
      const error = await failure(update());
      expect(error.name).toBe('ResourceConflictException');
      expect(error.$metadata.httpStatusCode).toBe(409);
      expect(error.Type).toBe('User');
      expect(error.message).toBe(
        `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      );
    }
    expect(fault.hits).toBe(2);
    expect(fault.active).toBe(false);
    expect((await update()).MemorySize).toBe(256);
    expect(proxy.requests.slice(-3).map((r) => [r.status, r.fault])).toEqual([
      [409, 'resourceConflict'],
      [409, 'resourceConflict'],
      [200, undefined],
    ]);
  });

  it('iamRolePropagation: InvalidParameterValueException with the role message, only within `forMs`', async () => {
    const proxy = await emu.proxy();
    const { iam, lambda } = clients(proxy.url);
    const role = await createRole(iam);
    const fault = proxy.addFault({ match: { operation: 'CreateFunction' }, forMs: 1_000, respond: faults.iamRolePropagation() });
    const name = unique('fn');

    const error = await failure(createFunction(lambda, name, role));
    expect(error.name).toBe('InvalidParameterValueException');
    expect(error.message).toBe('The role defined for the function cannot be assumed by Lambda.');
    expect(error.$metadata.httpStatusCode).toBe(400);
    await failure(createFunction(lambda, name, role));
    expect(fault.hits).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect(fault.active).toBe(false);
    expect((await createFunction(lambda, name, role)).FunctionName).toBe(name);
  });

  it('throttling: Lambda TooManyRequestsException with Retry-After, IAM Throttling, SSM ThrottlingException', async () => {
    const proxy = await emu.proxy();
    const { iam, lambda, ssm, logs } = clients(proxy.url);
    proxy.addFault({ respond: faults.throttling({ retryAfterSeconds: 2 }) });

    const lambdaError = await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'anything' })));
    expect([lambdaError.name, lambdaError.$metadata.httpStatusCode, lambdaError.retryAfterSeconds]).toEqual([
      'TooManyRequestsException',
      429,
      '2',
    ]);
    expect([lambdaError.Reason, lambdaError.message]).toEqual(['CallerRateLimitExceeded', 'Rate exceeded']);

    const iamError = await failure(iam.send(new GetRoleCommand({ RoleName: 'anything' })));
    expect([iamError.name, iamError.$metadata.httpStatusCode, iamError.message]).toEqual(['Throttling', 400, 'Rate exceeded']);
    expect(iamError.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    for (const call of [ssm.send(new GetParameterCommand({ Name: '/x' })), logs.send(new FilterLogEventsCommand({ logGroupName: '/x' }))]) {
      const error = await failure(call);
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['ThrottlingException', 400, 'Rate exceeded']);
    }
  });

  it('awsError: any code in each protocol, with moto never reached', async () => {
    const proxy = await emu.proxy();
    const { iam, lambda, ssm } = clients(proxy.url);
    proxy.addFault({
      match: { service: 'lambda' },
      respond: faults.awsError({ status: 404, code: 'ResourceNotFoundException', message: 'Function not found: x' }),
    });
    proxy.addFault({
      match: { service: 'iam' },
      respond: faults.awsError({ status: 404, code: 'NoSuchEntity', message: 'The role with name x cannot be found.' }),
    });
    proxy.addFault({ match: { service: 'ssm' }, respond: faults.awsError({ code: 'ParameterNotFound', message: 'nope' }) });

    const notFound = await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'x' })));
    // Lambda sends `Message` for this one; the SDK folds either spelling into `message`.
    expect([notFound.name, notFound.message, notFound.Type]).toEqual(['ResourceNotFoundException', 'Function not found: x', 'User']);
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'x' })))).name).toBe('NoSuchEntityException');
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/x' })))).name).toBe('ParameterNotFound');
  });

  it('dropConnection: a network error, not a service error; dropResponse: the write happened anyway', async () => {
    const proxy = await emu.proxy();
    const { ssm } = clients(proxy.url);
    const name = `/${unique('app')}/drop`;
    proxy.addFault({ match: { operation: 'PutParameter' }, times: 1, respond: faults.dropConnection() });
    const dropped = await failure(ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' })));
    expect(dropped.$metadata.httpStatusCode).toBeUndefined();
    expect(`${dropped.name} ${dropped.code} ${dropped.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect((await failure(ssm.send(new GetParameterCommand({ Name: name })))).name).toBe('ParameterNotFound');

    proxy.addFault({ match: { operation: 'PutParameter' }, times: 1, respond: faults.dropResponse() });
    await failure(ssm.send(new PutParameterCommand({ Name: name, Value: 'b', Type: 'String' })));
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('b');
    expect(proxy.requests.map((r) => [r.status, r.fault])).toEqual([
      [0, 'dropConnection'],
      [400, undefined],
      [0, 'dropResponse'],
      [200, undefined],
    ]);
  });

  it('with default retries (3 attempts) a single throttle or dropped connection is retried through', async () => {
    const proxy = await emu.proxy();
    const { ssm, lambda } = clients(proxy.url, 3);
    const name = `/${unique('app')}/retry`;
    proxy.addFault({ match: { operation: 'PutParameter' }, times: 1, respond: faults.throttling() });
    proxy.addFault({ match: { operation: 'GetParameter' }, times: 1, respond: faults.dropConnection() });
    proxy.addFault({ match: { operation: 'ListFunctions' }, times: 1, respond: faults.throttling({ retryAfterSeconds: 1 }) });

    expect((await ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' }))).Version).toBe(1);
    expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('v');
    const listed = await lambda.send(new ListFunctionsCommand({}));
    expect(listed.$metadata.attempts).toBe(2);
    expect(proxy.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      'PutParameter 400',
      'PutParameter 200',
      'GetParameter 0',
      'GetParameter 200',
      'ListFunctions 429',
      'ListFunctions 200',
    ]);
  });

  it('delay forwards after waiting; clearFaults and remove() stop faults', async () => {
    const proxy = await emu.proxy();
    const { sts } = clients(proxy.url);
    const delayed = proxy.addFault({ times: 1, respond: faults.delay(300) });
    const started = Date.now();
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(delayed.hits).toBe(1);

    const removed = proxy.addFault({ respond: faults.throttling() });
    removed.remove();
    proxy.addFault({ respond: faults.throttling() });
    proxy.clearFaults();
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    expect(removed.active).toBe(false);
  });
});

describe('operation names', () => {
  it('are identified for Lambda, IAM, SSM, Logs, API Gateway v2 and STS as the SDK names them', async () => {
    const proxy = await emu.proxy();
    const c = clients(proxy.url);
    proxy.addFault({ respond: faults.awsError({ code: 'ValidationException', message: 'probe' }) });
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:probe';
    const apiArn = 'arn:aws:apigateway:us-east-1::/apis/abc123';
    const calls: Array<
      [LambdaClient | IAMClient | SSMClient | CloudWatchLogsClient | ApiGatewayV2Client | STSClient, { constructor: { name: string } }]
    > = [
      [c.lambda, new CreateFunctionCommand({ FunctionName: 'probe', Role: 'r', Code: { ZipFile: new Uint8Array(1) } })],
      [c.lambda, new GetFunctionCommand({ FunctionName: 'probe' })],
      [c.lambda, new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: 'live' })],
      [c.lambda, new UpdateFunctionConfigurationCommand({ FunctionName: 'probe', MemorySize: 256 })],
      [c.lambda, new UpdateFunctionCodeCommand({ FunctionName: 'probe', ZipFile: new Uint8Array(1) })],
      [c.lambda, new PublishVersionCommand({ FunctionName: 'probe' })],
      [c.lambda, new ListVersionsByFunctionCommand({ FunctionName: 'probe' })],
      [c.lambda, new CreateAliasCommand({ FunctionName: 'probe', Name: 'live', FunctionVersion: '1' })],
      [c.lambda, new UpdateAliasCommand({ FunctionName: 'probe', Name: 'live', FunctionVersion: '2' })],
      [c.lambda, new GetAliasCommand({ FunctionName: 'probe', Name: 'live' })],
      [c.lambda, new ListAliasesCommand({ FunctionName: 'probe' })],
      [
        c.lambda,
        new AddPermissionCommand({
          FunctionName: 'probe',
          StatementId: 's',
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
        }),
      ],
      [c.lambda, new GetPolicyCommand({ FunctionName: 'probe' })],
      [c.lambda, new RemovePermissionCommand({ FunctionName: 'probe', StatementId: 's' })],
      [c.lambda, new InvokeCommand({ FunctionName: 'probe', Qualifier: 'live' })],
      [c.lambda, new PutFunctionConcurrencyCommand({ FunctionName: 'probe', ReservedConcurrentExecutions: 1 })],
      [c.lambda, new ListTagsCommand({ Resource: fn })],
      [c.lambda, new TagResourceCommand({ Resource: fn, Tags: { a: 'b' } })],
      [c.lambda, new UntagResourceCommand({ Resource: fn, TagKeys: ['a'] })],
      [c.lambda, new ListFunctionsCommand({})],
      [c.lambda, new DeleteFunctionCommand({ FunctionName: 'probe' })],
      [c.iam, new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST })],
      [c.iam, new GetRoleCommand({ RoleName: 'r' })],
      [c.iam, new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: '{}' })],
      [c.iam, new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/x' })],
      [c.ssm, new PutParameterCommand({ Name: '/a', Value: 'b' })],
      [c.ssm, new GetParametersByPathCommand({ Path: '/a' })],
      [c.logs, new CreateLogGroupCommand({ logGroupName: '/aws/lambda/probe' })],
      [c.logs, new PutRetentionPolicyCommand({ logGroupName: '/aws/lambda/probe', retentionInDays: 7 })],
      [c.logs, new FilterLogEventsCommand({ logGroupName: '/aws/lambda/probe' })],
      [c.apigw, new CreateApiCommand({ Name: 'a', ProtocolType: 'HTTP' })],
      [c.apigw, new GetApisCommand({})],
      [c.apigw, new CreateIntegrationCommand({ ApiId: 'abc123', IntegrationType: 'AWS_PROXY' })],
      [c.apigw, new CreateRouteCommand({ ApiId: 'abc123', RouteKey: 'GET /x' })],
      [c.apigw, new GetRoutesCommand({ ApiId: 'abc123' })],
      [c.apigw, new CreateStageCommand({ ApiId: 'abc123', StageName: '$default' })],
      [c.apigw, new GetStagesCommand({ ApiId: 'abc123' })],
      [c.apigw, new UpdateStageCommand({ ApiId: 'abc123', StageName: '$default', AutoDeploy: true })],
      [c.apigw, new GetTagsCommand({ ResourceArn: apiArn })],
      [c.apigw, new TagApiCommand({ ResourceArn: apiArn, Tags: { a: 'b' } })],
      [c.apigw, new DeleteApiCommand({ ApiId: 'abc123' })],
      [c.sts, new GetCallerIdentityCommand({})],
    ];
    for (const [client, command] of calls) {
      const error = await failure((client.send as (c: unknown) => Promise<unknown>).call(client, command));
      expect(error.$metadata?.httpStatusCode, `${command.constructor.name}: ${error.message}`).toBe(400);
    }
    const signing = {
      LambdaClient: 'lambda',
      IAMClient: 'iam',
      SSMClient: 'ssm',
      CloudWatchLogsClient: 'logs',
      ApiGatewayV2Client: 'apigateway',
      STSClient: 'sts',
    };
    expect(proxy.operations()).toEqual(
      calls.map(
        ([client, command]) =>
          `${signing[client.constructor.name as keyof typeof signing]}.${command.constructor.name.replace(/Command$/, '')}`,
      ),
    );
    expect(proxy.writeCount()).toBe(calls.filter(([, cmd]) => !/^(Get|List|Filter)/.test(cmd.constructor.name)).length);
    expect(proxy.writeCount({ service: 'apigatewayv2' })).toBe(7);
  });
});

describe('startMoto', () => {
  it('starts a private moto whose reset wipes state but keeps Lambda off Docker, and whose stop kills it', async () => {
    const moto = await startMoto();
    try {
      const ssm = new SSMClient({ ...emu.clientConfig, endpoint: moto.url });
      await ssm.send(new PutParameterCommand({ Name: '/reset/me', Value: 'x', Type: 'String' }));
      await moto.reset();
      expect((await failure(ssm.send(new GetParameterCommand({ Name: '/reset/me' })))).name).toBe('ParameterNotFound');
      expect(await (await fetch(`${moto.url}/moto-api/config`)).json()).toMatchObject({ lambda: { use_docker: false } });
      expect(moto.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await moto.stop();
    }
    expect(() => process.kill(moto.pid, 0)).toThrow();
    expect(await fetch(moto.url).catch((error: Error) => error)).toBeInstanceOf(Error);
  });

  it("fails loudly with moto's stderr when the server cannot start", async () => {
    const fake = mkdtempSync(join(tmpdir(), 'fake-moto-'));
    mkdirSync(join(fake, 'moto'));
    writeFileSync(join(fake, 'moto', '__init__.py'), 'raise RuntimeError("moto is broken here")\n');
    try {
      await expect(startMoto({ env: { PYTHONPATH: fake } })).rejects.toThrow(/moto failed to start[\s\S]*moto is broken here/);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------- a minimal stored (uncompressed) zip

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function storedZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const fileName = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x21, 12); // 1980-01-01: a fixed date keeps the zip reproducible
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    header.copy(central, 10, 8, 28); // method, time, date, crc, sizes, name length
    central.writeUInt32LE(offset, 42);
    locals.push(header, fileName, data);
    centrals.push(central, fileName);
    offset += header.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
