import { describe, expect, it } from 'vitest';
import type { ShiftSpec } from '../../../src/config/resolve-deploy-strategy.js';
import type { Fleet } from '../../../src/config/types.js';
import type { Actual } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { formatNote, parseNote, resumeOf, type ShiftNote } from '../../../src/shift/note.js';
import { actualFrom, artifact, artifactsFor, fleet, fnSpec, kinds } from '../plan/builders.js';

/**
 * A split `live` that no publish of the plan resolves (issue 17): an interrupted shift on a function the
 * run does not publish is finished or moved back in the plan, one line; a --no-wait shift is carried on.
 */
const MIN = 60_000;
const canary = (onInterrupt: ShiftSpec['onInterrupt']): ShiftSpec => ({
  strategy: { type: 'canary', percent: 10, minutes: 5 },
  alarms: [],
  thresholds: {},
  onInterrupt,
});
const T0 = Date.UTC(2026, 11, 6, 21, 0, 0);
const note = (n: Partial<ShiftNote> = {}): ShiftNote => ({
  strategy: 'Canary10Percent5Minutes',
  from: '1',
  to: '2',
  percent: 10,
  since: T0,
  next: T0 + 5 * MIN,
  ...n,
});

function fleetWith(onInterrupt?: ShiftSpec['onInterrupt']): Fleet {
  return fleet([fnSpec('api', onInterrupt ? { shift: canary(onInterrupt) } : {}), fnSpec('worker')]);
}

/**
 * AWS after a shift of api from version 1 to 2 stopped at 10 %. `newCode`: version 2 (and $LATEST) run the
 * build `v2`, so a plan with the `v2` build publishes nothing new; otherwise version 2 runs other code and
 * $LATEST is version 1's.
 */
function splitActual(f: Fleet, opts: { note?: ShiftNote; newCode?: boolean } = {}): Actual {
  const actual = actualFrom(f);
  const api = actual.functions['tasks-dev-api'];
  const v2 = opts.newCode ? artifact('api', 'v2').codeSha256 : 'other-code';
  api.versions.push({ version: '2', codeSha256: v2, config: structuredClone(api.config) });
  if (opts.newCode) {
    api.versions[0].codeSha256 = 'old-code';
    api.codeSha256 = v2;
  }
  api.alias = { version: '1', weights: { '2': 0.1 }, ...(opts.note ? { shift: formatNote(opts.note) } : {}) };
  return actual;
}

/** `build`: api's code (the others' stays as deployed). */
const plan = (f: Fleet, actual: Actual, more: { only?: string[]; build?: string; destroy?: boolean } = {}) =>
  planDeploy({
    fleet: f,
    artifacts: { ...artifactsFor(f), api: artifact('api', more.build) },
    actual,
    only: more.only,
    destroy: more.destroy,
  });

describe('a split live that this run does not publish over', () => {
  it('a deploy with no code change moves an interrupted shift back (onInterrupt: rollback), in one line', () => {
    const f = fleetWith('rollback');
    const p = plan(f, splitActual(f, { note: note() }));
    expect(p.changes).toEqual([
      expect.objectContaining({
        kind: 'alias.settle',
        to: '1',
        summary: 'undo the interrupted shift of tasks-dev-api: live to version 1 alone (deploy.onInterrupt: rollback)',
        fields: [{ field: 'live', from: '10% on version 2, 90% on version 1', to: 'version 1' }],
      }),
    ]);
  });

  it("finish moves back too when the new version does not run the config's code (the plan would publish again)", () => {
    const f = fleetWith('finish');
    const p = plan(f, splitActual(f, { note: note() }));
    expect(p.changes).toMatchObject([{ kind: 'alias.settle', to: '1' }]);
    expect(p.changes[0].summary).toContain("(version 2 does not run the config's code)");
  });

  it('ops deploy other-fn: the split function is resolved as onInterrupt says, whatever its code', () => {
    const finish = fleetWith('finish');
    const p = plan(finish, splitActual(finish, { note: note() }), { only: ['worker'] });
    expect(p.changes).toMatchObject([
      {
        kind: 'alias.settle',
        to: '2',
        summary: 'finish the interrupted shift of tasks-dev-api: live to version 2 alone (deploy.onInterrupt: finish)',
      },
    ]);
    const back = fleetWith('rollback');
    expect(plan(back, splitActual(back), { only: ['worker'] }).changes).toMatchObject([{ kind: 'alias.settle', to: '1' }]);
    // Nothing for a destroy: the function goes whole.
    expect(kinds(plan(back, splitActual(back), { only: ['worker'], destroy: true }))).not.toContain('alias.settle');
  });

  it('ops deploy other-fn resolves only the splits of functions the stage inventory lists as shifting, whatever was read', () => {
    const back = fleetWith('rollback');
    const listed = { ...splitActual(back), shifting: ['tasks-dev-api'] };
    expect(plan(back, listed, { only: ['worker'] }).changes).toMatchObject([{ kind: 'alias.settle', to: '1' }]);
    // Split by hand (not listed): the whole stage's read sees it, a selection's does not; neither plan acts on it.
    const unlisted = { ...splitActual(back), shifting: [] };
    expect(plan(back, unlisted, { only: ['worker'] }).changes).toEqual([]);
    expect(plan(back, unlisted, { only: ['worker'] }).warnings).toEqual([]);
    // Its own deploy and the whole stage's still do.
    expect(kinds(plan(back, unlisted, { only: ['api'] }))).toEqual(['alias.settle']);
    expect(kinds(plan(back, unlisted))).toEqual(['alias.settle']);
  });

  it('a publish resolves it through its gate: no second line (the new version is the built code)', () => {
    const f = fleetWith('finish');
    const p = plan(f, splitActual(f, { note: note(), newCode: true }), { build: 'v2' });
    expect(kinds(p)).toEqual(['alias.publish']);
    // Its line shows the split it will resolve.
    expect(p.changes[0].fields).toEqual([{ field: 'live', from: '10% on version 2, 90% on version 1', to: 'new version' }]);
  });

  it('a --no-wait shift to the built code is carried on, not published again; new code publishes instead', () => {
    const f = fleetWith('rollback');
    const unwatched = splitActual(f, { note: note({ unwatched: true }), newCode: true });
    const p = plan(f, unwatched, { build: 'v2' });
    expect(p.changes).toEqual([
      expect.objectContaining({
        kind: 'alias.shift',
        from: '1',
        to: '2',
        summary: expect.stringMatching(
          /^carry on the shift of tasks-dev-api to version 2 \(Canary10Percent5Minutes, not watched since --no-wait\)/,
        ),
      }),
    ]);
    expect(kinds(plan(f, unwatched, { build: 'v3' }))).toEqual(['function.update-code', 'alias.publish']);
  });

  it("a split ops did not make on a function without a strategy is left, with a warning; a function's weighted version is never pruned", () => {
    const f = { ...fleetWith(), keepVersions: 1 };
    const actual = splitActual(f);
    const api = actual.functions['tasks-dev-api'];
    api.versions.push({ ...api.versions[1], version: '3' }); // newer than the weighted one, which is kept anyway
    const p = plan(f, actual);
    expect(p.changes).toEqual([]);
    expect(p.warnings).toContain("tasks-dev-api: live is split (10% on version 2, 90% on version 1) without ops's note: left as it is");
  });

  it('a fleet without any split plans nothing (and so reads nothing more)', () => {
    const f = fleetWith('rollback');
    expect(plan(f, actualFrom(f)).changes).toEqual([]);
  });
});

describe("ops's note on a split live", () => {
  it('reads back what it wrote; another tool’s Description is not a note', () => {
    for (const n of [note(), note({ unwatched: true, percent: 30, strategy: 'Linear10PercentEvery1Minute' })]) {
      expect(parseNote(formatNote(n))).toEqual(n);
    }
    expect(formatNote(note({ unwatched: true }))).toBe(
      'Canary10Percent5Minutes from 1 to 2, 10% since 2026-12-06T21:00:00Z, next step 2026-12-06T21:05:00Z, not watched: ops deploy carries it on',
    );
    expect(parseNote('canary by the platform team')).toBeUndefined();
    expect(parseNote(undefined)).toBeUndefined();
  });

  it('when a shift began, from the step it is at', () => {
    const linear = note({ strategy: 'Linear10PercentEvery2Minutes', percent: 30, since: T0 });
    expect(resumeOf(linear, MIN)?.resume).toEqual({ startedAt: T0 - 4 * MIN, percent: 30 });
    expect(resumeOf(note({ strategy: 'Fast' }), MIN)).toBeUndefined();
    expect(resumeOf(note({ percent: 55 }), MIN)).toBeUndefined();
  });
});
