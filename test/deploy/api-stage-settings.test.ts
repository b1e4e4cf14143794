import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient, GetRestApisCommand, GetStageCommand as GetRestStageCommand } from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  CreateStageCommand,
  DeleteStageCommand,
  GetApisCommand,
  GetStageCommand,
  type Stage,
} from '@aws-sdk/client-apigatewayv2';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_LOG_FORMAT } from '../../src/config/resolve-api-stage.js';
import { LogWriter } from '../logs/support.js';
import { runCli } from '../support/cli.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';
import { faults, startFaultProxy } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Throttling and access logs on the API's stage (issue 15 item 7), on moto: an HTTP API and a REST API deployed
 * with `throttle` and `accessLog`, read back with the SDK (the stage's settings, the access log group with its
 * retention and tags), planned again empty; a rate change is one in-place stage update; removing `accessLog`
 * turns the stage's logging off and keeps the group.
 *
 * Where moto differs from AWS: moto 5.2.1 has no API Gateway v2 UpdateStage nor DeleteAccessLogSettings (it
 * answers them with an error page), though its CreateStage keeps DefaultRouteSettings and AccessLogSettings.
 * A small proxy in front of moto answers those two as AWS does, on moto's own state: the stage read, deleted and
 * created again with the update merged in (UpdateStage's DefaultRouteSettings replaces the object, as on AWS,
 * where a limit left out reads 0). Everything else, REST (v1) UpdateStage included, goes to moto untouched.
 */
describe('ops deploy: API stage throttling and access logs', () => {
  const emu = useEmulator();
  let proxy: http.Server;
  let proxyUrl = '';
  /** The DefaultRouteSettings of every v2 UpdateStage ops sent (wire form). */
  const routeSettingsSent: Record<string, unknown>[] = [];
  const v2 = () => new ApiGatewayV2Client(emu.clientConfig);
  const v1 = () => new APIGatewayClient(emu.clientConfig);
  const logs = () => new CloudWatchLogsClient(emu.clientConfig);
  const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

  /** The stage again with `update` merged in (moto has no UpdateStage): what AWS holds after the call. */
  async function replaceStage(ApiId: string, StageName: string, update: (s: Partial<Stage>) => Partial<Stage>): Promise<void> {
    const cur = await v2().send(new GetStageCommand({ ApiId, StageName }));
    const next = { ...cur, ...update(cur) };
    await v2().send(new DeleteStageCommand({ ApiId, StageName }));
    await v2().send(
      new CreateStageCommand({
        ApiId,
        StageName,
        AutoDeploy: next.AutoDeploy,
        ...(next.DefaultRouteSettings ? { DefaultRouteSettings: next.DefaultRouteSettings } : {}),
        ...(next.AccessLogSettings ? { AccessLogSettings: next.AccessLogSettings } : {}),
      }),
    );
  }

  async function emulate(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<boolean> {
    const stage = /^\/v2\/apis\/([^/?]+)\/stages\/([^/?]+)(\/accesslogsettings)?$/.exec(req.url ?? '');
    if (!stage) return false;
    const [, apiId, name, logSettings] = stage;
    const stageName = decodeURIComponent(name);
    if (req.method === 'PATCH' && !logSettings) {
      const u = JSON.parse(body || '{}') as {
        defaultRouteSettings?: Record<string, unknown>;
        accessLogSettings?: { destinationArn?: string; format?: string };
      };
      if (u.defaultRouteSettings) routeSettingsSent.push(u.defaultRouteSettings);
      const d = u.defaultRouteSettings;
      await replaceStage(apiId, stageName, () => ({
        ...(d
          ? {
              DefaultRouteSettings: {
                DetailedMetricsEnabled: Boolean(d.detailedMetricsEnabled),
                ThrottlingRateLimit: Number(d.throttlingRateLimit ?? 0),
                ThrottlingBurstLimit: Number(d.throttlingBurstLimit ?? 0),
              },
            }
          : {}),
        ...(u.accessLogSettings
          ? { AccessLogSettings: { DestinationArn: u.accessLogSettings.destinationArn, Format: u.accessLogSettings.format } }
          : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stageName }));
      return true;
    }
    if (req.method === 'DELETE' && logSettings) {
      await replaceStage(apiId, stageName, () => ({ AccessLogSettings: undefined }));
      res.writeHead(204).end();
      return true;
    }
    return false;
  }

  function startProxy(): Promise<http.Server> {
    const target = new URL(emu.url);
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      try {
        if (await emulate(req, res, body.toString())) return;
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  const logGroup = async (name: string) => {
    const g = (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups?.find(
      (x) => x.logGroupName === name,
    );
    if (!g) return undefined;
    const arn = (g.arn ?? '').replace(/:\*$/, '');
    return { retention: g.retentionInDays, tags: (await logs().send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {} };
  };

  /** Each API's first deploys, registered by its block: run at once (two fleets, one moto) to keep the file short. */
  const setups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    proxy = await startProxy();
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    await Promise.all(setups.map((f) => f()));
  });
  afterAll(() => new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve())));

  describe('HTTP API', () => {
    const app = uniqueApp('stg');
    const group = `/aws/apigateway/${app}-dev`;
    let dir: string;
    let apiId = '';
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emulatorEnv(proxyUrl) as NodeJS.ProcessEnv });
    const stage = () => v2().send(new GetStageCommand({ ApiId: apiId, StageName: '$default' }));
    const plan = async () => {
      const p = await ops(['plan', '--json']);
      expect([0, 2], p.stderr).toContain(p.code);
      return JSON.parse(p.stdout).changes as { id: string; kind: string; fields: { field: string; from?: string; to?: string }[] }[];
    };

    setups.push(async () => {
      dir = await fleetDir(
        app,
        { 'src/api/handler.ts': handler },
        `  defaults: { logRetentionDays: 14 },
  api: { throttle: { rateLimit: 50, burstLimit: 100 }, accessLog: true, metrics: true },
  functions: { api: { handler: 'src/api/handler.ts', routes: ['GET /items'] } },`,
      );
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      apiId = ((await v2().send(new GetApisCommand({}))).Items ?? []).find((a) => a.Name === `${app}-dev`)?.ApiId ?? '';
      expect(apiId).not.toBe('');
    });

    it('sets the $default stage throttle and access logs, to a log group ops made with the fleet retention and its tags', async () => {
      const s = await stage();
      expect(s.DefaultRouteSettings).toEqual({ DetailedMetricsEnabled: true, ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
      expect(s.AccessLogSettings?.DestinationArn).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${group}`);
      expect(s.AccessLogSettings?.Format).toBe(DEFAULT_ACCESS_LOG_FORMAT.http);
      // The throttle is marked as ops' own on the API: only then does its removal reset it.
      const api = ((await v2().send(new GetApisCommand({}))).Items ?? []).find((a) => a.ApiId === apiId);
      expect(api?.Tags?.['ops:throttle']).toBe('true');
      expect(await logGroup(group)).toEqual({ retention: 14, tags: expect.objectContaining({ 'ops:app': app, 'ops:stage': 'dev' }) });
      // AWS reads a limit left out of DefaultRouteSettings as 0 (every request refused): ops always sends both.
      expect(routeSettingsSent.length).toBeGreaterThan(0);
      for (const r of routeSettingsSent)
        expect(r).toMatchObject({ throttlingRateLimit: expect.any(Number), throttlingBurstLimit: expect.any(Number) });
      expect(await plan()).toEqual([]);
    });

    it('ops logs tail --api shows the access lines beside the function lines, labelled with the API name, in time order', async () => {
      const writer = new LogWriter(emu.clientConfig);
      const t = Date.now() - 60_000;
      const rid = '70c0ffee-1111-2222-3333-444455556666';
      try {
        await writer.put(`/aws/lambda/${app}-dev-api`, [
          { timestamp: t, message: `${new Date(t).toISOString()}\t${rid}\tINFO\tlisting items\n` },
        ]);
        await writer.put(group, [
          {
            timestamp: t + 5,
            message: JSON.stringify({
              requestId: 'Qx1',
              httpMethod: 'GET',
              routeKey: 'GET /items',
              status: '200',
              integrationLatency: '8',
            }),
          },
          {
            timestamp: t + 9,
            message: JSON.stringify({
              requestId: 'Qx2',
              httpMethod: 'GET',
              routeKey: 'GET /items',
              status: '503',
              integrationLatency: '30',
            }),
          },
        ]);
      } finally {
        writer.destroy();
      }
      const r = await ops(['logs', 'tail', '--api', '--format', 'text', '--utc', '--since', '5m']);
      expect(r.code, r.stderr).toBe(0);
      const name = `${app}-dev`;
      expect(
        r.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, '')),
      ).toEqual([
        `${'api'.padEnd(name.length)} 70c0ffee INFO  listing items`,
        `${name} Qx1      INFO  GET /items 200 · 8 ms`,
        `${name} Qx2      ERROR GET /items 503 · 30 ms`,
      ]);
    });

    it('a rate change is one in-place stage update; removing accessLog turns logging off and keeps the group', async () => {
      await edit(`${dir}/ops.config.ts`, (t) => t.replace('rateLimit: 50', 'rateLimit: 75'));
      const changes = await plan();
      expect(changes.map((c) => c.id)).toEqual([`apistage.update:${app}-dev $default`]);
      expect(changes[0].fields).toEqual([
        { field: 'throttle.rateLimit', from: '50', to: '75' },
        { field: 'throttle.burstLimit', from: '100', to: '100' },
      ]);
      await edit(`${dir}/ops.config.ts`, (t) => t.replace(', accessLog: true', ''));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const s = await stage();
      // The metrics stay on: the route settings are written whole.
      expect(s.DefaultRouteSettings).toEqual({ DetailedMetricsEnabled: true, ThrottlingRateLimit: 75, ThrottlingBurstLimit: 100 });
      expect(s.AccessLogSettings).toBeUndefined();
      expect(await logGroup(group)).toMatchObject({ retention: 14 });
      expect(await plan()).toEqual([]);
    });
  });

  describe('REST API', () => {
    const app = uniqueApp('stgr');
    const group = `/aws/apigateway/${app}-dev`;
    let dir: string;
    let restApiId = '';
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    const stage = () => v1().send(new GetRestStageCommand({ restApiId, stageName: 'prod' }));

    let faulted: { code: number; stderr: string };

    setups.push(async () => {
      dir = await fleetDir(
        app,
        { 'src/api/handler.ts': handler },
        `  api: { type: 'rest', throttle: { rateLimit: 20, burstLimit: 40 }, accessLog: { retentionDays: 7 }, metrics: true, executionLogs: 'ERROR' },
  apis: { partner: { type: 'rest', throttle: { rateLimit: 5, burstLimit: 10 }, accessLog: true } },
  functions: { api: { handler: 'src/api/handler.ts', routes: ['POST /approval', { route: 'GET /partner', api: 'partner' }] } },`,
      );
      // AWS refuses a REST stage's access logs while the account has no API Gateway CloudWatch role; moto does
      // not check it, so the first deploy meets AWS's answer through the fault proxy (the stage's only PATCH).
      const fp = await startFaultProxy({ target: emu.url });
      try {
        fp.addFault({
          match: { service: 'apigateway', method: 'PATCH', path: /^\/restapis\/[^/]+\/stages\// },
          times: 1,
          respond: faults.awsError({
            code: 'BadRequestException',
            message: 'CloudWatch Logs role ARN must be set in account settings to enable logging',
          }),
        });
        faulted = await runCli(['deploy', '--yes'], { cwd: dir, env: emulatorEnv(fp.url) as NodeJS.ProcessEnv });
      } finally {
        await fp.close();
      }
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      restApiId =
        ((await v1().send(new GetRestApisCommand({ limit: 500 }))).items ?? []).find((a) => a.tags?.['ops:app'] === app)?.id ?? '';
      expect(restApiId).not.toBe('');
    });

    it("without the account's CloudWatch role (AWS's answer, through the fault proxy) the stage update is one line and a hint", () => {
      expect(faulted.code).toBe(1);
      expect(faulted.stderr).toContain("REST API access logs need the account's API Gateway CloudWatch Logs role (stage prod)");
      expect(faulted.stderr).toContain('aws apigateway update-account');
      expect(faulted.stderr).not.toMatch(/\n\s+at /);
    });

    it('a named REST API (apis.partner) gets its own stage throttle and access log group', async () => {
      const partnerId =
        ((await v1().send(new GetRestApisCommand({ limit: 500 }))).items ?? []).find(
          (a) => a.tags?.['ops:app'] === app && a.tags?.['ops:api'] === 'partner',
        )?.id ?? '';
      expect(partnerId).not.toBe('');
      const s = await v1().send(new GetRestStageCommand({ restApiId: partnerId, stageName: 'prod' }));
      expect(s.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 5, throttlingBurstLimit: 10 });
      expect(s.accessLogSettings?.destinationArn).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${group}-partner`);
      expect(await logGroup(`${group}-partner`)).toMatchObject({ tags: expect.objectContaining({ 'ops:app': app, 'ops:stage': 'dev' }) });
    });

    it("sets the prod stage's '*/*' throttling and access logs; a second plan is empty; removing both leaves account defaults and no logging", async () => {
      const s = await stage();
      expect(s.methodSettings?.['*/*']).toMatchObject({
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        metricsEnabled: true,
        loggingLevel: 'ERROR',
      });
      expect(s.tags?.['ops:throttle']).toBe('true');
      expect(s.accessLogSettings).toEqual({
        destinationArn: `arn:aws:logs:us-east-1:123456789012:log-group:${group}`,
        format: DEFAULT_ACCESS_LOG_FORMAT.rest,
      });
      expect(await logGroup(group)).toEqual({ retention: 7, tags: expect.objectContaining({ 'ops:app': app, 'ops:stage': 'dev' }) });
      const p = await ops(['plan', '--json']);
      expect(p.code, p.stdout).toBe(0);

      await edit(`${dir}/ops.config.ts`, (t) =>
        t.replace(', throttle: { rateLimit: 20, burstLimit: 40 }, accessLog: { retentionDays: 7 }', ''),
      );
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      const after = await stage();
      expect(after.accessLogSettings?.destinationArn).toBeUndefined();
      expect(after.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 10000, throttlingBurstLimit: 5000, metricsEnabled: true });
      expect(after.tags?.['ops:throttle']).toBeUndefined();
      expect(await logGroup(group)).toMatchObject({ retention: 7 });
      const again = await ops(['plan', '--json']);
      expect(again.code, again.stdout).toBe(0);
    });
  });
});
