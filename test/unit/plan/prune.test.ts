import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../src/config/types.js';
import { planDeploy } from '../../../src/plan/plan.js';
import {
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
  kinds,
  sampleFleet,
} from './builders.js';

const f = sampleFleet();
const artifacts = artifactsFor(f);
/** The sample fleet plus a function `old` with a route, as deployed. */
const withOld = (): Fleet => ({ ...f, functions: [...f.functions, fnSpec('old', { routes: ['GET /old'] })] });

describe('pruning', () => {
  it('a function removed from the config: function, role, route and integration deleted, logs kept', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: actualFrom(withOld()) });
    expect([...ids(p)].sort()).toEqual(
      ['function.delete:tasks-dev-old', 'role.delete:tasks-dev-old', 'route.delete:GET /old', 'integration.delete:int-old'].sort(),
    );
    expect(find(p, 'function.delete:tasks-dev-old')).toMatchObject({
      fn: 'old',
      summary: 'delete function tasks-dev-old (its log group /aws/lambda/tasks-dev-old is kept)',
    });
    expectTopological(p);
    expectOrder(p, 'route.delete:GET /old', 'integration.delete:int-old');
    expectOrder(p, 'route.delete:GET /old', 'function.delete:tasks-dev-old');
    expectOrder(p, 'function.delete:tasks-dev-old', 'role.delete:tasks-dev-old');
  });

  it('an owned role no function uses → role.delete', () => {
    const actual = actualFrom(f);
    actual.roles['tasks-dev-gone'] = {
      ...actual.roles['tasks-dev-worker'],
      name: 'tasks-dev-gone',
      arn: 'arn:aws:iam::1:role/ops/tasks/dev/tasks-dev-gone',
    };
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(p.changes).toMatchObject([{ kind: 'role.delete', roleName: 'tasks-dev-gone', fn: undefined, dependsOn: [] }]);
  });

  it('foreign resources are warned about and left alone', () => {
    const actual = actualFrom(f);
    actual.foreign.push(
      { type: 'lambda function', name: 'tasks-dev-legacy' },
      { type: 'iam role', name: 'tasks-dev-legacy', reason: 'tagged for app tasks stage prod' },
    );
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([
      'lambda function tasks-dev-legacy: not managed by ops (no ops tags): left alone',
      'iam role tasks-dev-legacy: not managed by ops (tagged for app tasks stage prod): left alone',
    ]);
  });
});

describe('only', () => {
  it('deploys just the named functions: nothing else changed or pruned', () => {
    const actual = actualFrom(withOld());
    actual.functions['tasks-dev-worker'].config.memory = 128;
    if (actual.api) actual.api.cors = undefined;
    const next = { ...artifacts, api: artifact('api', 'v2'), search: artifact('search', 'v2') };
    const p = planDeploy({ fleet: f, artifacts: next, actual, only: ['api'] });
    expect(ids(p)).toEqual(['function.update-code:tasks-dev-api', 'alias.publish:tasks-dev-api']);
  });

  it('creates the api the named functions need, and only their routes', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual(), only: ['search'] });
    expect([...ids(p)].sort()).toEqual(
      [
        'role.create:tasks-dev-search',
        'function.create:tasks-dev-search',
        'alias.publish:tasks-dev-search',
        'loggroup.create:/aws/lambda/tasks-dev-search',
        'api.create:tasks-dev',
        'api.stage:tasks-dev',
        'integration.create:tasks-dev-search',
        'route.create:POST /flights/search',
        'permission.set:tasks-dev-search',
      ].sort(),
    );
    expectTopological(p);
  });

  it('creates no api for named functions without routes', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual(), only: ['worker'] });
    expect(kinds(p)).toEqual(['role.create', 'function.create', 'alias.publish', 'loggroup.create']);
  });

  it('removes routes dropped from a named function, not those of others', () => {
    const actual = actualFrom(withOld());
    const g: Fleet = { ...f, functions: f.functions.map((fn) => (fn.key === 'api' ? { ...fn, routes: fn.routes.slice(0, 1) } : fn)) };
    const p = planDeploy({ fleet: g, artifacts, actual, only: ['api'] });
    expect(ids(p)).toEqual(['route.delete:GET /tasks/{id}', 'route.delete:POST /tasks']);
  });

  it('warns about a name that is not in the config', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: actualFrom(f), only: ['wroker'] });
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual(['wroker: no such function in the config: nothing planned for it']);
  });
});

describe('destroy', () => {
  it('keeps the parameters, and says so', () => {
    const param = (name: string) => ({ name, path: `/tasks/dev/${name}`, secure: false, plaintextEnv: false, readers: ['api'] });
    const withParams = { ...f, params: [param('table-name'), param('api-key')] };
    const p = planDeploy({ fleet: withParams, artifacts: {}, actual: actualFrom(f), destroy: true });
    expect(p.warnings).toContain('parameters under /tasks/dev/ are kept (2): `ops params unset <name> --stage dev` removes one');
    expect(p.changes.some((c) => c.resource.name.includes('table-name'))).toBe(false);
    // A deploy says nothing of the kind.
    expect(planDeploy({ fleet: withParams, artifacts: {}, actual: actualFrom(f) }).warnings.join()).not.toContain('are kept');
  });

  it('deletes everything owned, log groups included, in a safe order', () => {
    const actual = actualFrom(withOld());
    const p = planDeploy({ fleet: f, artifacts: {}, actual, destroy: true });
    const names = ['api', 'search', 'worker', 'old'].map((k) => `tasks-dev-${k}`);
    expect([...ids(p)].sort()).toEqual(
      [
        'api.delete:tasks-dev',
        ...names.flatMap((n) => [`function.delete:${n}`, `role.delete:${n}`, `loggroup.delete:/aws/lambda/${n}`]),
      ].sort(),
    );
    expect(p.changes.every((c) => c.action === 'delete')).toBe(true);
    expectTopological(p);
    for (const n of names) {
      expectOrder(p, 'api.delete:tasks-dev', `function.delete:${n}`);
      expectOrder(p, `function.delete:${n}`, `role.delete:${n}`);
      expectOrder(p, `function.delete:${n}`, `loggroup.delete:/aws/lambda/${n}`);
    }
    expect(find(p, 'function.delete:tasks-dev-api').summary).toBe('delete function tasks-dev-api');
  });

  it('with only: just the named functions, their role, logs and routes', () => {
    const p = planDeploy({ fleet: f, artifacts: {}, actual: actualFrom(f), destroy: true, only: ['search'] });
    expect([...ids(p)].sort()).toEqual(
      [
        'function.delete:tasks-dev-search',
        'role.delete:tasks-dev-search',
        'loggroup.delete:/aws/lambda/tasks-dev-search',
        'route.delete:POST /flights/search',
        'integration.delete:int-search',
      ].sort(),
    );
    expectTopological(p);
  });

  it('of nothing deployed is empty', () => {
    expect(planDeploy({ fleet: fleet([fnSpec('a')]), artifacts: {}, actual: emptyActual(), destroy: true }).changes).toEqual([]);
  });
});

describe('only and roles', () => {
  it('a named function moving to an external role drops its old role', () => {
    const g: Fleet = { ...f, functions: f.functions.map((fn) => (fn.key === 'worker' ? { ...fn, role: 'arn:aws:iam::1:role/ext' } : fn)) };
    const actual = actualFrom(f);
    actual.roles['tasks-dev-stray'] = { ...actual.roles['tasks-dev-api'], name: 'tasks-dev-stray', arn: 'arn:aws:iam::1:role/stray' };
    const p = planDeploy({ fleet: g, artifacts, actual, only: ['worker'] });
    expect(ids(p)).toEqual(['function.update-config:tasks-dev-worker', 'alias.publish:tasks-dev-worker', 'role.delete:tasks-dev-worker']);
  });
});
