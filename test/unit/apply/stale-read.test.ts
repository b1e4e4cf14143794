import { describe, expect, it } from 'vitest';
import { isOwnRelease } from '../../../src/apply/own-release.js';
import { codeWillChange, earlyReadDoubt, staleRead } from '../../../src/apply/read-choice.js';
import { ServerClock } from '../../../src/aws/middleware.js';
import type { FunctionSpec } from '../../../src/config/types.js';
import type { ActualFunction } from '../../../src/model/actual.js';

describe('AWS clock from the answers: a lower bound', () => {
  it('is unknown before a dated answer, then the largest (Date - arrival) seen', () => {
    const clock = new ServerClock();
    expect(clock.atLeast(1_000)).toBeUndefined();
    clock.note(undefined, 5_000);
    clock.note('not a date', 5_000);
    expect(clock.atLeast(1_000)).toBeUndefined();
    // Dated 12:00:10 (AWS truncates to the second), arrived at local 12:00:05.500: AWS is at least 4.5 s ahead.
    const t = Date.parse('2026-12-06T12:00:05.500Z');
    clock.note('Sun, 06 Dec 2026 12:00:10 GMT', t);
    expect(clock.atLeast(t)).toBe(t + 4_500);
    // A later answer dated the same second arriving later says less: the bound stays.
    clock.note('Sun, 06 Dec 2026 12:00:10 GMT', t + 400);
    expect(clock.atLeast(t)).toBe(t + 4_500);
    clock.note('Sun, 06 Dec 2026 12:00:11 GMT', t + 100);
    expect(clock.atLeast(t)).toBe(t + 5_400);
  });
});

describe('a read made beside the look at the lease', () => {
  const look = { held: false, epoch: 4, epochMovedAt: 100_000 };
  it('is planned from when only this run took the lease since the look and the last release predates the read', () => {
    expect(staleRead(look, 5, 101_001)).toBeUndefined();
  });
  it('is read again when another run took the lease after the look', () => {
    expect(staleRead(look, 7, 200_000)).toMatch(/another run took the stage lease while this one read/);
  });
  it('is read again when the last release may have come after the read began (one second of slack for rounding)', () => {
    expect(staleRead(look, 5, 101_000)).toMatch(/released the stage lease as this one began to read/);
    expect(staleRead(look, 5, 99_000)).toMatch(/released the stage lease/);
    // A date with its milliseconds was not rounded: 50 ms of slack.
    const precise = { ...look, epochMovedAt: 100_250 };
    expect(staleRead(precise, 5, 100_301)).toBeUndefined();
    expect(staleRead(precise, 5, 100_300)).toMatch(/released the stage lease/);
  });
  it('is read again when nothing dates the last writes: no epoch (new stage, or forgotten by a destroy), or no dated answer', () => {
    expect(staleRead({ held: false, epoch: 0 }, 1, 500_000)).toMatch(/no lease epoch yet, and the read found some of it/);
    // A new stage: nothing read, nothing a destroy could have been half-way through.
    expect(staleRead({ held: false, epoch: 0 }, 1, 500_000, { emptyStage: true })).toBeUndefined();
    expect(staleRead({ held: false, epoch: 0 }, 3, 500_000, { emptyStage: true })).toMatch(/another run took/);
    expect(staleRead({ held: false, epoch: 3 }, 4, 500_000)).toMatch(/no date/);
    expect(staleRead(look, 5, undefined)).toMatch(/without a date/);
  });
});

describe('when a deploy may take the lease before its read ends', () => {
  const fns = [
    { key: 'api', name: 'a-dev-api' },
    { key: 'worker', name: 'a-dev-worker' },
  ] as FunctionSpec[];
  const have = (api: string, worker: string) =>
    ({ 'a-dev-api': { codeSha256: api }, 'a-dev-worker': { codeSha256: worker } }) as unknown as Record<string, ActualFunction>;
  it("when a selected function of the stage's own runs other code than the one built (never for a new one)", () => {
    const built = [
      { key: 'api', codeSha256: 'A' },
      { key: 'worker', codeSha256: 'W' },
    ];
    expect(codeWillChange(fns, built, have('A', 'W'))).toBe(false);
    expect(codeWillChange(fns, built, have('A', 'old'))).toBe(true);
    // A new function, or one the stage does not own (an adoption, another stage's name): the plan decides first.
    expect(codeWillChange(fns, built, { 'a-dev-api': have('A', 'W')['a-dev-api']! })).toBe(false);
    const notOurs = { ...have('A', 'old'), 'a-dev-worker': { codeSha256: 'old', notOwned: true } } as unknown as Record<
      string,
      ActualFunction
    >;
    expect(codeWillChange(fns, built, notOurs)).toBe(false);
    // Only the selected functions count (ops deploy api), and one not built (a failed handler) says nothing.
    expect(codeWillChange([fns[0]!], built, have('A', 'old'))).toBe(false);
    expect(codeWillChange(fns, [{ key: 'api', codeSha256: 'A' }], have('A', 'old'))).toBe(false);
  });
});

describe('a release this checkout recorded', () => {
  const own = { epoch: 8, token: 'tok-1' };
  const justReleased = { held: false, epoch: 8, epochBy: 'tok-1', epochMovedAt: 100_000 };
  it("stands for the epoch's date when the look finds the epoch where that release left it", () => {
    // Dated after the read began by AWS's (whole-second) clock: the date alone doubts the read.
    expect(earlyReadDoubt(justReleased, 99_500)).toMatch(/released the stage lease/);
    expect(earlyReadDoubt(justReleased, 99_500, own)).toBeUndefined();
    expect(staleRead(justReleased, 9, 99_500, { own })).toBeUndefined();
    // Still: another take after the look is caught by the epoch at the take.
    expect(staleRead(justReleased, 10, 99_500, { own })).toMatch(/another run took/);
  });
  it('says nothing when another run moved the epoch since, or the token differs', () => {
    expect(isOwnRelease({ epoch: 9, epochBy: 'tok-1' }, own)).toBe(false);
    expect(isOwnRelease({ epoch: 8, epochBy: 'tok-2' }, own)).toBe(false);
    expect(isOwnRelease({ epoch: 8 }, own)).toBe(false);
    expect(isOwnRelease(justReleased, undefined)).toBe(false);
    expect(earlyReadDoubt({ ...justReleased, epochBy: 'tok-2' }, 99_500, own)).toMatch(/released the stage lease/);
  });
});
