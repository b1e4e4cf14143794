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

  it('an abort (Ctrl-C) stops the shift and moves everything back: nothing is left split', async () => {
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
    // The abort comes during the second step's look: the loop moves back before the third weight.
    await expect(r).resolves.toMatchObject({ outcome: 'interrupted', atPercent: 20 });
    expect(log).toEqual(['0: 10%', '1: 20%', '2: back to old']);
  });

  it('an abort during a wait ends the wait at once, not at the next look', async () => {
    const clock = new FakeClock({ auto: false }); // time moves only when the test says
    const { ports, log } = fakePorts();
    const stop = new AbortController();
    const r = runShift(
      {
        ...ports,
        clock,
        signal: stop.signal,
        setPercent: async (p) => void log.push(`${p}%`),
        revert: async () => void log.push(`back at ${clock.now()}`),
      },
      { steps: scheduleOf(strategy('Canary10Percent30Minutes')), msPerMinute: MIN },
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock.advance(10_000); // 10 s into a one-minute wait
    const at = clock.now();
    stop.abort('SIGINT');
    await expect(r).resolves.toMatchObject({ outcome: 'interrupted', atPercent: 10, looks: 0 });
    expect(log).toEqual(['10%', `back at ${at}`]);
  });

  it('--no-wait sets the first weight and returns with the next step due', async () => {
    const { ports, log } = fakePorts();
    const start = ports.clock.now();
    const r = await runShift(ports, { steps: scheduleOf(strategy('Linear10PercentEvery2Minutes')), msPerMinute: MIN, noWait: true });
    expect(r).toEqual({ outcome: 'started', atPercent: 10, nextAt: start + 2 * MIN, looks: 0 });
    expect(log).toEqual(['0: 10%']);
  });

  it('a shift carried on looks over the time it was not watched, then goes on from the step due now', async () => {
    const { ports, log } = fakePorts();
    const looks: number[] = [];
    const startedAt = ports.clock.now() - 3.5 * MIN; // began 3.5 minutes ago, left at 20 % (nobody moved it since)
    const readSignals = async (since: number) => {
      looks.push(since);
      return quiet;
    };
    const r = await runShift(
      { ...ports, readSignals },
      { steps: scheduleOf(strategy('Linear20PercentEvery1Minute')), msPerMinute: MIN, resume: { startedAt, percent: 20 } },
    );
    expect(r).toEqual({ outcome: 'completed', looks: 2 });
    // 20, 40, 60, 80 % were due at 0, 1, 2, 3 min: at 3.5 it is 80 %, and 100 % at 4 (0.5 min after the carry-on).
    expect(log).toEqual(['0: 80%', '0.5: 100%']);
    expect(new Set(looks)).toEqual(new Set([startedAt]));
  });

  it('a breach found by the first look of a shift carried on moves back before any weight is set', async () => {
    const { ports, log } = fakePorts(0);
    const startedAt = ports.clock.now() - 1.5 * MIN;
    const r = await runShift(ports, {
      steps: scheduleOf(strategy('Canary10Percent5Minutes')),
      msPerMinute: MIN,
      resume: { startedAt, percent: 10 },
      noWait: true,
    });
    expect(r).toMatchObject({ outcome: 'rolled-back', atPercent: 10, breach: { signal: 'Errors' }, looks: 1 });
    expect(log).toEqual(['0: back to old']);
  });

  it('a shift carried on past its last step is completed (with --no-wait too)', async () => {
    const { ports, log } = fakePorts();
    const r = await runShift(ports, {
      steps: scheduleOf(strategy('Canary10Percent5Minutes')),
      msPerMinute: MIN,
      resume: { startedAt: ports.clock.now() - 6 * MIN, percent: 10 },
      noWait: true,
    });
    expect(r).toEqual({ outcome: 'completed', looks: 1 });
    expect(log).toEqual(['0: 100%']);
  });

  it('the smoke samples at each step: a failure at a step is a breach there', async () => {
    const { ports, log } = fakePorts();
    let steps = 0;
    const smoke = async () =>
      ++steps === 2 ? { signal: 'Smoke' as const, detail: '1 of 2 smoke samples failed on version 4 (get)' } : undefined;
    const r = await runShift({ ...ports, smoke }, { steps: scheduleOf(strategy('Linear10PercentEvery1Minute')), msPerMinute: MIN });
    expect(r).toMatchObject({ outcome: 'rolled-back', atPercent: 20, breach: { signal: 'Smoke' } });
    expect(log).toEqual(['0: 10%', '1: 20%', '1: back to old']);
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
