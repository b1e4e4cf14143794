import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { planTail } from '../../src/logs/command.js';
import { durationOption, formatSpan, parseDuration, parseTimeArg } from '../../src/logs/time.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('time flags', () => {
  it.each([
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('rejects what is not a duration', () => {
    for (const text of ['', '10', 'm', '10 minutes', '-5m']) expect(parseDuration(text)).toBeUndefined();
    expect(() => durationOption('--poll-interval', 'soon')).toThrow(UsageError);
    expect(() => durationOption('--poll-interval', '10ms', { min: 100 })).toThrow(/too short/);
  });

  it('--since takes durations, local or UTC date-times, offsets and epochs', () => {
    expect(parseTimeArg('--since', '10m', NOW)).toBe(NOW - 600_000);
    expect(parseTimeArg('--since', '2026-11-23T10:00', NOW, { utc: true })).toBe(Date.UTC(2026, 10, 23, 10, 0));
    expect(parseTimeArg('--since', '2026-11-23T10:00', NOW)).toBe(new Date(2026, 10, 23, 10, 0).getTime());
    expect(parseTimeArg('--since', '2026-11-23', NOW, { utc: true })).toBe(Date.UTC(2026, 10, 23));
    expect(parseTimeArg('--since', '2026-11-23T10:00:00+02:00', NOW)).toBe(Date.UTC(2026, 10, 23, 8, 0));
    expect(parseTimeArg('--since', '2026-11-23T10:00:00.250Z', NOW)).toBe(Date.UTC(2026, 10, 23, 10, 0, 0, 250));
    expect(parseTimeArg('--since', String(NOW - 5), NOW)).toBe(NOW - 5);
    expect(() => parseTimeArg('--since', 'yesterday', NOW)).toThrow(/neither a duration nor a date/);
  });

  it('formats spans', () => {
    expect(formatSpan(2_000)).toBe('2s');
    expect(formatSpan(500)).toBe('500ms');
    expect(formatSpan(5_400_000)).toBe('1h30m');
  });
});

describe('planTail', () => {
  const ctx = { json: false, stdoutTTY: true, now: NOW };

  it('is text on a terminal, JSON when piped or asked, text again with --format text', () => {
    expect(planTail({}, ctx).json).toBe(false);
    expect(planTail({}, { ...ctx, stdoutTTY: false }).json).toBe(true);
    expect(planTail({}, { ...ctx, json: true }).json).toBe(true);
    expect(planTail({ format: 'text' }, { ...ctx, stdoutTTY: false, json: true }).json).toBe(false);
    expect(planTail({ format: 'json' }, ctx).json).toBe(true);
  });

  it('checks the flags together', () => {
    expect(() => planTail({ follow: true, until: '5m' }, ctx)).toThrow(/--until and --follow/);
    expect(() => planTail({ since: '5m', until: '10m' }, ctx)).toThrow(/later than --since/);
    expect(planTail({ pollInterval: '500ms', follow: true }, ctx)).toMatchObject({ pollIntervalMs: 500, follow: true });
    expect(planTail({}, ctx).pollIntervalMs).toBe(2_000);
  });

  it('shows dates when the range reaches before today', () => {
    expect(planTail({ since: '1m', utc: true }, ctx).withDate).toBe(false);
    expect(planTail({ since: '13h', utc: true }, ctx).withDate).toBe(true);
  });
});
