import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import {
  ACCOUNT,
  actualFrom,
  artifact,
  artifactsFor,
  emptyActual,
  expectOrder,
  expectTopological,
  find,
  fleet,
  fnSpec,
  ids,
  paramUse,
  sampleFleet,
} from './builders.js';

describe('planDeploy: from nothing', () => {
  const f = sampleFleet();
  const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: emptyActual() });

  it('creates every resource once', () => {
    expect([...ids(plan)].sort()).toEqual(
      [
        'role.create:tasks-dev-api',
        'function.create:tasks-dev-api',
        'alias.publish:tasks-dev-api',
        'loggroup.create:/aws/lambda/tasks-dev-api',
        'integration.create:tasks-dev-api',
        'route.create:GET /tasks',
        'route.create:POST /tasks',
        'route.create:GET /tasks/{id}',
        'permission.set:tasks-dev-api',
        'role.create:tasks-dev-search',
        'function.create:tasks-dev-search',
        'alias.publish:tasks-dev-search',
        'loggroup.create:/aws/lambda/tasks-dev-search',
        'integration.create:tasks-dev-search',
        'route.create:POST /flights/search',
        'permission.set:tasks-dev-search',
        'role.create:tasks-dev-worker',
        'function.create:tasks-dev-worker',
        'alias.publish:tasks-dev-worker',
        'loggroup.create:/aws/lambda/tasks-dev-worker',
        'api.create:tasks-dev',
        'api.stage:tasks-dev',
      ].sort(),
    );
    expect(plan.changes.every((c) => c.action === 'create')).toBe(true);
    expect(plan.warnings).toEqual([]);
  });

  it('orders by dependency', () => {
    expectTopological(plan);
    expectOrder(plan, 'role.create:tasks-dev-api', 'function.create:tasks-dev-api');
    expectOrder(plan, 'function.create:tasks-dev-api', 'alias.publish:tasks-dev-api');
    expectOrder(plan, 'alias.publish:tasks-dev-api', 'integration.create:tasks-dev-api');
    expectOrder(plan, 'alias.publish:tasks-dev-api', 'permission.set:tasks-dev-api');
    expectOrder(plan, 'api.create:tasks-dev', 'api.stage:tasks-dev');
    expectOrder(plan, 'api.create:tasks-dev', 'integration.create:tasks-dev-api');
    expectOrder(plan, 'integration.create:tasks-dev-api', 'route.create:GET /tasks');
    expect(find(plan, 'route.create:GET /tasks').dependsOn).toEqual(['api.create:tasks-dev', 'integration.create:tasks-dev-api']);
  });

  it('says what it creates in one line', () => {
    expect(find(plan, 'function.create:tasks-dev-api').summary).toBe('create function tasks-dev-api (nodejs22.x, 512 MB, 30s)');
    const create = find(plan, 'function.create:tasks-dev-api');
    if (create.kind !== 'function.create') throw new Error('kind');
    expect(create.codeSha256).toBe(artifact('api').codeSha256);
    expect(create.config.role).toBe(`arn:aws:iam::${ACCOUNT}:role/ops/tasks/dev/tasks-dev-api`);
    expect(create.config).toMatchObject({ handler: 'index.handler', memory: 512, description: '', tracing: 'PassThrough', layers: [] });
    const api = find(plan, 'api.create:tasks-dev');
    if (api.kind !== 'api.create') throw new Error('kind');
    expect(api.tags).toEqual(f.tags);
    const perm = find(plan, 'permission.set:tasks-dev-api');
    if (perm.kind !== 'permission.set') throw new Error('kind');
    expect(perm).toMatchObject({ statementId: 'ops-http-api', removeStatementIds: [], apiId: undefined, sourceArn: undefined });
  });

  it('is deterministic', () => {
    const again = planDeploy({ fleet: sampleFleet(), artifacts: artifactsFor(f), actual: emptyActual() });
    expect(again).toEqual(plan);
  });

  it('does not depend on the order of the config or of what AWS returns', () => {
    const reversed = { ...f, functions: [...f.functions].reverse() };
    expect(ids(planDeploy({ fleet: reversed, artifacts: artifactsFor(f), actual: emptyActual() }))).toEqual(ids(plan));
  });

  it('throws when a function to create has no artifact', () => {
    expect(() => planDeploy({ fleet: f, artifacts: {}, actual: emptyActual() })).toThrow(/no artifact for function api/);
  });
});

describe('planDeploy: nothing changed', () => {
  it('gives zero changes when actual equals desired', () => {
    const f = sampleFleet();
    const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom(f) });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('gives zero changes for a fleet using every feature', () => {
    const f = fleet(
      [
        fnSpec('api', {
          routes: ['ANY /{proxy+}', '$default'],
          params: [paramUse('db-url', { secure: true }), paramUse('table', { resolve: true, env: 'TABLE' })],
          invokes: ['worker'],
          permissions: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }],
          vpc: { subnetIds: ['subnet-2', 'subnet-1'], securityGroupIds: ['sg-1'] },
          layers: [
            { kind: 'arn', arn: 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3' },
            { kind: 'build', key: 'x', name: 'tasks-dev-x', path: '/proj/layers/x' },
          ],
          tracing: 'Active',
          description: 'the api',
          environment: { OPS_APP: 'tasks', API_TOKEN: 't0k3n' },
        }),
        fnSpec('worker', { role: 'arn:aws:iam::123456789012:role/external', architecture: 'arm64', logRetentionDays: 7 }),
      ],
      { keepVersions: 3, api: { name: 'tasks-dev', cors: { allowHeaders: ['Content-Type'], maxAge: 300, allowCredentials: true } } },
    );
    const paramValues = { table: 'tasks-table' };
    const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom(f, { paramValues }), paramValues });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toHaveLength(1); // the external role's grants
  });

  it('ignores representation differences AWS introduces', () => {
    const f = sampleFleet();
    const actual = actualFrom(f);
    const api = actual.functions['tasks-dev-api'];
    api.config.environment = Object.fromEntries(Object.entries(api.config.environment).reverse());
    api.config.vpc = { subnetIds: [], securityGroupIds: [] };
    api.tags['aws:cloudformation:stack-name'] = 'x';
    const [stmt] = api.aliasPolicy;
    api.aliasPolicy = [{ ...stmt, Action: ['lambda:InvokeFunction'] } as PolicyStatement];
    actual.api?.integrations.reverse();
    if (actual.api)
      actual.api.cors = { allowOrigins: ['*'], allowMethods: ['options', 'get', 'post'], allowHeaders: [], exposeHeaders: [] };
    const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    expect(plan.changes).toEqual([]);
  });
});
