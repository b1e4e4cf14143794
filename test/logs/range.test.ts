import { describe, expect, it } from 'vitest';
import { ReadLimiter } from '../../src/aws/limiter.js';
import { EarlyReads, sameResolution } from '../../src/logs/early.js';
import { tailLogs } from '../../src/logs/tail.js';
import { eventually, FakeClock, FakeLogs } from './fakes.js';

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

/** A fake Logs with `pageSize` events a page, its clock, and that clock's now. */
function world(pageSize: number) {
  const clock = new FakeClock();
  const logs = new FakeLogs();
  logs.pageSize = pageSize;
  return { clock, logs, t: clock.now() };
}

describe('ops logs tail over a range: windows', () => {
  it('--since 1h is one read (one window, its pages), from the first millisecond to the last', async () => {
    const { clock, logs, t } = world(10_000);
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
    const { clock, logs, t } = world(2);
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

describe('reads started before the config loads (src/logs/early.ts)', () => {
  it('the identical query takes the early read (no second call); any other query reads anew', async () => {
    const { clock, logs, t } = world(10);
    logs.put(G, [{ timestamp: t - 1_000, message: 'one' }]);
    const reads = new EarlyReads(logs);
    const q = { group: G, startTime: t - 60_000, endTime: t, filterPattern: undefined };
    reads.start([q], new ReadLimiter({ rate: 1e9, burst: 1e9, clock }));
    await eventually(() => logs.calls.length === 1);
    // A message logged after the early read was made is not in its answer: the proof it was reused.
    logs.put(G, [{ timestamp: t - 500, message: 'two' }]);
    const page = await reads.filter({ ...q });
    expect(page?.events.map((e) => e.message)).toEqual(['one']);
    expect(logs.calls).toHaveLength(1);
    const again = await reads.filter({ ...q, endTime: t + 1 });
    expect(again?.events.map((e) => e.message)).toEqual(['one', 'two']);
    expect(logs.calls).toHaveLength(2);
    reads.drop();
  });

  it('is used only when the loaded fleet resolves to the same region and groups', () => {
    const labels: [string, { key: string; name: string }][] = [[G, { key: 'api', name: 'app-dev-api' }]];
    expect(
      sameResolution({ region: 'us-east-1', labels }, { region: 'us-east-1', labels: [[G, { key: 'api', name: 'app-dev-api' }]] }),
    ).toBe(true);
    expect(sameResolution({ region: 'us-east-1', labels }, { region: 'eu-west-1', labels })).toBe(false);
    expect(
      sameResolution({ region: 'us-east-1', labels }, { region: 'us-east-1', labels: [[G, { key: 'api', name: 'app-prod-api' }]] }),
    ).toBe(false);
    expect(
      sameResolution(
        { region: 'us-east-1', labels },
        { region: 'us-east-1', labels: [...labels, ['/aws/lambda/x', { key: 'x', name: 'x' }]] },
      ),
    ).toBe(false);
  });
});
