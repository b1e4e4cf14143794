import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { pendingLayerName } from '../../../src/config/naming.js';
import type { Fleet } from '../../../src/config/types.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { renderPlan } from '../../../src/plan/render.js';
import type { Change } from '../../../src/plan/types.js';
import { ACCOUNT, actualFrom, artifact, artifactsFor, emptyActual, expectOrder, expectTopological, find, ids } from './builders.js';
import { resolveConfig, SHARED_LAYER, settingsFleet, settingsFleetConfig, TOPIC } from './settings-fleet.js';

const f = settingsFleet();
const artifacts = artifactsFor(f);
const plan = (fleet: Fleet, actual = actualFrom(f), arts = artifactsFor(fleet)) => planDeploy({ fleet, artifacts: arts, actual });
const edited = (edit: (cfg: Record<string, any>) => void) => {
  const cfg = settingsFleetConfig();
  edit(cfg);
  return resolveConfig(cfg);
};
const byId = <K extends Change['kind']>(changes: Change[], kind: K, id: string) =>
  changes.find((c): c is Extract<Change, { kind: K }> => c.kind === kind && c.id === id);

describe('a fleet with triggers, alarms and settings', () => {
  it('plans nothing against what a clean deploy of it leaves', () => {
    const p = plan(f);
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([]);
  });

  it('from nothing: every resource once, in dependency order', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    expectTopological(p);
    expect(p.changes.every((c) => c.action === 'create')).toBe(true);
    const count = (kind: string) => p.changes.filter((c) => c.kind === kind).length;
    expect([count('schedule.create'), count('subscription.create'), count('alarm.set'), count('layer.publish')]).toEqual([2, 1, 3, 1]);
    expect([count('reserved.set'), count('provisioned.set'), count('async.set')]).toEqual([1, 1, 1]);
    expectOrder(p, 'layer.publish:tasks-dev-sdk', 'function.create:tasks-dev-executor');
    expectOrder(p, 'layer.publish:tasks-dev-sdk', 'function.create:tasks-dev-worker');
    expectOrder(p, 'alias.publish:tasks-dev-detector', 'provisioned.set:tasks-dev-detector');
    expectOrder(p, 'alias.publish:tasks-dev-worker', 'async.set:tasks-dev-worker');
    expectOrder(p, 'function.create:tasks-dev-detector', 'reserved.set:tasks-dev-detector');
  });

  it('renders layers first, then each function', () => {
    const lines = renderPlan(planDeploy({ fleet: f, artifacts, actual: emptyActual() }), new Chalk({ level: 0 }));
    const headings = lines.filter((l) => /^\S/.test(l)).slice(1);
    expect(headings).toEqual(['layers', 'detector', 'executor', 'worker']);
    expect(lines).toContain(`  + create alarm tasks-dev-detector-Duration-1: p99 of Duration ≥ 5000 over 3×60s → ${TOPIC}`);
    expect(lines).toContain(`  + create alarm tasks-dev-detector-Errors-2: Average of Errors > 10 over 1×300s → ${TOPIC}`);
  });
});

describe('layers', () => {
  it('a new layer: the configuration names a pending version the executor fills in', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    const create = byId(p.changes, 'function.create', 'function.create:tasks-dev-executor');
    expect(create?.config.layers.map((l) => pendingLayerName(l) ?? l)).toEqual(['tasks-dev-sdk', SHARED_LAYER]);
    expect(byId(p.changes, 'layer.publish', 'layer.publish:tasks-dev-sdk')).toMatchObject({
      action: 'create',
      codeSha256: artifacts['layer:sdk'].codeSha256,
      description: `ops tasks/dev sha256:${artifacts['layer:sdk'].codeSha256}`,
    });
  });

  it('an unchanged zip publishes nothing; a changed one publishes a version and moves both functions to it', () => {
    const next = { ...artifacts, 'layer:sdk': artifact('layer:sdk', 'v2') };
    const p = planDeploy({ fleet: f, artifacts: next, actual: actualFrom(f) });
    expect(ids(p).sort()).toEqual(
      [
        'layer.publish:tasks-dev-sdk',
        'function.update-config:tasks-dev-executor',
        'alias.publish:tasks-dev-executor',
        'function.update-config:tasks-dev-worker',
        'alias.publish:tasks-dev-worker',
      ].sort(),
    );
    expect(find(p, 'layer.publish:tasks-dev-sdk')).toMatchObject({ action: 'update', summary: expect.stringContaining('(latest: 1)') });
    expectOrder(p, 'layer.publish:tasks-dev-sdk', 'function.update-config:tasks-dev-worker');
  });

  it('a layer no function uses any more is deleted after the functions stop naming it', () => {
    const next = edited((cfg) => {
      delete cfg.functions.executor.layers;
      delete cfg.functions.worker.layers;
    });
    const p = plan(next);
    expect(ids(p)).toContain('layer.delete:tasks-dev-sdk');
    expectOrder(p, 'function.update-config:tasks-dev-worker', 'layer.delete:tasks-dev-sdk');
    expectOrder(p, 'function.update-config:tasks-dev-executor', 'layer.delete:tasks-dev-sdk');
  });

  it('without a build, an existing layer is used as it is', () => {
    const { 'layer:sdk': _gone, ...rest } = artifacts;
    expect(planDeploy({ fleet: f, artifacts: rest, actual: actualFrom(f) }).changes).toEqual([]);
  });
});

describe('concurrency and asynchronous invocation', () => {
  it('changed values update, removed ones delete', () => {
    const next = edited((cfg) => {
      cfg.functions.detector.reservedConcurrency = 10;
      delete cfg.functions.detector.provisionedConcurrency;
      cfg.functions.worker.async = { maxRetries: 1 };
    });
    const p = plan(next);
    expect(ids(p).sort()).toEqual([
      'async.set:tasks-dev-worker',
      'function.tag:tasks-dev-detector', // the ops:provisioned marker goes with the setting
      'provisioned.delete:tasks-dev-detector',
      'reserved.set:tasks-dev-detector',
      'role.update:tasks-dev-worker', // no on-failure destination left to grant
    ]);
    expect(find(p, 'function.tag:tasks-dev-detector')).toMatchObject({ add: {}, remove: ['ops:provisioned'] });
    expect(find(p, 'reserved.set:tasks-dev-detector')).toMatchObject({ action: 'update', reserved: 10, fields: [{ from: '5', to: '10' }] });
    const a = byId(p.changes, 'async.set', 'async.set:tasks-dev-worker');
    expect(a?.config).toEqual({ maxRetries: 1 });
    expect(a?.fields.map((x) => x.field)).toEqual(['maxRetries', 'maxEventAge', 'onFailure']);
  });

  it('no settings left: reserved concurrency and async configuration are deleted', () => {
    const next = edited((cfg) => {
      delete cfg.functions.detector.reservedConcurrency;
      delete cfg.functions.detector.provisionedConcurrency;
      delete cfg.functions.worker.async;
    });
    expect(ids(plan(next)).sort()).toEqual([
      'async.delete:tasks-dev-worker',
      'function.tag:tasks-dev-detector',
      'function.tag:tasks-dev-worker',
      'provisioned.delete:tasks-dev-detector',
      'reserved.delete:tasks-dev-detector',
      // The role no longer needs to invoke the on-failure destination.
      'role.update:tasks-dev-worker',
    ]);
  });

  it('functions with async settings or provisioned concurrency carry a marker tag telling the reader to look', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    const tagsOf = (name: string) => byId(p.changes, 'function.create', `function.create:${name}`)?.tags ?? {};
    expect(tagsOf('tasks-dev-detector')['ops:provisioned']).toBe('1');
    expect(tagsOf('tasks-dev-worker')['ops:async']).toBe('1');
    expect(Object.keys(tagsOf('tasks-dev-executor')).filter((k) => k === 'ops:async' || k === 'ops:provisioned')).toEqual([]);
    // Only the function carries them: rules, alarms and log groups get the config's tags.
    expect(byId(p.changes, 'alarm.set', 'alarm.set:tasks-dev-detector-Errors-1')?.createTags?.['ops:provisioned']).toBeUndefined();
  });

  it("async settings equal to Lambda's defaults are no change against none", () => {
    const next = edited((cfg) => {
      cfg.functions.worker.async = { maxRetries: 2, maxEventAgeSeconds: 21600 };
    });
    const actual = actualFrom(f);
    delete actual.functions['tasks-dev-worker'].asyncConfig;
    expect(ids(plan(next, actual))).toEqual(['role.update:tasks-dev-worker']);
  });

  it('an on-failure destination in the fleet is its live alias, and the role may invoke it', () => {
    const worker = f.functions.find((x) => x.key === 'worker')!;
    expect(worker.async?.onFailure).toBe('tasks-dev-detector');
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    expect(byId(p.changes, 'async.set', 'async.set:tasks-dev-worker')?.config.onFailure).toBe(
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-detector:live`,
    );
    const role = byId(p.changes, 'role.create', 'role.create:tasks-dev-worker');
    expect(role?.role.policy.Statement).toContainEqual({
      Sid: 'OpsAsyncOnFailure',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-detector`,
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-detector:*`,
      ],
    });
  });
});

describe('function settings', () => {
  it('VPC (ENI grants on the role), tracing (X-Ray grants), architecture, storage, tags and description flow into the plan', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    const worker = byId(p.changes, 'function.create', 'function.create:tasks-dev-worker');
    expect(worker?.config).toMatchObject({
      vpc: { subnetIds: ['subnet-b2', 'subnet-a1'], securityGroupIds: ['sg-rds'] },
      architecture: 'arm64',
      ephemeralStorage: 1024,
      description: 'exercise service',
    });
    expect(worker?.tags).toMatchObject({ Environment: 'production', Service: 'exercise-service', project: 'ops' });
    const sids = (id: string) => (byId(p.changes, 'role.create', id)?.role.policy.Statement ?? []).map((s) => s.Sid);
    expect(sids('role.create:tasks-dev-worker')).toContain('OpsVpc');
    expect(sids('role.create:tasks-dev-detector')).toContain('OpsXray');
    expect(sids('role.create:tasks-dev-executor')).not.toContain('OpsXray');
  });

  it('inline policies from the config are in the role policy as written', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    expect(byId(p.changes, 'role.create', 'role.create:tasks-dev-detector')?.role.policy.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'],
      Resource: 'arn:aws:bedrock:*:*:agent/*',
    });
  });
});

describe('alarms', () => {
  it('named {app}-{stage}-{fn}-{metric}-{n}, on the FunctionName dimension, tagged', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    expect(byId(p.changes, 'alarm.set', 'alarm.set:tasks-dev-detector-Duration-1')).toMatchObject({
      alarm: {
        name: 'tasks-dev-detector-Duration-1',
        namespace: 'AWS/Lambda',
        metric: 'Duration',
        statistic: 'p99',
        dimensions: { FunctionName: 'tasks-dev-detector' },
        period: 60,
        evaluationPeriods: 3,
        threshold: 5000,
        comparison: 'GreaterThanOrEqualToThreshold',
        actions: [TOPIC],
      },
      createTags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:function': 'detector', project: 'ops' },
    });
  });

  it('a name and description from the config: the name replaces {metric}-{n}, the description is diffed', () => {
    const named = edited((cfg) => {
      cfg.functions.detector.alarms[0] = { ...cfg.functions.detector.alarms[0], name: 'errors', description: 'any error: page' };
    });
    const p = planDeploy({ fleet: named, artifacts, actual: emptyActual() });
    expect(byId(p.changes, 'alarm.set', 'alarm.set:tasks-dev-detector-errors')).toMatchObject({
      action: 'create',
      alarm: { name: 'tasks-dev-detector-errors', description: 'any error: page', metric: 'Errors' },
    });
    // The other Errors alarm keeps its counted name.
    expect(byId(p.changes, 'alarm.set', 'alarm.set:tasks-dev-detector-Errors-2')).toMatchObject({ alarm: { description: '' } });
    const actual = actualFrom(named);
    actual.alarms!['tasks-dev-detector-errors'].description = '';
    expect(byId(plan(named, actual).changes, 'alarm.set', 'alarm.set:tasks-dev-detector-errors')).toMatchObject({
      action: 'update',
      fields: [{ field: 'description', from: '(none)', to: 'any error: page' }],
    });
  });

  it('a changed threshold or tag updates; a removed alarm is deleted', () => {
    const actual = actualFrom(f);
    actual.alarms!['tasks-dev-detector-Errors-1'].threshold = 3;
    actual.alarms!['tasks-dev-detector-Errors-1'].tags.old = 'x';
    const next = edited((cfg) => {
      cfg.functions.detector.alarms.pop();
    });
    const p = plan(next, actual);
    expect(ids(p).sort()).toEqual(['alarm.delete:tasks-dev-detector-Errors-2', 'alarm.set:tasks-dev-detector-Errors-1']);
    expect(byId(p.changes, 'alarm.set', 'alarm.set:tasks-dev-detector-Errors-1')).toMatchObject({
      action: 'update',
      fields: [
        { field: 'threshold', from: '3', to: '1' },
        { field: 'tag.old', from: "'x'" },
      ],
      addTags: {},
      removeTags: ['old'],
    });
  });
});
