import { describe, expect, it } from 'vitest';
import type { Actual, ActualFunction } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { actualFrom, artifactsFor, find, fleet, fnSpec, kinds, thrownUserError } from './builders.js';

/* Kept names and adoption of functions (issue 16.2, 16.3): ownership by tags, adoption in place, release. */

const KEPT = 'seedapp-search-flights';
const spec = (over: Parameters<typeof fnSpec>[1] = {}) =>
  fnSpec('search', { name: KEPT, keptName: true, logGroup: `/aws/lambda/${KEPT}`, ...over });

/** What AWS holds after a clean deploy of the fleet, with the kept-name function replaced by `existing`. */
function withExisting(f: ReturnType<typeof fleet>, existing: Partial<ActualFunction>): Actual {
  const actual = actualFrom(f);
  const ours = actual.functions[KEPT]!;
  actual.functions[KEPT] = { ...ours, alias: undefined, ...existing } as ActualFunction;
  return actual;
}

const handMade = (tags: Record<string, string>): Partial<ActualFunction> => ({
  notOwned: true,
  tags,
  codeSha256: 'c2VlZA==',
  versions: [{ version: '1', codeSha256: 'c2VlZA==', config: actualFrom(fleet([spec()])).functions[KEPT]!.config }],
});

const plan = (f: ReturnType<typeof fleet>, actual: Actual, destroy = false) =>
  planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, ...(destroy ? { destroy } : {}) });

const thrown = thrownUserError;

describe('a function with a kept name', () => {
  it('is ours when its tags say this app and stage: no change, no adoption', () => {
    const f = fleet([spec()]);
    expect(plan(f, actualFrom(f)).changes).toEqual([]);
  });

  it("another stage's (by its tags) stops the plan with one line naming the owner", () => {
    const f = fleet([spec({ adopt: true })]);
    const e = thrown(() => plan(f, withExisting(f, handMade({ 'ops:app': 'tasks', 'ops:stage': 'prod' }))));
    expect(e.message).toBe(
      `function ${KEPT} belongs to stage prod (ops:stage): give this stage another name, e.g. name: { prod: '${KEPT}' }`,
    );
  });

  it("another app's stops it too, even with adopt: true", () => {
    const f = fleet([spec({ adopt: true })]);
    const e = thrown(() => plan(f, withExisting(f, handMade({ 'ops:app': 'billing', 'ops:stage': 'dev' }))));
    expect(e.message).toMatch(/^function seedapp-search-flights belongs to app billing \(ops:app\)/);
  });

  it('untagged without adopt stops it with the hint to set adopt: true', () => {
    const f = fleet([spec()]);
    const e = thrown(() => plan(f, withExisting(f, handMade({ team: 'search' }))));
    expect(e.message).toContain('not managed by ops (no ops:app/ops:stage tags)');
    expect(e.hint).toContain('set adopt: true on functions.search');
  });
});

describe('adoption in place', () => {
  const f = fleet([spec({ adopt: true })]);
  const p = plan(f, withExisting(f, handMade({ team: 'search' })));

  it('plans adopt, then the updates and a publish of live; never a create or a delete', () => {
    expect(kinds(p).filter((k) => k.startsWith('function.') || k.startsWith('alias') || k.startsWith('versions'))).toEqual([
      'function.adopt',
      'function.update-code',
      'alias.publish',
    ]);
    expect(kinds(p).some((k) => k.endsWith('.create') && k.startsWith('function'))).toBe(false);
    expect(kinds(p).some((k) => k.endsWith('.delete'))).toBe(false);
  });

  it("tags it (ops's tags, the adoption mark and the versions it had), keeping hand-made tags, and says adopt", () => {
    const adopt = find(p, `function.adopt:${KEPT}`);
    expect(adopt.summary).toMatch(/^adopt function seedapp-search-flights \(tagged, not recreated/);
    expect(adopt).toMatchObject({
      addTags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:function': 'search', 'ops:adopted': 'true', 'ops:adopted-upto': '1' },
      removeTags: [],
      inventory: { app: 'tasks', stage: 'dev' },
    });
    expect(find(p, `function.update-code:${KEPT}`).dependsOn).toEqual([`function.adopt:${KEPT}`]);
    expect(find(p, `alias.publish:${KEPT}`)).toMatchObject({ action: 'create' });
  });

  it('once adopted: hand-made tags stay unplanned, and versions it had before are never pruned', () => {
    const actual = actualFrom(f);
    const fn = actual.functions[KEPT]!;
    fn.tags = { ...fn.tags, team: 'search', 'ops:adopted': 'true', 'ops:adopted-upto': '1' };
    const v = fn.versions[0]!;
    fn.versions = Array.from({ length: 12 }, (_, i) => ({ ...v, version: String(i + 1) }));
    fn.alias = { version: '12' };
    const q = plan(f, actual);
    expect(kinds(q)).toEqual(['versions.prune']);
    expect(find(q, `versions.prune:${KEPT}`)).toMatchObject({ versions: ['2'] });
  });
});

describe('an adopted function leaving the config', () => {
  const adopted = (f: ReturnType<typeof fleet>) => {
    const actual = actualFrom(fleet([spec()]));
    const fn = actual.functions[KEPT]!;
    fn.tags = { ...fn.tags, team: 'search', 'ops:adopted': 'true', 'ops:adopted-upto': '1' };
    return { ...actualFrom(f), functions: { ...actualFrom(f).functions, [KEPT]: fn } };
  };

  it('is kept and released (its ops tags removed), never deleted', () => {
    const f = fleet([fnSpec('other')]);
    const p = plan(f, adopted(f));
    const release = find(p, `function.release:${KEPT}`);
    expect(release.summary).toBe(
      `keep function ${KEPT}: kept (adopted: ops did not create it); its ops tags are removed (its log group's too)`,
    );
    expect(release).toMatchObject({
      remove: ['ops:adopted', 'ops:adopted-upto', 'ops:app', 'ops:function', 'ops:stage'],
      inventory: { app: 'tasks', stage: 'dev' },
    });
    expect(kinds(p)).not.toContain('function.delete');
  });

  it('a destroy keeps it too; a kept-name function ops created is deleted, and leaves the inventory', () => {
    const f = fleet([spec()]);
    expect(kinds(plan(f, adopted(f), true))).toContain('function.release');
    const created = plan(f, actualFrom(f), true);
    expect(find(created, `function.delete:${KEPT}`)).toMatchObject({ inventory: { app: 'tasks', stage: 'dev' } });
    expect(kinds(created)).not.toContain('function.release');
  });
});
