import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApiMappingsCommand, GetDomainNameCommand } from '@aws-sdk/client-apigatewayv2';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putRouteMethod } from '../../src/aws/rest-api.js';
import { updateRestAuthorizer } from '../../src/aws/rest-authorizers.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { clientConfigFor, emulatorEnv, useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Authorizers and a custom domain on a REST API (issue 15 items 3 and 6) on moto: a Cognito JWT authorizer
 * (COGNITO_USER_POOLS, the pool from the issuer, the route's scopes), an IAM route and a Lambda REQUEST
 * authorizer that is a fleet function; read back with the SDK (GetAuthorizers, each method's
 * authorizationType / authorizerId / scopes, the invoke permission's source ARN), an empty second plan, a
 * TTL change as one update and one deployment; the domain mapped to the REST API's stage, read back.
 *
 * Where moto differs from AWS: moto 5.2.1's v2 CreateApiMapping looks for the API among its v2 APIs only
 * and answers NotFound for a REST API's id; AWS maps a REST API's stage on a regional domain this way. So a
 * small proxy in front of moto holds the API mappings of this test's domain (create, list, delete, as AWS
 * answers them: 201 with the mapping, `items`, 204), recording what ops sent; every other call goes to moto.
 */
describe('ops deploy: REST API authorizers and custom domain', () => {
  const emu = useEmulator();
  const app = uniqueApp('rad');
  const stage = 'dev';
  const domainName = `api.${app}.example.com`;
  const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
  const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example';
  const authz = `${app}-${stage}-authz`;
  let dir: string;
  let proxy: http.Server;
  let proxyUrl = '';
  let apiId = '';
  /** The mappings of `domainName` as AWS would hold them, and the bodies of the CreateApiMapping calls. */
  const mappings = new Map<string, { apiMappingId: string; apiId: string; stage: string; apiMappingKey?: string }>();
  const sent: Record<string, string>[] = [];
  /**
   * With `conflict` set, PutMethod answers as AWS does for a method that exists (moto replaces it), and the
   * operations of UpdateMethod and UpdateAuthorizer (moto has no UpdateMethod, nor a `/providerARNs` patch) are kept.
   */
  const methodCalls = { conflict: false, patches: [] as { op: string; path: string; value?: string }[][] };
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emulatorEnv(proxyUrl) as NodeJS.ProcessEnv });
  const v1 = () => new APIGatewayClient(emu.clientConfig);
  const changeIds = async () => {
    const plan = await ops(['plan', '--json']);
    expect([0, 2], plan.stderr).toContain(plan.code);
    return (JSON.parse(plan.stdout).changes as { id: string }[]).map((c) => c.id).sort();
  };

  /** Answers the API mappings of `domainName`; forwards everything else to moto. */
  function startProxy(): Promise<http.Server> {
    const target = new URL(emu.url);
    const base = `/v2/domainnames/${domainName}/apimappings`;
    const server = http.createServer(async (req, res) => {
      const url = req.url ?? '';
      if (url.startsWith(base)) {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const json = (status: number, body?: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
        if (req.method === 'POST') {
          const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
          sent.push(body);
          const m = { apiMappingId: `map${mappings.size + 1}`, apiId: body.apiId, stage: body.stage, apiMappingKey: body.apiMappingKey };
          mappings.set(m.apiMappingId, m);
          return json(201, m);
        }
        if (req.method === 'DELETE') {
          mappings.delete(url.slice(base.length + 1));
          return json(204);
        }
        return json(200, { items: [...mappings.values()] });
      }
      const patched = /^\/restapis\/[^/]+\/(resources\/[^/]+\/methods\/[A-Z]+|authorizers\/[^/]+)$/.test(url);
      if (methodCalls.conflict && patched && req.method !== 'GET') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        if (req.method === 'PUT') {
          const error = { __type: 'ConflictException', message: 'Method already exists for this resource' };
          return res
            .writeHead(409, { 'content-type': 'application/json', 'x-amzn-errortype': 'ConflictException' })
            .end(JSON.stringify(error));
        }
        methodCalls.patches.push((JSON.parse(Buffer.concat(chunks).toString()) as { patchOperations: never[] }).patchOperations);
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  beforeAll(async () => {
    proxy = await startProxy();
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const certificate = (await new ACMClient(emu.clientConfig).send(new RequestCertificateCommand({ DomainName: domainName })))
      .CertificateArn!;
    dir = await fleetDir(
      app,
      {
        'src/orders/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n',
        'src/authz/handler.ts':
          'export const handler = async () => ({ principalId: "u", policyDocument: { Version: "2012-10-17", Statement: [] } });\n',
      },
      `  api: {
    type: 'rest',
    authorizers: {
      users: { type: 'jwt', issuer: '${ISSUER}' },
      gate: { type: 'lambda', function: 'authz', ttl: 60, identitySource: ['$request.header.X-Token'] },
    },
    domain: { name: '${domainName}', certificate: '${certificate}', basePath: 'v1' },
  },
  functions: {
    orders: {
      handler: 'src/orders/handler.ts',
      routes: [
        { route: 'GET /orders', auth: 'users', scopes: ['orders/read'] },
        { route: 'POST /orders', auth: 'iam' },
        { route: 'POST /approval', auth: 'gate' },
        'GET /health',
      ],
    },
    authz: { handler: 'src/authz/handler.ts' },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain(`Domain: https://${domainName}/v1`);
    const apis = (await v1().send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
    apiId = apis.find((a) => a.tags?.['ops:app'] === app && a.tags?.['ops:stage'] === stage)?.id ?? '';
    expect(apiId).not.toBe('');
  }, 90_000);

  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('creates a COGNITO_USER_POOLS and a REQUEST authorizer, and attaches each method (scopes, AWS_IAM, CUSTOM, NONE)', async () => {
    const items = (await v1().send(new GetAuthorizersCommand({ restApiId: apiId }))).items ?? [];
    const byName = Object.fromEntries(items.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['gate', 'users']);
    expect(byName.users).toMatchObject({
      type: 'COGNITO_USER_POOLS',
      providerARNs: [POOL_ARN],
      identitySource: 'method.request.header.Authorization',
    });
    expect(byName.gate).toMatchObject({
      type: 'REQUEST',
      identitySource: 'method.request.header.X-Token',
      authorizerResultTtlInSeconds: 60,
      authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${authz}:live/invocations`,
    });
    const resources = (await v1().send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }))).items ?? [];
    const method = (path: string, m: string) => resources.find((r) => r.path === path)?.resourceMethods?.[m];
    expect(method('/orders', 'GET')).toMatchObject({
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: byName.users.id,
      authorizationScopes: ['orders/read'],
    });
    expect(method('/orders', 'POST')?.authorizationType).toBe('AWS_IAM');
    expect(method('/approval', 'POST')).toMatchObject({ authorizationType: 'CUSTOM', authorizerId: byName.gate.id });
    expect(method('/health', 'GET')?.authorizationType).toBe('NONE');
    // The authorizer's function may be invoked by this authorizer only.
    const policy = await new LambdaClient(emu.clientConfig).send(new GetPolicyCommand({ FunctionName: authz, Qualifier: 'live' }));
    const statements = JSON.parse(policy.Policy ?? '{}').Statement as { Sid: string; Condition?: { ArnLike?: Record<string, string> } }[];
    expect(statements.find((s) => s.Sid === 'ops-rest-authorizer-gate')?.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:123456789012:${apiId}/authorizers/${byName.gate.id}`,
    );
  });

  it("maps the custom domain to the REST API's prod stage (v2 API mapping) and marks the stage", async () => {
    const v2 = new ApiGatewayV2Client(clientConfigFor(proxyUrl));
    expect((await v2.send(new GetDomainNameCommand({ DomainName: domainName }))).Tags).toMatchObject({
      'ops:app': app,
      'ops:stage': stage,
    });
    expect(sent).toEqual([{ apiId, stage: 'prod', apiMappingKey: 'v1' }]);
    expect((await v2.send(new GetApiMappingsCommand({ DomainName: domainName }))).Items).toEqual([
      expect.objectContaining({ ApiId: apiId, Stage: 'prod', ApiMappingKey: 'v1' }),
    ]);
    expect((await v1().send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }))).tags).toMatchObject({
      'ops:domain': domainName,
    });
  });

  it('plans nothing on a second run', async () => {
    expect(await changeIds()).toEqual([]);
  });

  it('on AWS, a method that exists is patched to its new authorization, and an authorizer to another pool (the proxy answers as AWS)', async () => {
    const aws = awsFor(emulatorEnv(proxyUrl));
    const resources = (await v1().send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }))).items ?? [];
    const orders = resources.find((r) => r.path === '/orders')!;
    const uri = orders.resourceMethods?.GET?.methodIntegration?.uri ?? '';
    methodCalls.conflict = true;
    try {
      await putRouteMethod(
        aws,
        apiId,
        orders.id!,
        'GET',
        uri,
        { type: 'CUSTOM', authorizerId: 'au-new' },
        { authorizerId: 'au-old', scopes: ['orders/read'] },
      );
      await putRouteMethod(aws, apiId, orders.id!, 'GET', uri);
      const pool = (id: string) => `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${id}`;
      await updateRestAuthorizer(
        aws,
        apiId,
        'au-users',
        {
          name: 'users',
          type: 'COGNITO_USER_POOLS',
          providerArns: [pool('us-east-1_New')],
          identitySource: 'method.request.header.Authorization',
        },
        { id: 'au-users', name: 'users', type: 'COGNITO_USER_POOLS', providerArns: [pool('us-east-1_Example')] },
      );
    } finally {
      methodCalls.conflict = false;
      aws.destroy();
    }
    expect(methodCalls.patches).toEqual([
      [
        { op: 'replace', path: '/authorizationType', value: 'CUSTOM' },
        { op: 'replace', path: '/authorizerId', value: 'au-new' },
        { op: 'remove', path: '/authorizationScopes', value: 'orders/read' },
      ],
      // A method without an authorizer gets the one patch it always had.
      [{ op: 'replace', path: '/authorizationType', value: 'NONE' }],
      // Another user pool: the new ARN added before the old one goes (the list may never be empty).
      [
        { op: 'replace', path: '/identitySource', value: 'method.request.header.Authorization' },
        { op: 'add', path: '/providerARNs', value: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_New' },
        { op: 'remove', path: '/providerARNs', value: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example' },
      ],
    ]);
  });

  it('a TTL change is one authorizer update and one new deployment; then converged', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('ttl: 60', 'ttl: 120'));
    const ids = await changeIds();
    expect(ids.filter((id) => id.startsWith('restapi.'))).toEqual(['restapi.authorizer.update:gate', 'restapi.deploy:prod']);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const gate = ((await v1().send(new GetAuthorizersCommand({ restApiId: apiId }))).items ?? []).find((a) => a.name === 'gate');
    expect(gate?.authorizerResultTtlInSeconds).toBe(120);
    expect(await changeIds()).toEqual([]);
  });
});
