import { describe, expect, it } from 'vitest';
import { ReadLimiter } from '../../src/aws/limiter.js';
import { Poller, type PollerOptions } from '../../src/logs/poll.js';
import type { TailEvent } from '../../src/logs/types.js';
import { FakeClock, FakeLogs } from './fakes.js';

const G1 = '/aws/lambda/app-dev-api';
const G2 = '/aws/lambda/app-dev-worker';

function setup(over: Partial<PollerOptions> = {}) {
  const clock = new FakeClock();
  const logs = new FakeLogs();
  const printed: TailEvent[] = [];
  const said: string[] = [];
  const controller = new AbortController();
  const limiter = new ReadLimiter({ rate: 1000, clock });
  const poller = new Poller({
    source: logs,
    intervalMs: 2_000,
    limiter,
    clock,
    signal: controller.signal,
    onEvents: (events) => printed.push(...events),
    onMissing: (g) => said.push(`missing ${g}`),
    onFound: (g) => said.push(`found ${g}`),
    ...over,
  });
  return { clock, logs, printed, said, controller, poller, limiter, messages: () => printed.map((e) => e.message) };
}

describe('Poller (FilterLogEvents follow)', () => {
  it('reads every page of a window: events sharing a timestamp across a page boundary are all printed, once', async () => {
    const { clock, logs, poller, messages } = setup();
    const t = clock.now();
    poller.add(G1, t);
    logs.put(
      G1,
      ['a', 'b', 'c', 'd', 'e'].map((m) => ({ timestamp: t + 100, message: m })),
    );
    await poller.turn();
    expect(messages()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(logs.calls.map((c) => c.nextToken)).toEqual([undefined, '2', '4']);
    await poller.turn();
    await poller.turn();
    expect(messages()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('interleaves the groups of one turn in time order', async () => {
    const { clock, logs, poller, messages } = setup();
    const t = clock.now();
    poller.add(G1, t);
    poller.add(G2, t);
    logs.put(G1, [
      { timestamp: t + 10, message: 'api 1' },
      { timestamp: t + 30, message: 'api 3' },
    ]);
    logs.put(G2, [
      { timestamp: t + 20, message: 'worker 2' },
      { timestamp: t + 40, message: 'worker 4' },
    ]);
    await poller.turn();
    expect(messages()).toEqual(['api 1', 'worker 2', 'api 3', 'worker 4']);
  });

  it('finds events that arrive late with an older timestamp (within the overlap) and never prints one twice', async () => {
    const { clock, logs, poller, messages } = setup({ overlapMs: 5_000 });
    const t = clock.now();
    poller.add(G1, t);
    logs.put(G1, [{ timestamp: t + 1_000, message: 'first' }]);
    await poller.turn();
    logs.put(G1, [
      { timestamp: t + 9_000, message: 'newer' },
      { timestamp: t + 800, message: 'late, from another stream', stream: 's0' },
    ]);
    await poller.turn();
    await poller.turn();
    expect(messages()).toEqual(['first', 'late, from another stream', 'newer']);
    // The next window starts at the newest event minus the overlap.
    expect(logs.calls.at(-1)?.startTime).toBe(t + 9_000 - 5_000);
  });

  it('events arriving while a window is paged through are not lost and not doubled', async () => {
    const { clock, logs, poller, messages } = setup();
    const t = clock.now();
    poller.add(G1, t);
    logs.put(
      G1,
      [1, 2, 3].map((i) => ({ timestamp: t + i, message: `m${i}` })),
    );
    let injected = false;
    logs.onFilter = (q) => {
      if (q.nextToken && !injected) {
        injected = true;
        // Lands before the page boundary (stream s0 sorts first): the offsets shift by one.
        logs.put(G1, [{ timestamp: t + 4, message: 'm4', stream: 's0' }]);
      }
    };
    await poller.turn();
    await poller.turn();
    expect([...messages()].sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('a backlog longer than maxPagesPerTurn continues from its page token next turn', async () => {
    const { clock, logs, poller, messages } = setup({ maxPagesPerTurn: 2 });
    const t = clock.now();
    poller.add(G1, t);
    logs.put(
      G1,
      Array.from({ length: 7 }, (_, i) => ({ timestamp: t + i, message: `m${i}` })),
    );
    await poller.turn();
    expect(messages()).toHaveLength(4);
    await poller.turn();
    expect(messages()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(logs.calls.map((c) => c.nextToken)).toEqual([undefined, '2', '4', '6']);
  });

  it('a missing group is said once, waited for, and followed once it exists', async () => {
    const { clock, logs, poller, said, messages } = setup();
    const t = clock.now();
    poller.add(G1, t);
    await poller.turn();
    await poller.turn();
    expect(said).toEqual([`missing ${G1}`]);
    logs.put(G1, [{ timestamp: t + 5, message: 'first invocation' }]);
    await poller.turn();
    expect(said).toEqual([`missing ${G1}`, `found ${G1}`]);
    expect(messages()).toEqual(['first invocation']);
  });

  it('throttling halves the shared rate and resumes the same page next turn', async () => {
    const { clock, logs, poller, messages, limiter } = setup();
    const t = clock.now();
    poller.add(G1, t);
    logs.put(
      G1,
      [1, 2, 3].map((i) => ({ timestamp: t + i, message: `m${i}` })),
    );
    let calls = 0;
    logs.onFilter = () => {
      if (++calls === 2) logs.throttle = 1;
    };
    await poller.turn();
    expect(messages()).toEqual(['m1', 'm2']);
    expect(limiter.currentRate).toBe(500);
    await poller.turn();
    expect(messages()).toEqual(['m1', 'm2', 'm3']);
    expect(logs.calls.map((c) => c.nextToken)).toEqual([undefined, '2', '2']);
  });

  it('keeps every group under one shared budget: 10 groups at 4 calls/s', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    const controller = new AbortController();
    const start = clock.now();
    logs.onFilter = () => {
      if (clock.now() - start >= 60_000) controller.abort();
    };
    const poller = new Poller({
      source: logs,
      intervalMs: 2_000,
      limiter: new ReadLimiter({ rate: 4, clock }),
      clock,
      signal: controller.signal,
      onEvents: () => {},
    });
    for (let i = 0; i < 10; i++) {
      logs.put(`/aws/lambda/app-dev-f${i}`, []);
      poller.add(`/aws/lambda/app-dev-f${i}`, start);
    }
    await poller.run();
    // 4/s for a minute plus the initial burst; each group still read every 2.5 s.
    expect(logs.calls.length).toBeLessThanOrEqual(4 * 60 + 4 + 1);
    expect(logs.calls.length).toBeGreaterThanOrEqual(4 * 60 - 10);
  });

  it('ends at once when the signal aborts', async () => {
    const { clock, logs, poller, controller } = setup();
    poller.add(G1, clock.now());
    logs.put(G1, []);
    const running = poller.run();
    controller.abort();
    await running;
  });
});

describe('ReadLimiter', () => {
  it('grows back after a throttle, linearly, once the cooldown is over', async () => {
    const clock = new FakeClock();
    const bucket = new ReadLimiter({ rate: 4, clock, cooldownMs: 10_000, recoveryPerSecond: 0.5 });
    bucket.onThrottle();
    expect(bucket.currentRate).toBe(2);
    clock.time += 10_000;
    await bucket.take();
    expect(bucket.currentRate).toBe(2);
    clock.time += 2_000;
    await bucket.take();
    expect(bucket.currentRate).toBe(3);
    clock.time += 60_000;
    await bucket.take();
    expect(bucket.currentRate).toBe(4);
  });
});
