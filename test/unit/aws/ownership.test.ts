import { describe, expect, it } from 'vitest';
import { layerNotOwnedReason } from '../../../src/aws/layers.js';
import { foreignEntry, isOtherStagesOwn, layerDescription, layerOwnerOf, layerShaOf, notOwnedReason } from '../../../src/config/naming.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { actualFrom, artifactsFor, emptyActual, find } from '../plan/builders.js';
import { settingsFleet } from '../plan/settings-fleet.js';

/**
 * Issue 11: ownership is decided by exact app and stage, never by a name prefix or an IAM path.
 * Stages `de`, `dev` and `dev-x` of app `tasks` share every name prefix.
 */
const tags = (app: string, stage: string) => ({ 'ops:app': app, 'ops:stage': stage });
const SHA = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';

describe('notOwnedReason: tags decide, exactly', () => {
  it('owns only what is tagged for this app and this stage', () => {
    expect(notOwnedReason(tags('tasks', 'dev'), 'tasks', 'dev')).toBeUndefined();
    expect(notOwnedReason(tags('tasks', 'dev-x'), 'tasks', 'dev')).toBe('tagged for app tasks stage dev-x');
    expect(notOwnedReason(tags('tasks', 'dev'), 'tasks', 'de')).toBe('tagged for app tasks stage dev');
    expect(notOwnedReason(tags('tasks-dev', 'x'), 'tasks', 'dev')).toBe('tagged for app tasks-dev stage x');
    expect(notOwnedReason({}, 'tasks', 'dev')).toBe('no ops:app/ops:stage tags');
    expect(notOwnedReason({ 'ops:stage': 'dev' }, 'tasks', 'dev')).toBe('tagged for app ? stage dev');
  });
});

describe('isOtherStagesOwn / foreignEntry: what is left alone without a warning', () => {
  it("is quiet about another stage's resource named for that stage, and reports the rest", () => {
    expect(isOtherStagesOwn('tasks-dev-x-api', { app: 'tasks', stage: 'dev-x' }, 'tasks', 'dev')).toBe(true);
    expect(isOtherStagesOwn('tasks-dev-x-api', { app: 'tasks-dev', stage: 'x' }, 'tasks', 'dev')).toBe(true);
    expect(isOtherStagesOwn('tasks-dev-api', { app: 'tasks', stage: 'dev' }, 'tasks', 'de')).toBe(true);
    // A stage's tag on a name that is not that stage's: something odd, worth a warning.
    expect(isOtherStagesOwn('tasks-dev-stolen', { app: 'tasks', stage: 'prod' }, 'tasks', 'dev')).toBe(false);
    expect(isOtherStagesOwn('tasks-dev-legacy', {}, 'tasks', 'dev')).toBe(false);
    expect(isOtherStagesOwn('tasks-dev-api', { app: 'tasks', stage: 'dev' }, 'tasks', 'dev')).toBe(false);

    expect(foreignEntry('lambda function', 'tasks-dev-x-api', tags('tasks', 'dev-x'), 'tasks', 'dev')).toBeUndefined();
    expect(foreignEntry('lambda function', 'tasks-dev-api', tags('tasks', 'dev'), 'tasks', 'dev')).toBeUndefined();
    expect(foreignEntry('lambda function', 'tasks-dev-legacy', {}, 'tasks', 'dev')).toEqual({
      type: 'lambda function',
      name: 'tasks-dev-legacy',
      reason: 'no ops:app/ops:stage tags',
    });
  });
});

describe('layers: owned through the description of their latest version', () => {
  const scope = (stage: string) => ({ app: 'tasks', stage });
  const none = new Set<string>();

  it('the description names app and stage exactly, and still carries the sha', () => {
    const d = layerDescription('tasks', 'dev-x', SHA);
    expect(layerOwnerOf(d)).toEqual({ app: 'tasks', stage: 'dev-x' });
    expect(layerShaOf(d)).toBe(SHA);
    expect(layerOwnerOf('hand made')).toBeUndefined();
    expect(layerOwnerOf(undefined)).toBeUndefined();
  });

  it("stage dev does not own stage dev-x's layer, nor stage de dev's", () => {
    expect(layerNotOwnedReason('tasks-dev-x-common', layerDescription('tasks', 'dev-x', SHA), scope('dev-x'), none)).toBeUndefined();
    expect(layerNotOwnedReason('tasks-dev-x-common', layerDescription('tasks', 'dev-x', SHA), scope('dev'), none)).toBe(
      'published for app tasks stage dev-x',
    );
    expect(layerNotOwnedReason('tasks-dev-common', layerDescription('tasks', 'dev', SHA), scope('de'), none)).toBe(
      'published for app tasks stage dev',
    );
    // Even a name the config builds: the description names another stage.
    expect(
      layerNotOwnedReason('tasks-dev-x-common', layerDescription('tasks', 'dev-x', SHA), scope('dev'), new Set(['tasks-dev-x-common'])),
    ).toBeDefined();
  });

  it('a hand-made layer is never ours; a sha without an owner only under a name the config builds', () => {
    expect(layerNotOwnedReason('tasks-dev-handmade', 'my tools', scope('dev'), new Set(['tasks-dev-handmade']))).toBe(
      'its description does not name ops tasks/dev',
    );
    expect(layerNotOwnedReason('tasks-dev-handmade', undefined, scope('dev'), none)).toBeDefined();
    expect(layerNotOwnedReason('tasks-dev-sdk', `sha256:${SHA}`, scope('dev'), none)).toBeDefined();
    expect(layerNotOwnedReason('tasks-dev-sdk', `sha256:${SHA}`, scope('dev'), new Set(['tasks-dev-sdk']))).toBeUndefined();
  });

  it('planDeploy refuses to publish into a foreign layer that has a name the config builds', () => {
    const f = settingsFleet();
    const actual = emptyActual();
    actual.foreign.push({ type: 'lambda layer', name: 'tasks-dev-sdk', reason: 'published for app tasks stage dev-x' });
    expect(() => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual })).toThrow(
      expect.objectContaining({ name: 'UserError', message: expect.stringContaining('layer tasks-dev-sdk exists and is not ops') }),
    );
    // A foreign layer with any other name is only reported.
    const other = emptyActual();
    other.foreign.push({ type: 'lambda layer', name: 'tasks-dev-handmade', reason: 'its description does not name ops tasks/dev' });
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: other });
    expect(p.warnings).toContain(
      'lambda layer tasks-dev-handmade: not managed by ops (its description does not name ops tasks/dev): left alone',
    );
    expect(p.changes.some((c) => c.resource.name === 'tasks-dev-handmade')).toBe(false);
  });
});

describe('log groups', () => {
  it("a log group's create waits for its function when an untagged group is there: it becomes ours with the function, not before", () => {
    const f = settingsFleet();
    const actual = actualFrom(f);
    delete actual.functions['tasks-dev-worker'];
    delete actual.logGroups['/aws/lambda/tasks-dev-worker'];
    actual.unownedLogGroups = ['/aws/lambda/tasks-dev-worker'];
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    expect(find(p, 'loggroup.create:/aws/lambda/tasks-dev-worker').dependsOn).toContain('function.create:tasks-dev-worker');
  });

  it("and when the function's name is someone else's function: its log group is never taken", () => {
    const f = settingsFleet();
    const actual = actualFrom(f);
    delete actual.functions['tasks-dev-worker'];
    delete actual.logGroups['/aws/lambda/tasks-dev-worker'];
    actual.foreign.push({ type: 'lambda function', name: 'tasks-dev-worker', reason: 'no ops:app/ops:stage tags' });
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    expect(find(p, 'loggroup.create:/aws/lambda/tasks-dev-worker').dependsOn).toContain('function.create:tasks-dev-worker');
  });

  it('a log group that is not there is created at once, beside its function (its writes are paced apart from Lambda)', () => {
    const f = settingsFleet();
    const actual = actualFrom(f);
    delete actual.functions['tasks-dev-worker'];
    delete actual.logGroups['/aws/lambda/tasks-dev-worker'];
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });
    expect(find(p, 'loggroup.create:/aws/lambda/tasks-dev-worker').dependsOn).toEqual([]);
  });
});
