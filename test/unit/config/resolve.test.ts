import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';

const root = '/proj';
const existing = new Set(['/proj/src/api/handler.ts', '/proj/src/py/app/main.py', '/proj/src/py/requirements.txt']);
const opts = (stage = 'dev', extra = {}) => ({
  stage,
  root,
  configPath: '/proj/ops.config.ts',
  exists: (p: string) => existing.has(p),
  ...extra,
});

const cfg = fleetSchema.parse({
  app: 'shop',
  region: 'eu-west-1',
  defaults: { memory: 512, logRetentionDays: 14, environment: { LOG_LEVEL: 'info' } },
  params: { 'db-url': { secure: true }, 'table-name': {} },
  tags: { team: 'core' },
  functions: {
    api: {
      handler: 'src/api/handler.main',
      routes: ['GET /items/{id}'],
      params: ['db-url', { name: 'table-name', resolve: true }],
      invokes: ['worker'],
      environment: { LOG_LEVEL: 'debug' },
    },
    worker: { handler: 'src/py/app/main.run', root: 'src/py', timeout: 600 },
  },
});

describe('resolveFleet', () => {
  it('names everything from app and stage', () => {
    const f = resolveFleet(cfg, opts('prod'));
    expect(f.functions.map((x) => x.name)).toEqual(['shop-prod-api', 'shop-prod-worker']);
    expect(f.functions[0].logGroup).toBe('/aws/lambda/shop-prod-api');
    expect(f.params.map((p) => p.path)).toEqual(['/shop/prod/db-url', '/shop/prod/table-name']);
    expect(f.api?.name).toBe('shop-prod');
    expect(f.tags).toMatchObject({ team: 'core', 'ops:app': 'shop', 'ops:stage': 'prod' });
  });

  it('fills defaults and merges environment with function values winning', () => {
    const [api, worker] = resolveFleet(cfg, opts()).functions;
    expect(api.memory).toBe(512);
    expect(api.runtime).toBe('nodejs22.x');
    expect(worker.runtime).toBe('python3.12');
    expect(worker.timeout).toBe(600);
    expect(api.logRetentionDays).toBe(14);
    expect(api.environment).toEqual({
      LOG_LEVEL: 'debug',
      OPS_APP: 'shop',
      OPS_PARAM_DB_URL: '/shop/dev/db-url',
      OPS_STAGE: 'dev',
      WORKER_FUNCTION_NAME: 'shop-dev-worker:live',
    });
    expect(api.tags).toMatchObject({ 'ops:function': 'api', 'ops:app': 'shop', team: 'core' });
  });

  it('resolves handler strings for node and python', () => {
    const [api, worker] = resolveFleet(cfg, opts()).functions;
    expect(api.handler).toMatchObject({ file: '/proj/src/api/handler.ts', exportName: 'main', lambdaHandler: 'index.main' });
    expect(worker.handler).toMatchObject({
      file: '/proj/src/py/app/main.py',
      lambdaHandler: 'app.main.run',
      root: path.resolve('/proj/src/py'),
      requirements: '/proj/src/py/requirements.txt',
    });
  });

  it('prefers --region, then the config region, then AWS_REGION', () => {
    expect(resolveFleet(cfg, opts('dev', { region: 'ap-south-1' })).region).toBe('ap-south-1');
    expect(resolveFleet(cfg, opts('dev', { env: { AWS_REGION: 'us-west-2' } })).region).toBe('eu-west-1');
    const noRegion = { ...cfg, region: undefined };
    expect(resolveFleet(noRegion, opts('dev', { env: { AWS_REGION: 'us-west-2' } })).region).toBe('us-west-2');
  });

  it('records which functions read each param', () => {
    const f = resolveFleet(cfg, opts());
    expect(f.params.find((p) => p.name === 'db-url')).toMatchObject({ secure: true, readers: ['api'] });
    expect(f.functions[0].params[1]).toMatchObject({ name: 'table-name', resolve: true, env: 'OPS_PARAM_VALUE_TABLE_NAME' });
  });
});
