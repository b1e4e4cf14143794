import { describe, expect, it } from 'vitest';
import { ReadLimiter } from '../../src/aws/limiter.js';
import { tailLogs } from '../../src/logs/tail.js';
import { FakeClock, FakeLogs } from './fakes.js';

const G = '/aws/lambda/app-dev-api';

/** `ops logs tail` without --follow over [now - sinceMs, now]: what it printed and the FilterLogEvents calls it made. */
async function range(logs: FakeLogs, clock: FakeClock, sinceMs: number, windowMs?: number) {
  const printed: string[] = [];
  await tailLogs({
    source: logs,
    groups: [G],
    since: clock.now() - sinceMs,
    follow: false,
    liveTail: false,
    pollIntervalMs: 2_000,
    limiter: new ReadLimiter({ rate: 1e9, burst: 1e9, clock }),
    clock,
    signal: new AbortController().signal,
    emit: (events) => printed.push(...events.map((e) => e.message)),
    talk: { info: () => {}, warn: () => {}, debug: () => {} },
    ...(windowMs ? { windowMs } : {}),
  });
  return { printed, windows: logs.calls.filter((q) => !q.nextToken).map((q) => [q.startTime, q.endTime]) };
}

describe('ops logs tail over a range: windows', () => {
  it('--since 1h is one read (one window, its pages), from the first millisecond to the last', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    logs.pageSize = 10_000;
    const t = clock.now();
    // The command takes --since from its own start, a few milliseconds before the tail reads `now`.
    const since = 3_600_000 + 7;
    logs.put(G, [
      { timestamp: t - since, message: 'first ms' },
      { timestamp: t - 1_800_000, message: 'middle' },
      { timestamp: t, message: 'last ms' },
    ]);
    const r = await range(logs, clock, since);
    expect(r.printed).toEqual(['first ms', 'middle', 'last ms']);
    expect(r.windows).toEqual([[t - since, t]]);
    expect(logs.calls).toHaveLength(1);
  });

  it('a longer range goes window by window, each event once, the last window up to now', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    const t = clock.now();
    const at = [t - 2_500, t - 1_501, t - 1_500, t - 501, t - 500, t];
    logs.put(
      G,
      at.map((timestamp) => ({ timestamp, message: String(t - timestamp) })),
    );
    const r = await range(logs, clock, 2_500, 1_000);
    expect(r.printed).toEqual(['2500', '1501', '1500', '501', '500', '0']);
    expect(r.windows).toEqual([
      [t - 2_500, t - 1_501],
      [t - 1_500, t - 501],
      [t - 500, t],
    ]);
  });
});
