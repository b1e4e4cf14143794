import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayV2Client, GetApisCommand, GetAuthorizerCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * HTTP API authorizers (issue 15 item 3) on moto: a JWT authorizer as the fleet default, a route with
 * `auth: 'none'`, an IAM route, and a Lambda REQUEST authorizer that is a fleet function; read back with
 * the SDK (authorizers, each route's attachment, the invoke permission scoped to the authorizer), planned
 * again empty; a TTL change is one update; removing the Lambda authorizer detaches its route, deletes it
 * and its permission.
 *
 * Where moto differs from AWS: moto 5.2.1 has no GetAuthorizers (it answers a 500 HTML page). AWS lists an
 * API's authorizers there, and ops reads them with it, so a small proxy in front of moto answers
 * GetAuthorizers from moto's own state (the ids in /moto-api/data.json, GetAuthorizer on the API for each);
 * every other call goes to moto untouched. (The fault proxy's responders answer synchronously: this needs a read.)
 */
describe('ops deploy: HTTP API authorizers', () => {
  const emu = useEmulator();
  const app = uniqueApp('auth');
  const stage = 'dev';
  const apiName = `${app}-${stage}`;
  const authz = `${app}-${stage}-authz`;
  let dir: string;
  let proxy: http.Server;
  let proxyUrl = '';
  let apiId = '';
  const apigw = () => new ApiGatewayV2Client(emu.clientConfig);
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emulatorEnv(proxyUrl) as NodeJS.ProcessEnv });
  const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';

  /** Ids CreateAuthorizer answered through the proxy, by API. */
  const created = new Map<string, Set<string>>();

  /** An API's authorizers as moto holds them (those created and not deleted), in GetAuthorizers' wire form. */
  async function listing(apiId: string): Promise<string> {
    const items: unknown[] = [];
    for (const id of created.get(apiId) ?? []) {
      const a = await apigw()
        .send(new GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: id }))
        .catch(() => undefined);
      if (!a) continue;
      items.push({
        authorizerId: a.AuthorizerId,
        name: a.Name,
        authorizerType: a.AuthorizerType,
        identitySource: a.IdentitySource,
        ...(a.JwtConfiguration ? { jwtConfiguration: { issuer: a.JwtConfiguration.Issuer, audience: a.JwtConfiguration.Audience } } : {}),
        ...(a.AuthorizerUri ? { authorizerUri: a.AuthorizerUri } : {}),
        ...(a.AuthorizerResultTtlInSeconds !== undefined ? { authorizerResultTtlInSeconds: a.AuthorizerResultTtlInSeconds } : {}),
        ...(a.AuthorizerPayloadFormatVersion ? { authorizerPayloadFormatVersion: a.AuthorizerPayloadFormatVersion } : {}),
        ...(a.EnableSimpleResponses !== undefined ? { enableSimpleResponses: a.EnableSimpleResponses } : {}),
      });
    }
    return JSON.stringify({ items });
  }

  /** Forwards to moto, except GetAuthorizers (answered from `listing`). */
  function startProxy(): Promise<http.Server> {
    const target = new URL(emu.url);
    const server = http.createServer(async (req, res) => {
      const m = req.method === 'GET' ? /^\/v2\/apis\/([^/?]+)\/authorizers(\?|$)/.exec(req.url ?? '') : null;
      if (m) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(await listing(m[1]));
        return;
      }
      const create = req.method === 'POST' ? /^\/v2\/apis\/([^/?]+)\/authorizers$/.exec(req.url ?? '') : null;
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        async (up) => {
          if (!create) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          for await (const c of up) chunks.push(c as Buffer);
          const body = Buffer.concat(chunks);
          const id = (JSON.parse(body.toString() || '{}') as { authorizerId?: string }).authorizerId;
          if (id) created.set(create[1], new Set([...(created.get(create[1]) ?? []), id]));
          res.writeHead(up.statusCode ?? 502, up.headers).end(body);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  const routes = async () => {
    const r = await apigw().send(new GetRoutesCommand({ ApiId: apiId }));
    return Object.fromEntries((r.Items ?? []).map((x) => [x.RouteKey, x]));
  };
  const authorizer = (id: string) =>
    apigw()
      .send(new GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: id }))
      .catch((e: Error) => (e.name === 'NotFoundException' ? undefined : Promise.reject(e)));
  const statements = async () => {
    const p = await new LambdaClient(emu.clientConfig)
      .send(new GetPolicyCommand({ FunctionName: authz, Qualifier: 'live' }))
      .catch(() => undefined);
    return (
      (JSON.parse(p?.Policy ?? '{}') as { Statement?: { Sid: string; Condition?: { ArnLike?: Record<string, string> } }[] }).Statement ?? []
    );
  };
  const changeIds = async () => {
    const plan = await ops(['plan', '--json']);
    // `ops plan` exits 2 when there are changes (as `terraform plan -detailed-exitcode`), 0 when none.
    expect([0, 2], plan.stderr).toContain(plan.code);
    return (JSON.parse(plan.stdout).changes as { id: string }[]).map((c) => c.id).sort();
  };

  beforeAll(async () => {
    proxy = await startProxy();
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    dir = await fleetDir(
      app,
      {
        'src/api/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n',
        'src/authz/handler.ts': 'export const handler = async () => ({ isAuthorized: true });\n',
      },
      `  api: {
    authorizers: {
      cognito: { type: 'jwt', issuer: '${ISSUER}', audience: ['client-1'] },
      custom: { type: 'lambda', function: 'authz', ttl: 300 },
    },
    defaultAuthorizer: 'cognito',
  },
  functions: {
    api: {
      handler: 'src/api/handler.ts',
      routes: [
        'GET /me',
        { route: 'GET /public', auth: 'none' },
        { route: 'POST /admin', auth: 'iam' },
        { route: 'GET /custom', auth: 'custom' },
      ],
    },
    authz: { handler: 'src/authz/handler.ts' },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const apis = await apigw().send(new GetApisCommand({}));
    apiId = apis.Items?.find((a) => a.Name === apiName)?.ApiId ?? '';
  });
  afterAll(() => new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve())));

  it('creates the authorizers, attaches each route, scopes the permission, and plans nothing after', async () => {
    const r = await routes();
    expect(r['GET /public'].AuthorizationType).toBe('NONE');
    expect(r['POST /admin'].AuthorizationType).toBe('AWS_IAM');
    expect(r['GET /me'].AuthorizationType).toBe('JWT');
    expect(r['GET /custom'].AuthorizationType).toBe('CUSTOM');
    const jwt = await authorizer(r['GET /me'].AuthorizerId!);
    expect(jwt).toMatchObject({ Name: 'cognito', AuthorizerType: 'JWT', JwtConfiguration: { Issuer: ISSUER, Audience: ['client-1'] } });
    expect(jwt?.IdentitySource).toEqual(['$request.header.Authorization']);
    const custom = await authorizer(r['GET /custom'].AuthorizerId!);
    expect(custom).toMatchObject({
      Name: 'custom',
      AuthorizerType: 'REQUEST',
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
    });
    expect(custom?.AuthorizerUri).toMatch(new RegExp(`:function:${authz}:live/invocations$`));
    const grant = (await statements()).find((s) => s.Sid === 'ops-authorizer-custom');
    expect(grant?.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:123456789012:${apiId}/authorizers/${custom?.AuthorizerId}`,
    );
    expect(await changeIds()).toEqual([]);
  });

  it('a TTL change is one authorizer update, in place', async () => {
    const id = (await routes())['GET /custom'].AuthorizerId!;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('ttl: 300', 'ttl: 60'));
    expect(await changeIds()).toEqual(['authorizer.update:custom']);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect((await authorizer(id))?.AuthorizerResultTtlInSeconds).toBe(60);
    expect(await changeIds()).toEqual([]);
  });

  it('removing the Lambda authorizer detaches its route, then deletes it and its permission', async () => {
    const id = (await routes())['GET /custom'].AuthorizerId!;
    await edit(`${dir}/ops.config.ts`, (t) =>
      t
        .replace(/\n\s*custom: \{ type: 'lambda'[^\n]*/, '')
        .replace("{ route: 'GET /custom', auth: 'custom' }", "{ route: 'GET /custom', auth: 'none' }"),
    );
    // The authorizer's function holds no statement any more: its marker tag (src/config/policy-marker.ts) goes too.
    expect(await changeIds()).toEqual([
      `authorizer.delete:${id}`,
      `authorizer.revoke:${authz}`,
      `function.tag:${authz}`,
      'route.update:GET /custom',
    ]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const detached = (await routes())['GET /custom'];
    expect(detached.AuthorizationType).toBe('NONE');
    expect(detached.AuthorizerId ?? '').toBe('');
    expect(await authorizer(id)).toBeUndefined();
    expect((await statements()).map((s) => s.Sid)).not.toContain('ops-authorizer-custom');
    expect((await routes())['GET /me'].AuthorizationType).toBe('JWT');
    expect(await changeIds()).toEqual([]);
  });

  it('a lost CreateAuthorizer answer is read back by name: one authorizer, attached', async () => {
    await edit(`${dir}/ops.config.ts`, (t) =>
      t
        .replace(
          "cognito: { type: 'jwt',",
          "partner: { type: 'jwt', issuer: 'https://partner.example.com', audience: ['p'] },\n      cognito: { type: 'jwt',",
        )
        .replace("{ route: 'GET /public', auth: 'none' }", "{ route: 'GET /public', auth: 'partner' }"),
    );
    const faults = await startFaultProxy({ target: proxyUrl });
    try {
      const lost = faults.addFault({
        match: { method: 'POST', path: /^\/v2\/apis\/[^/]+\/authorizers$/ },
        times: 1,
        respond: { label: 'answer lost', action: () => ({ kind: 'drop', when: 'response' }) },
      });
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: emulatorEnv(faults.url) as NodeJS.ProcessEnv });
      expect(d.code, d.stdout + d.stderr).toBe(0);
      expect(lost.hits).toBe(1);
    } finally {
      await faults.close();
    }
    const names = await Promise.all([...(created.get(apiId) ?? [])].map(async (id) => (await authorizer(id))?.Name));
    expect(names.filter((n) => n === 'partner')).toHaveLength(1);
    const route = (await routes())['GET /public'];
    expect(route.AuthorizationType).toBe('JWT');
    expect((await authorizer(route.AuthorizerId!))?.Name).toBe('partner');
    expect(await changeIds()).toEqual([]);
  });
});
