import { describe, expect, it } from 'vitest';
import type { PolicyDocument, PolicyStatement } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { policiesEqual } from '../../../src/plan/policy.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import {
  ACCOUNT,
  actualFrom,
  artifactsFor,
  emptyActual,
  find,
  fleet,
  fnSpec,
  kinds,
  paramUse,
  sampleFleet,
  thrownUserError,
} from './builders.js';

const arnPrefix = `arn:aws:lambda:us-east-1:${ACCOUNT}:function`;

describe('desiredRole', () => {
  const f = sampleFleet();
  const api = f.functions[0];

  it('grants exactly the log group, the params and the invoked functions', () => {
    const role = desiredRole(f, api, ACCOUNT);
    expect(role).toMatchObject({ name: 'tasks-dev-api', path: '/ops/tasks/dev/', policyName: 'ops-function', tags: api.tags });
    expect(role?.trustPolicy.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role?.policy.Statement).toEqual([
      {
        Sid: 'OpsLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/tasks-dev-api`,
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/tasks-dev-api:*`,
        ],
      },
      {
        Sid: 'OpsParams',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tasks/dev/table-name`],
      },
      {
        Sid: 'OpsInvoke',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [`${arnPrefix}:tasks-dev-worker`, `${arnPrefix}:tasks-dev-worker:*`],
      },
    ]);
  });

  it('grants no ssm read for params resolved into the environment at deploy time (issue 12.12)', () => {
    const mixed = fnSpec('api', { params: [paramUse('table-name', { resolve: true }), paramUse('api/key')] });
    const sids = (fn: typeof mixed) => desiredRole(fleet([fn]), fn, ACCOUNT)?.policy.Statement.find((s) => s.Sid === 'OpsParams');
    expect(sids(mixed)?.Resource).toEqual([`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tasks/dev/api/key`]);
    const onlyResolved = fnSpec('api', { params: [paramUse('table-name', { resolve: true })] });
    expect(sids(onlyResolved)).toBeUndefined();
  });

  it('uses * only for the VPC network interface actions, and adds custom permissions verbatim', () => {
    const custom = { Effect: 'Allow' as const, Action: ['dynamodb:GetItem'], Resource: 'arn:aws:dynamodb:us-east-1:1:table/t' };
    const fn = fnSpec('x', { vpc: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] }, permissions: [custom] });
    const statements = desiredRole(fleet([fn]), fn, ACCOUNT)?.policy.Statement as PolicyStatement[];
    const starred = statements.filter((s) => [s.Action, s.Resource].flat().includes('*'));
    expect(starred.map((s) => s.Sid)).toEqual(['OpsVpc']);
    expect(statements.at(-1)).toEqual(custom);
    expect(statements.flatMap((s) => [s.Action].flat()).some((a) => a === '*' || a?.endsWith(':*'))).toBe(false);
  });

  it('is undefined for a function with an external role', () => {
    const fn = fnSpec('x', { role: 'arn:aws:iam::1:role/mine' });
    expect(desiredRole(fleet([fn]), fn, ACCOUNT)).toBeUndefined();
  });
});

describe("a kept role name held by a role that is not the stage's", () => {
  it('stops the plan before any write, naming the role and why (another stage, a hand-made role)', () => {
    const fn = fnSpec('search', { roleName: 'AutoRescueSearchRole' });
    const f = fleet([fn]);
    const actual = {
      ...emptyActual(),
      foreign: [{ type: 'iam role' as const, name: 'AutoRescueSearchRole', reason: 'it exists under /, not /ops/tasks/dev/' }],
    };
    const e = thrownUserError(() => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual }));
    expect(e.message).toBe(
      "functions.search: role AutoRescueSearchRole exists and is not this stage's (it exists under /, not /ops/tasks/dev/); nothing was changed",
    );
    // Free: created under that name, in the stage's path.
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: emptyActual() });
    expect(p.changes.find((c) => c.kind === 'role.create')?.summary).toBe('create role AutoRescueSearchRole');
  });
});

describe('a role ops does not manage, checked against its policies', () => {
  const LEGACY = 'arn:aws:iam::123456789012:role/legacy';
  const logGroup = (key: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/tasks-dev-${key}`;
  const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
  // AWSLambdaBasicExecutionRole's default version, as IAM serves it.
  const basicExecution = doc({
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: '*',
  });
  const g = fleet([
    fnSpec('api', { role: LEGACY, params: [paramUse('db-url')], invokes: ['worker'] }),
    fnSpec('worker', { role: LEGACY }),
    fnSpec('mailer'),
  ]);
  const plan = (externalRoles: NonNullable<ReturnType<typeof emptyActual>['externalRoles']> | undefined, only?: string[]) =>
    planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: { ...emptyActual(), ...(externalRoles ? { externalRoles } : {}) }, only });

  it('once per role for all the functions that use it, naming only what its policies do not allow', () => {
    const p = plan({ legacy: { policies: [basicExecution, doc({ Effect: 'Allow', Action: 'ssm:GetParam*', Resource: '*' })] } });
    expect(p.warnings).toEqual([
      `api and worker use role ${LEGACY}, which ops does not manage, and it does not allow lambda:InvokeFunction on ${arnPrefix}:tasks-dev-worker, ${arnPrefix}:tasks-dev-worker:*: add that to the role, or remove \`role\` to let ops manage one`,
    ]);
  });

  it('no warning when its inline and attached managed policies allow everything', () => {
    const invoke = doc({ Effect: 'Allow', Action: 'lambda:Invoke*', Resource: `${arnPrefix}:tasks-dev-*` });
    const ssm = doc({
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tasks/dev/*`,
    });
    expect(plan({ legacy: { policies: [basicExecution, invoke, ssm] } }).warnings).toEqual([]);
    expect(plan({ legacy: { policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*' })] } }).warnings).toEqual([]);
  });

  it("a param at its own path (issue 16.4) outside what the role may read: one line naming that parameter's ARN", () => {
    const spool = fleet([fnSpec('api', { role: LEGACY, params: [paramUse('openai-api-key', { path: '/spool/openai-api-key' })] })]);
    const stageOnly = doc({
      Effect: 'Allow',
      Action: 'ssm:GetParameter*',
      Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tasks/dev/*`,
    });
    const p = planDeploy({
      fleet: spool,
      artifacts: artifactsFor(spool),
      actual: { ...emptyActual(), externalRoles: { legacy: { policies: [basicExecution, stageOnly] } } },
    });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(
      `does not allow ssm:GetParameter, ssm:GetParameters on arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/spool/openai-api-key:`,
    );
  });

  it('a Deny wins, a conditional Allow is not counted, NotAction and NotResource are read as IAM reads them', () => {
    const all = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const denyLogs = doc({ Effect: 'Deny', Action: 'logs:PutLogEvents', Resource: `${logGroup('worker')}:*` });
    expect(plan({ legacy: { policies: [all, denyLogs] } }).warnings[0]).toContain(
      `does not allow logs:PutLogEvents on ${logGroup('worker')}:*:`,
    );
    const conditional = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    });
    expect(plan({ legacy: { policies: [conditional] } }).warnings).toHaveLength(1);
    expect(plan({ legacy: { policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] } }).warnings).toEqual([]);
    const notWorker = doc({ Effect: 'Allow', Action: '*', NotResource: `${arnPrefix}:tasks-dev-worker*` });
    expect(plan({ legacy: { policies: [notWorker] } }).warnings[0]).toContain('does not allow lambda:InvokeFunction on');
  });

  it('policies it could not read: the whole list, with the reason', () => {
    const [w] = plan({ legacy: { unreadable: 'access denied' } }).warnings;
    expect(w).toMatch(
      /^api and worker use role .*legacy, which ops does not manage \(its policies were not read: access denied\): make sure it allows /,
    );
    expect(w).toContain(logGroup('api'));
    expect(w).toContain(logGroup('worker'));
  });

  it('with only, just the named functions count', () => {
    const p = plan({ legacy: { policies: [] } }, ['worker']);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/^worker uses role /);
    expect(p.warnings[0]).not.toContain(logGroup('api'));
  });
});

describe('role changes', () => {
  const f = sampleFleet();
  const artifacts = artifactsFor(f);

  it('external role: no role changes, a warning listing the grants ops cannot check', () => {
    const fn = fnSpec('api', { role: 'arn:aws:iam::123456789012:role/legacy', params: [paramUse('db-url')], invokes: ['worker'] });
    const g = fleet([fn, fnSpec('worker')]);
    const p = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: emptyActual() });
    expect(kinds(p).filter((k) => k.startsWith('role.'))).toEqual(['role.create']);
    expect(find(p, 'function.create:tasks-dev-api')).toMatchObject({
      config: { role: 'arn:aws:iam::123456789012:role/legacy' },
      dependsOn: [],
    });
    expect(p.warnings).toHaveLength(1);
    const [w] = p.warnings;
    expect(w).toMatch(
      /^api uses role arn:aws:iam::123456789012:role\/legacy, which ops does not manage \(its policies were not read\): make sure it allows /,
    );
    expect(w).toContain(`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/tasks/dev/db-url`);
    expect(w).toContain(`${arnPrefix}:tasks-dev-worker`);
    expect(w).toContain(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/tasks-dev-api`);
  });

  it('switching to an external role updates the function and then deletes the old role', () => {
    const actual = actualFrom(f);
    const g = { ...f, functions: f.functions.map((fn) => (fn.key === 'worker' ? { ...fn, role: 'arn:aws:iam::1:role/ext' } : fn)) };
    const p = planDeploy({ fleet: g, artifacts, actual });
    expect(kinds(p)).toEqual(['function.update-config', 'alias.publish', 'role.delete']);
    expect(find(p, 'role.delete:tasks-dev-worker').dependsOn).toEqual([
      'alias.publish:tasks-dev-worker',
      'function.update-config:tasks-dev-worker',
    ]);
  });

  it('policy comparison ignores statement, action and resource order and string vs one-element list', () => {
    const actual = actualFrom(f);
    const role = actual.roles['tasks-dev-api'];
    const doc = role.inlinePolicies['ops-function'];
    const shuffled: PolicyDocument = {
      Version: doc.Version,
      Statement: [...doc.Statement].reverse().map((s) => ({
        ...s,
        Action: Array.isArray(s.Action) && s.Action.length === 1 ? s.Action[0] : [s.Action ?? []].flat().reverse(),
        Resource: [s.Resource ?? []].flat().reverse(),
      })),
    };
    role.inlinePolicies['ops-function'] = shuffled;
    role.trustPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
    };
    expect(policiesEqual(shuffled, doc)).toBe(true);
    expect(planDeploy({ fleet: f, artifacts, actual }).changes).toEqual([]);
  });

  it('a new grant → role.update with the statement, and the function waits for it', () => {
    const actual = actualFrom(f);
    const g = {
      ...f,
      functions: f.functions.map((fn) =>
        fn.key === 'worker'
          ? { ...fn, memory: 2048, permissions: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }
          : fn,
      ),
    };
    const p = planDeploy({ fleet: g, artifacts, actual });
    expect(kinds(p)).toEqual(['role.update', 'function.update-config', 'alias.publish']);
    const update = find(p, 'role.update:tasks-dev-worker');
    expect(update).toMatchObject({
      trust: false,
      policy: true,
      tags: false,
      removeTags: [],
      summary: 'update role tasks-dev-worker: policy ops-function',
    });
    expect(update.fields).toEqual([{ field: 'policy', to: 'Allow s3:GetObject on arn:aws:s3:::b/*' }]);
    expect(find(p, 'function.update-config:tasks-dev-worker').dependsOn).toEqual(['role.update:tasks-dev-worker']);
  });

  it('role tags: update with the keys to remove, never aws:*', () => {
    const actual = actualFrom(f);
    actual.roles['tasks-dev-worker'].tags = { ...actual.roles['tasks-dev-worker'].tags, stale: '1', 'aws:x': 'y' };
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(kinds(p)).toEqual(['role.update']);
    expect(p.changes[0]).toMatchObject({ tags: true, policy: false, removeTags: ['stale'], fields: [{ field: 'tag.stale', from: "'1'" }] });
  });

  it('a role missing under an existing function is created again', () => {
    const actual = actualFrom(f);
    delete actual.roles['tasks-dev-search'];
    expect(kinds(planDeploy({ fleet: f, artifacts, actual }))).toEqual(['role.create']);
  });
});
