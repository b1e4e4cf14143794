import { describe, expect, it } from 'vitest';
import { decide, type ShiftSignals } from '../../../src/shift/decide.js';
import { recoveryOf } from '../../../src/shift/recover.js';
import { runShift, type ShiftPorts } from '../../../src/shift/run.js';
import {
  describeSchedule,
  parseStrategy,
  SAM_STRATEGIES,
  type Strategy,
  scheduleOf,
  strategyName,
  totalMinutes,
} from '../../../src/shift/strategy.js';
import { FakeClock } from '../../logs/fakes.js';

const MIN = 60_000;
const strategy = (input: Parameters<typeof parseStrategy>[0]) => {
  const s = parseStrategy(input);
  if ('problem' in s) throw new Error(s.problem);
  return s as Strategy;
};
const quiet: ShiftSignals = { errors: 0, throttles: 0, invocations: 5, alarmsInAlarm: [] };

describe('strategies and their schedules', () => {
  it('knows every SAM name and gives it back', () => {
    for (const name of SAM_STRATEGIES) expect(strategyName(strategy(name))).toBe(name);
    expect(scheduleOf(strategy('AllAtOnce'))).toEqual([{ atMinute: 0, percent: 100 }]);
  });

  it('canary: its percent, then 100 % after its minutes', () => {
    expect(scheduleOf(strategy('Canary10Percent5Minutes'))).toEqual([
      { atMinute: 0, percent: 10 },
      { atMinute: 5, percent: 100 },
    ]);
    expect(totalMinutes(strategy({ canary: { percent: 25, minutes: 30 } }))).toBe(30);
    expect(describeSchedule(strategy('Canary10Percent15Minutes'))).toBe('10% for 15 min, then 100% (15 min in all)');
  });

  it('linear: its percent more every interval, 100 % at the end', () => {
    const steps = scheduleOf(strategy('Linear10PercentEvery2Minutes'));
    expect(steps.map((s) => s.percent)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(steps.map((s) => s.atMinute)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(scheduleOf(strategy({ linear: { percent: 40, everyMinutes: 1 } }))).toEqual([
      { atMinute: 0, percent: 40 },
      { atMinute: 1, percent: 80 },
      { atMinute: 2, percent: 100 },
    ]);
  });

  it('says what is wrong with a bad name or figure', () => {
    expect(parseStrategy('Canary10Percent')).toEqual({ problem: expect.stringContaining("unknown strategy 'Canary10Percent'") });
    expect(parseStrategy({ canary: { percent: 100, minutes: 5 } })).toEqual({ problem: "a shift's percent is 1..99, not 100" });
    expect(parseStrategy('Linear10PercentEvery0Minutes')).toEqual({ problem: "a shift's minutes are 1..1440, not 0" });
  });
});

describe('the decision at a look', () => {
  it('goes on while the new version is quiet', () => expect(decide(quiet)).toBeUndefined());
  it('stops on any error or throttle by default, with the figures', () => {
    expect(decide({ ...quiet, errors: 2 })).toEqual({ signal: 'Errors', detail: '2 errors of the new version (allowed 0)' });
    expect(decide({ ...quiet, throttles: 1 })?.signal).toBe('Throttles');
    expect(decide({ ...quiet, errors: 2 }, { errors: 2 })).toBeUndefined();
  });
  it('an error rate replaces the count', () => {
    expect(decide({ ...quiet, errors: 1, invocations: 100 }, { errorRatePercent: 2 })).toBeUndefined();
    expect(decide({ ...quiet, errors: 3, invocations: 100 }, { errorRatePercent: 2 })).toEqual({
      signal: 'ErrorRate',
      detail: 'error rate 3% (3 of 100) > 2%',
    });
  });
  it('declared alarms in ALARM and a slow p99 breach', () => {
    expect(decide({ ...quiet, alarmsInAlarm: ['api-errors'] })).toEqual({ signal: 'Alarm', detail: 'alarm api-errors in ALARM' });
    expect(decide({ ...quiet, p99New: 300, p99Old: 100 }, { p99DurationRatio: 2 })?.detail).toBe(
      'p99 300 ms > 2 × 100 ms of the old version',
    );
    expect(decide({ ...quiet, p99New: 150, p99Old: 100 }, { p99DurationRatio: 2 })).toBeUndefined();
  });
});

/** Ports that record the weights with their virtual time, and read signals from a script of errors by minute. */
function fakePorts(errorsFromMinute?: number) {
  const clock = new FakeClock();
  const start = clock.now();
  const log: string[] = [];
  const at = () => (clock.now() - start) / MIN;
  const ports: ShiftPorts = {
    clock,
    setPercent: async (p) => void log.push(`${at()}: ${p}%`),
    complete: async () => void log.push(`${at()}: 100%`),
    revert: async () => void log.push(`${at()}: back to old`),
    readSignals: async () => ({ ...quiet, errors: errorsFromMinute !== undefined && at() >= errorsFromMinute ? 1 : 0 }),
    progress: () => {},
  };
  return { ports, log };
}

describe('a shift on a virtual clock', () => {
  it('weights over time: linear reaches 100 % after nine minutes', async () => {
    const { ports, log } = fakePorts();
    const r = await runShift(ports, { steps: scheduleOf(strategy('Linear10PercentEvery1Minute')), msPerMinute: MIN });
    expect(r).toEqual({ outcome: 'completed', looks: 9 });
    expect(log).toEqual(['0: 10%', '1: 20%', '2: 30%', '3: 40%', '4: 50%', '5: 60%', '6: 70%', '7: 80%', '8: 90%', '9: 100%']);
  });

  it('a canary is watched every minute of its bake, then completed', async () => {
    const { ports, log } = fakePorts();
    const r = await runShift(ports, { steps: scheduleOf(strategy('Canary10Percent5Minutes')), msPerMinute: MIN });
    expect(r).toEqual({ outcome: 'completed', looks: 5 });
    expect(log).toEqual(['0: 10%', '5: 100%']);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('a breach at minute %i moves everything back then and never reaches 100 %', async (minute) => {
    const { ports, log } = fakePorts(minute);
    const r = await runShift(ports, { steps: scheduleOf(strategy('Linear10PercentEvery1Minute')), msPerMinute: MIN });
    expect(r).toMatchObject({ outcome: 'rolled-back', atPercent: minute * 10, breach: { signal: 'Errors' } });
    expect(log.at(-1)).toBe(`${minute}: back to old`);
    expect(log).not.toContain(`${minute}: 100%`);
    expect(log.filter((l) => l.endsWith('%'))).toHaveLength(minute);
  });

  it('a look that fails moves everything back and reports the error (live is never left split by it)', async () => {
    const { ports, log } = fakePorts();
    const failing = { ...ports, readSignals: async () => Promise.reject(new Error('AccessDenied: cloudwatch:GetMetricData')) };
    const r = runShift(failing, { steps: scheduleOf(strategy('Canary10Percent5Minutes')), msPerMinute: MIN });
    await expect(r).rejects.toThrow('AccessDenied');
    expect(log).toEqual(['0: 10%', '1: back to old']);
  });

  it('an abort stops where it is, leaving the split for the next run', async () => {
    const { ports, log } = fakePorts();
    const stop = new AbortController();
    const r = runShift(
      {
        ...ports,
        signal: stop.signal,
        readSignals: async (s) => {
          if (log.length === 2) stop.abort();
          return ports.readSignals(s);
        },
      },
      { steps: scheduleOf(strategy('Linear10PercentEvery1Minute')), msPerMinute: MIN, looksPerMinute: 1 },
    );
    // The abort comes during the second step's look: the loop returns before the third weight.
    await expect(r).resolves.toMatchObject({ outcome: 'interrupted', atPercent: 20 });
    expect(log).toEqual(['0: 10%', '1: 20%']);
  });
});

describe('recovery of an interrupted shift', () => {
  const split = { version: '3', weights: { '4': 0.2 } };
  it('finishes to the new version or rolls back to the old one, as configured', () => {
    expect(recoveryOf(split, 'finish')).toMatchObject({ to: '4', found: '20% on version 4, 80% on version 3' });
    expect(recoveryOf(split, 'rollback')).toMatchObject({ to: '3', newVersion: '4', oldVersion: '3' });
  });
  it('nothing to recover when live is not split', () => {
    expect(recoveryOf({ version: '3' }, 'finish')).toBeUndefined();
    expect(recoveryOf({ version: '3', weights: {} }, 'rollback')).toBeUndefined();
    expect(recoveryOf(undefined, 'rollback')).toBeUndefined();
  });
});
