import { describe, expect, it } from 'vitest';
import { planDeploy } from '../../../src/plan/plan.js';
import { planToJson } from '../../../src/plan/render.js';
import type { ArtifactRef } from '../../../src/plan/types.js';
import { actualFrom, artifact, artifactsFor, find, fleet, fnSpec, kinds, paramUse, sampleFleet } from './builders.js';

const f = sampleFleet();
const artifacts = artifactsFor(f);
const plan = (over: Partial<Parameters<typeof planDeploy>[0]> = {}) => planDeploy({ fleet: f, artifacts, actual: actualFrom(f), ...over });

describe('code changes', () => {
  it('code change only: update-code and alias.publish, nothing else', () => {
    const next: Record<string, ArtifactRef> = { ...artifacts, worker: artifact('worker', 'v2') };
    const p = plan({ artifacts: next });
    expect(kinds(p)).toEqual(['function.update-code', 'alias.publish']);
    const code = find(p, 'function.update-code:tasks-dev-worker');
    const oldHex = artifact('worker').sha256.slice(0, 8);
    const newHex = artifact('worker', 'v2').sha256.slice(0, 8);
    expect(code.fields).toEqual([{ field: 'code', from: `${oldHex}…`, to: `${newHex}…` }]);
    expect(code.summary).toBe(`update code of tasks-dev-worker: code ${oldHex}… → ${newHex}…`);
    expect(find(p, 'alias.publish:tasks-dev-worker')).toMatchObject({
      action: 'update',
      dependsOn: ['function.update-code:tasks-dev-worker'],
      codeSha256: artifact('worker', 'v2').codeSha256,
    });
  });

  it('prunes old versions when over the limit, counting the new one and never the live one', () => {
    const actual = actualFrom(f);
    const worker = actual.functions['tasks-dev-worker'];
    const v1 = worker.versions[0];
    worker.versions = Array.from({ length: 10 }, (_, i) => ({ ...v1, version: String(i + 1) }));
    worker.alias = { version: '10' };
    const p = plan({ actual, artifacts: { ...artifacts, worker: artifact('worker', 'v2') } });
    expect(kinds(p)).toEqual(['function.update-code', 'alias.publish', 'versions.prune']);
    expect(find(p, 'versions.prune:tasks-dev-worker')).toMatchObject({ versions: ['1'], dependsOn: ['alias.publish:tasks-dev-worker'] });

    worker.versions.push({ ...v1, version: '11' });
    worker.alias = { version: '1' }; // a rollback: live on the oldest version
    const q = plan({ actual, artifacts: { ...artifacts, worker: artifact('worker', 'v2') } });
    expect(find(q, 'versions.prune:tasks-dev-worker')).toMatchObject({ versions: ['2'] });
  });

  it('prunes without publishing when nothing changed but versions piled up', () => {
    const actual = actualFrom(f);
    const worker = actual.functions['tasks-dev-worker'];
    worker.versions = Array.from({ length: 12 }, (_, i) => ({ ...worker.versions[0], version: String(i + 1) }));
    worker.alias = { version: '12' };
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['versions.prune']);
    expect(find(p, 'versions.prune:tasks-dev-worker')).toMatchObject({ versions: ['1', '2'], dependsOn: [] });
  });

  it('leaves code alone for a function without an artifact', () => {
    const { worker: _, ...rest } = artifacts;
    expect(plan({ artifacts: rest }).changes).toEqual([]);
  });
});

describe('configuration changes', () => {
  it('memory change only: update-config and alias.publish', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-worker'].config.memory = 256;
    actual.functions['tasks-dev-worker'].versions[0].config.memory = 256;
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['function.update-config', 'alias.publish']);
    const c = find(p, 'function.update-config:tasks-dev-worker');
    expect(c.summary).toBe('update configuration of tasks-dev-worker: memory 256 → 1024');
    expect(c.fields).toEqual([{ field: 'memory', from: '256', to: '1024' }]);
    expect(c.dependsOn).toEqual([]);
  });

  it('shows env keys added, removed and changed, masking secret-looking ones', () => {
    const g = fleet([
      fnSpec('api', {
        environment: { FOO: 'b', NEW_KEY: 'n', API_TOKEN: 'new-token', DB_PASSWORD: 'hunter3' },
        params: [paramUse('stripe-key', { secure: true, resolve: true, env: 'STRIPE' })],
      }),
    ]);
    const paramValues = { 'stripe-key': 'sk_live_new' };
    const actual = actualFrom(g, { paramValues });
    actual.functions['tasks-dev-api'].config.environment = {
      FOO: 'a',
      OLD_KEY: 'o',
      API_TOKEN: 'old-token',
      STRIPE: 'sk_live_old',
      DB_PASSWORD: 'hunter2',
    };
    const p = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual, paramValues });
    const c = find(p, 'function.update-config:tasks-dev-api');
    expect(c.fields).toEqual([
      { field: 'env.API_TOKEN', from: '••••', to: '••••' },
      { field: 'env.DB_PASSWORD', from: '••••', to: '••••' },
      { field: 'env.FOO', from: "'a'", to: "'b'" },
      { field: 'env.NEW_KEY', to: "'n'" },
      { field: 'env.OLD_KEY', from: "'o'" },
      { field: 'env.STRIPE', from: '••••', to: '••••' },
    ]);
    expect(c.summary).toBe(
      "update configuration of tasks-dev-api: env API_TOKEN •••• → ••••, env DB_PASSWORD •••• → ••••, env FOO 'a' → 'b' and 3 more",
    );
    if (c.kind !== 'function.update-config') throw new Error('kind');
    expect(c.config.environment.STRIPE).toBe('sk_live_new'); // the executor gets the real value
    const json = JSON.stringify(planToJson(p));
    for (const secret of ['new-token', 'old-token', 'hunter', 'sk_live', '.zip']) expect(json).not.toContain(secret);
    expect(p.warnings).toEqual([expect.stringMatching(/secure param stripe-key is put into STRIPE in plain text/)]);
  });

  it('warns when a resolved param has no value', () => {
    const g = fleet([fnSpec('api', { params: [paramUse('table', { resolve: true, env: 'TABLE' })] })]);
    const p = planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: actualFrom(g) });
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual(['api: param table (/tasks/dev/table) has no value, so TABLE is left out of its environment']);
  });
});

describe('the live alias converges', () => {
  it('interrupted deploy: live on a version with old code while $LATEST matches → alias.publish only', () => {
    const actual = actualFrom(f);
    const api = actual.functions['tasks-dev-api'];
    api.versions[0].codeSha256 = artifact('api', 'v0').codeSha256;
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['alias.publish']);
    expect(p.changes[0].summary).toBe('publish a version of tasks-dev-api and point live at it (live runs version 1 with other code)');
  });

  it('live on a version with an older configuration → alias.publish only', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-api'].versions[0].config.timeout = 3;
    expect(kinds(plan({ actual }))).toEqual(['alias.publish']);
  });

  it('missing alias → alias.publish (create)', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-search'].alias = undefined;
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['alias.publish']);
    expect(p.changes[0]).toMatchObject({ action: 'create', fields: [] });
  });

  it('alias on a deleted version → alias.publish', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-search'].alias = { version: '7' };
    expect(kinds(plan({ actual }))).toEqual(['alias.publish']);
  });
});

describe('tags and log groups', () => {
  it('tag differences → function.tag only, aws:* tags untouched', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-worker'].tags = {
      ...actual.functions['tasks-dev-worker'].tags,
      old: 'x',
      'aws:cloudformation:stack-id': 's',
    };
    delete actual.functions['tasks-dev-worker'].tags['ops:function'];
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['function.tag']);
    expect(p.changes[0]).toMatchObject({ add: { 'ops:function': 'worker' }, remove: ['old'] });
  });

  it('log group missing → create; retention differs → retention', () => {
    const actual = actualFrom(f);
    delete actual.logGroups['/aws/lambda/tasks-dev-api'];
    actual.logGroups['/aws/lambda/tasks-dev-worker'].retentionDays = undefined;
    const p = plan({ actual });
    expect(kinds(p)).toEqual(['loggroup.create', 'loggroup.retention']);
    expect(p.changes[0]).toMatchObject({
      logGroup: '/aws/lambda/tasks-dev-api',
      retentionDays: 30,
      summary: 'create log group /aws/lambda/tasks-dev-api (30 days)',
    });
    expect(p.changes[1].summary).toBe('set retention of /aws/lambda/tasks-dev-worker: retention never expire → 30 days');
  });
});
