import {
  APIGatewayClient,
  GetDeploymentsCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
  type Resource,
} from '@aws-sdk/client-api-gateway';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { startDevServer } from '../../src/dev/server.js';
import type { Moto } from '../../src/emulator/moto.js';
import { startLayerMoto } from '../deploy/layer-moto.js';
import { type Stub, startStub } from '../functions/support/helpers.js';
import { clientConfigFor, emulatorEnv, useEmulator } from '../support/emulator.js';
import {
  bodyOf,
  copyExample,
  expectNoDrift,
  invokeLocal,
  kindsFor,
  type Ops,
  opsFor,
  planJson,
  planResources,
  resolvedConfig,
  setParams,
  settingsOf,
  uniqueStage,
  writeLocalEnv,
} from './support.js';

const SERVICES = ['agent-service', 'rag-service', 'gateway-service'] as const;

/** Seed 001: three Python services on their {proxy+} prefixes of one REST API (stage prod), sharing a layer. */
describe('examples/faas-services (seed 001)', () => {
  const emu = useEmulator();
  const stage = uniqueStage();
  const bucket = `motadata-rag-${stage}`;
  let dir: string;
  let ops: Ops;
  /** The LLM provider, the sibling services as seen from agent-service, the cache service, and a TCP port for Postgres/Redis. */
  let stub: Stub;
  const cache = new Map<string, unknown>();

  beforeAll(async () => {
    dir = await copyExample('faas-services');
    ops = opsFor(dir, stage, emu.env);
    stub = await startStub((req) => {
      if (req.path === '/llm/chat/completions') {
        if (req.headers.authorization !== 'Bearer llm-local') return { status: 401, body: {} };
        return {
          body: {
            choices: [{ message: { role: 'assistant', content: 'A layer is a zip of shared code mounted at /opt.' } }],
            usage: { total_tokens: 42 },
          },
        };
      }
      if (req.path === '/api/v1/rag/query') {
        return {
          body: { passages: [{ document: 'workspace-keys', passage: 1, text: 'Open Settings, then API keys, and choose Rotate.' }] },
        };
      }
      if (req.path === '/api/v1/gateway/chat')
        return { body: { message: { role: 'assistant', content: 'Settings > API keys > Rotate.' } } };
      if (req.path.startsWith('/api/v1/cache/')) {
        const key = req.path.split('/').at(-1) as string;
        if (req.method === 'PUT') cache.set(key, JSON.parse(req.body).value);
        return cache.has(key) ? { body: { value: cache.get(key) } } : { status: 404, body: {} };
      }
      return { status: 404, body: {} };
    });
    const port = new URL(stub.url).port;
    await writeLocalEnv(dir, stage, {
      'database-url': `postgresql://motadata:pw@127.0.0.1:${port}/motadata`,
      'redis-url': `redis://:pw@127.0.0.1:${port}/0`,
      'llm/api-key': 'llm-local',
      'gateway-service-url': stub.url,
      'rag-service-url': stub.url,
      'cache-service-url': stub.url,
    });
    // Outside ops: the rag-service's document bucket (here one per test stage).
    const made = await fetch(`${emu.url}/${bucket}`, { method: 'PUT' });
    expect(made.ok, await made.text()).toBe(true);
  });
  afterAll(() => stub?.close());

  it('ops config --json: the seed memory/timeouts per function, one {proxy+} route each, the layer on all three', async () => {
    const fleet = await resolvedConfig(ops);
    expect(settingsOf(fleet)).toEqual({
      'agent-service': { runtime: 'python3.12', memory: 512, timeout: 30, handler: 'lambda_handler.handler' },
      'rag-service': { runtime: 'python3.12', memory: 512, timeout: 30, handler: 'lambda_handler.handler' },
      'gateway-service': { runtime: 'python3.12', memory: 1024, timeout: 60, handler: 'lambda_handler.handler' },
    });
    expect(fleet.functions.map((f) => f.routes.map((r) => r.key))).toEqual([
      ['ANY /api/v1/agents/{proxy+}'],
      ['ANY /api/v1/rag/{proxy+}'],
      ['ANY /api/v1/gateway/{proxy+}'],
    ]);
    for (const fn of fleet.functions) {
      expect(fn.environment).toMatchObject({ SERVICE_NAME: fn.key, ENABLE_NATS: 'false', ENABLE_OTEL: 'false' });
      // Only the parameters' names: the URLs with their passwords are read at runtime.
      expect(Object.keys(fn.environment)).toEqual(expect.arrayContaining(['OPS_PARAM_DATABASE_URL', 'OPS_PARAM_REDIS_URL']));
      expect(Object.keys(fn.environment)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
    }
    const layers = (fleet.functions as unknown as { layers: unknown[] }[]).map((f) => f.layers);
    expect(new Set(layers.map((l) => JSON.stringify(l))).size).toBe(1);
    expect(JSON.stringify(layers[0])).toContain('motadata-ai-sdk');
  });

  // No PYTHONPATH given: local runs extract the built layer into their /opt (issue 12.2).
  describe('ops invoke --local, the layer under a local /opt as Lambda mounts it', () => {
    const env = (extra: Record<string, string> = {}) => ({
      LLM_BASE_URL: `${stub.url}/llm`,
      RAG_DOCUMENTS_BUCKET: bucket,
      ...extra,
    });

    it('gateway-service: models, a chat through the provider, a bad role refused', async () => {
      const models = await invokeLocal(ops, 'gateway-service', 'models', env());
      expect(bodyOf(models)).toEqual({ models: ['gpt-4o-mini', 'gpt-4o'], default: 'gpt-4o-mini' });
      const chat = await invokeLocal(ops, 'gateway-service', 'chat', env());
      expect([chat.statusCode, bodyOf(chat)]).toEqual([
        200,
        {
          model: 'gpt-4o-mini',
          message: { role: 'assistant', content: 'A layer is a zip of shared code mounted at /opt.' },
          usage: { total_tokens: 42 },
        },
      ]);
      expect((await invokeLocal(ops, 'gateway-service', 'chat-bad-role', env())).statusCode).toBe(400);
    });

    it('rag-service: a document stored in S3, then found by its passage', async () => {
      const put = await invokeLocal(ops, 'rag-service', 'put-document', env());
      expect([put.statusCode, bodyOf(put)]).toEqual([200, { id: 'workspace-keys', passages: 3 }]);
      const found = bodyOf(await invokeLocal(ops, 'rag-service', 'query', env()));
      expect(found.passages[0]).toMatchObject({
        document: 'workspace-keys',
        passage: 1,
        text: expect.stringContaining('To rotate the API key'),
      });
      expect((await invokeLocal(ops, 'rag-service', 'query-missing', env())).statusCode).toBe(400);
    });

    it('agent-service: retrieval, the gateway, then the cache', async () => {
      expect(bodyOf(await invokeLocal(ops, 'agent-service', 'list-agents', env())).agents.map((a: { name: string }) => a.name)).toEqual([
        'support',
        'summarizer',
      ]);
      const first = bodyOf(await invokeLocal(ops, 'agent-service', 'run-support', env()));
      expect(first).toEqual({ agent: 'support', answer: 'Settings > API keys > Rotate.', sources: ['workspace-keys#1'], cached: false });
      const gatewayCall = stub.requests.find((q) => q.path === '/api/v1/gateway/chat');
      expect(JSON.parse(gatewayCall?.body ?? '{}').messages[1].content).toContain('Open Settings, then API keys');
      const second = bodyOf(await invokeLocal(ops, 'agent-service', 'run-support', env()));
      expect(second).toMatchObject({ answer: 'Settings > API keys > Rotate.', cached: true });
      expect((await invokeLocal(ops, 'agent-service', 'unknown-agent', env())).statusCode).toBe(404);
    });

    it('agent-service health: the database and Redis reachable, the seed feature flags', async () => {
      const health = bodyOf(await invokeLocal(ops, 'agent-service', 'health', env()));
      expect(health).toEqual({
        service: 'agent-service',
        port: 8080,
        status: 'ok',
        features: { nats: false, otel: false },
        dependencies: { database: 'ok', redis: 'ok' },
      });
    });
  });

  it("ops dev serves the REST API under /prod: a payload 1.0 event reaches the service, OPTIONS is the API's preflight", async () => {
    const fleet = await loadFleet({ cwd: dir, stage, env: {} });
    const server = await startDevServer({ fleet, port: 0, env: { ...process.env, ...emu.env }, watch: false });
    try {
      expect(server.url).toMatch(/\/prod$/);
      const models = await fetch(`${server.url}/api/v1/gateway/models`);
      expect([models.status, await models.json()]).toEqual([200, { models: ['gpt-4o-mini', 'gpt-4o'], default: 'gpt-4o-mini' }]);
      const health = await (await fetch(`${server.url}/api/v1/agents/health`)).json();
      expect(health).toMatchObject({ service: 'agent-service', status: 'ok' });
      const preflight = await fetch(`${server.url}/api/v1/rag/query`, { method: 'OPTIONS' });
      expect([preflight.status, preflight.headers.get('access-control-allow-methods')]).toEqual([200, '*']);
      // Without the stage, as the invoke URL answers.
      expect((await fetch(`${server.url.replace(/\/prod$/, '')}/api/v1/gateway/models`)).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  /** On a moto of its own: the shared one cannot attach layers to functions (see startLayerMoto). */
  describe('against the emulator', () => {
    let moto: Moto;
    let remote: Ops;
    let apigw: APIGatewayClient;
    let apiId = '';
    const resources = async (): Promise<Record<string, Resource>> =>
      Object.fromEntries(
        ((await apigw.send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'], limit: 500 }))).items ?? []).map((r) => [
          r.path,
          r,
        ]),
      );
    const deploymentIds = async () =>
      ((await apigw.send(new GetDeploymentsCommand({ restApiId: apiId }))).items ?? []).map((d) => d.id).sort();
    beforeAll(async () => {
      moto = await startLayerMoto();
      remote = opsFor(dir, stage, emulatorEnv(moto.url));
      apigw = new APIGatewayClient(clientConfigFor(moto.url));
    });
    afterAll(async () => {
      apigw?.destroy();
      await moto?.stop();
    });

    it('sets the connection URLs and the provider key as SecureStrings through stdin, the service URLs plain', async () => {
      // The REST API's base URL ends with its stage (as the seed's clients have it).
      const api = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod';
      await setParams(remote, {
        'database-url': {
          value: 'postgresql://motadata:s3cret@motadata-db.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com:5432/motadata',
          secure: true,
        },
        'redis-url': { value: 'rediss://:s3cret@motadata-cache.abc123.use1.cache.amazonaws.com:6379/0', secure: true },
        'llm/api-key': { value: 'sk-test-0123456789', secure: true },
        'gateway-service-url': { value: api, secure: false },
        'rag-service-url': { value: api, secure: false },
        'cache-service-url': { value: 'https://cache.motadata.internal', secure: false },
      });
    });

    it('ops plan on an empty emulator: the layer once, three functions on it, three {proxy+} methods of the REST API', async () => {
      const plan = await planJson(remote);
      const layers = plan.changes.filter((c) => c.kind === 'layer.publish');
      expect(layers.map((c) => c.resource)).toEqual([{ type: 'lambda layer', name: `motadata-ai-services-${stage}-motadata-ai-sdk` }]);
      for (const fn of SERVICES) {
        expect(kindsFor(plan, fn)).toEqual(
          expect.arrayContaining([
            'role.create iam role',
            'function.create lambda function',
            'restapi.method rest api method',
            'restapi.permit lambda permission',
          ]),
        );
      }
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes: every function runs on the published layer; the REST API prints its prod URL', async () => {
      const r = await remote(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(remote);
      const lambda = new LambdaClient(clientConfigFor(moto.url));
      for (const fn of SERVICES) {
        const got = await lambda.send(new GetFunctionCommand({ FunctionName: `motadata-ai-services-${stage}-${fn}` }));
        expect(got.Configuration?.Layers?.map((l) => l.Arn)).toEqual([
          `arn:aws:lambda:us-east-1:123456789012:layer:motadata-ai-services-${stage}-motadata-ai-sdk:1`,
        ]);
      }
      lambda.destroy();
      const ours = ((await apigw.send(new GetRestApisCommand({ limit: 500 }))).items ?? []).filter(
        (a) => a.tags?.['ops:app'] === 'motadata-ai-services' && a.tags?.['ops:stage'] === stage,
      );
      expect(ours.map((a) => a.name)).toEqual([`motadata-ai-services-${stage}`]);
      apiId = ours[0]?.id ?? '';
      // The seed's client URLs: https://{id}.execute-api.us-east-1.amazonaws.com/prod/api/v1/...
      expect(r.stdout + r.stderr).toContain(`https://${apiId}.execute-api.us-east-1.amazonaws.com/prod`);
    });

    it("the REST API as SAM builds it: each service's ANY {proxy+} method on live, a '*' CORS preflight, stage prod on the one deployment", async () => {
      const byPath = await resources();
      expect(Object.keys(byPath).sort()).toEqual(
        ['/', '/api', '/api/v1', ...['agents', 'gateway', 'rag'].flatMap((p) => [`/api/v1/${p}`, `/api/v1/${p}/{proxy+}`])].sort(),
      );
      for (const [prefix, fn] of [
        ['agents', 'agent-service'],
        ['rag', 'rag-service'],
        ['gateway', 'gateway-service'],
      ]) {
        const methods = byPath[`/api/v1/${prefix}/{proxy+}`]?.resourceMethods ?? {};
        expect(Object.keys(methods).sort(), prefix).toEqual(['ANY', 'OPTIONS']);
        expect(methods.ANY?.authorizationType).toBe('NONE');
        expect(methods.ANY?.methodIntegration).toMatchObject({
          type: 'AWS_PROXY',
          httpMethod: 'POST',
          uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:motadata-ai-services-${stage}-${fn}:live/invocations`,
        });
        // SAM's Cors: AllowMethods, AllowHeaders and AllowOrigin all "'*'".
        expect(methods.OPTIONS?.methodIntegration?.type).toBe('MOCK');
        expect(methods.OPTIONS?.methodIntegration?.integrationResponses?.['200']?.responseParameters).toEqual({
          'method.response.header.Access-Control-Allow-Headers': "'*'",
          'method.response.header.Access-Control-Allow-Methods': "'*'",
          'method.response.header.Access-Control-Allow-Origin': "'*'",
        });
      }
      // Only the routes' resources answer: the prefixes have no methods.
      expect(byPath['/api/v1/agents']?.resourceMethods).toBeUndefined();
      const deployments = await deploymentIds();
      expect(deployments).toHaveLength(1);
      expect((await apigw.send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }))).deploymentId).toBe(deployments[0]);
    });

    it('a second ops plan is empty, and a second deploy makes no deployment', async () => {
      const r = await remote(['plan']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const before = await deploymentIds();
      const d = await remote(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(await deploymentIds()).toEqual(before);
    });
  });
});
