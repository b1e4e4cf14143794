import { describe, expect, it } from 'vitest';
import { ReadLimiter } from '../../src/aws/limiter.js';
import { UserError } from '../../src/errors.js';
import { followLive, type LiveOptions, LiveTailUnavailable } from '../../src/logs/live.js';
import { tailLogs } from '../../src/logs/tail.js';
import type { TailEvent } from '../../src/logs/types.js';
import { eventually, FakeClock, FakeLogs, FakeStream } from './fakes.js';

const G1 = '/aws/lambda/app-dev-api';
const G2 = '/aws/lambda/app-dev-worker';
const ev = (message: string, timestamp: number, group = G1): TailEvent => ({ group, stream: 's1', timestamp, message });

interface Opened {
  groups: readonly string[];
  signal: AbortSignal;
  stream: FakeStream;
}

function setup(over: Partial<LiveOptions> = {}, clockOptions: { auto?: boolean } = {}) {
  const clock = new FakeClock(clockOptions);
  const logs = new FakeLogs();
  const opened: Opened[] = [];
  logs.live = (groups, signal) => {
    const stream = new FakeStream();
    stream.push({ type: 'start', sessionId: `s${opened.length + 1}` });
    opened.push({ groups, signal, stream });
    return stream;
  };
  const printed: TailEvent[] = [];
  const said: string[] = [];
  const controller = new AbortController();
  const options: LiveOptions = {
    source: logs,
    groups: [G1, G2],
    signal: controller.signal,
    clock,
    reconnectDelaysMs: [10, 10],
    onEvents: (events) => printed.push(...events),
    onSampled: () => said.push('sampled'),
    onReconnect: (reason) => said.push(`reconnect: ${reason}`),
    onGiveUp: (groups) => said.push(`gave up on ${groups.join(',')}`),
    ...over,
  };
  return { clock, logs, opened, printed, said, controller, options, messages: () => printed.map((e) => e.message) };
}

describe('followLive (StartLiveTail sessions)', () => {
  it('streams the updates of a session, and says once when Live Tail samples', async () => {
    const { opened, controller, options, messages, said } = setup();
    const running = followLive(options);
    await eventually(() => opened.length === 1);
    expect(opened[0].groups).toEqual([G1, G2]);
    opened[0].stream.push({ type: 'update', events: [ev('one', 1), ev('two', 2, G2)], sampled: false });
    opened[0].stream.push({ type: 'update', events: [ev('three', 3)], sampled: true });
    opened[0].stream.push({ type: 'update', events: [ev('four', 4)], sampled: true });
    await eventually(() => messages().length === 4);
    expect(messages()).toEqual(['one', 'two', 'three', 'four']);
    expect(said).toEqual(['sampled']);
    controller.abort();
    await running;
    expect(opened[0].signal.aborted).toBe(true);
  });

  it('opens one session per 10 log groups', async () => {
    const groups = Array.from({ length: 23 }, (_, i) => `/aws/lambda/app-dev-f${i}`);
    const { opened, controller, options } = setup({ groups });
    const running = followLive(options);
    await eventually(() => opened.length === 3);
    expect(opened.map((o) => o.groups.length)).toEqual([10, 10, 3]);
    controller.abort();
    await running;
    expect(opened.every((o) => o.signal.aborted)).toBe(true);
  });

  it('fails with LiveTailUnavailable when the first session cannot start', async () => {
    const { logs, options } = setup();
    logs.live = undefined;
    await expect(followLive(options)).rejects.toBeInstanceOf(LiveTailUnavailable);
  });

  it('reconnects when the stream ends and reads the gap, printing nothing twice', async () => {
    const backfills: number[] = [];
    const { opened, controller, options, messages, said, clock } = setup(
      {
        overlapMs: 1_000,
        backfill: async (_groups, from) => {
          backfills.push(from);
          // What FilterLogEvents has for the gap: an event already streamed, and one nobody streamed.
          return [ev('before the end', 10), ev('in the gap', 20)];
        },
      },
      { auto: false },
    );
    const running = followLive(options);
    await eventually(() => opened.length === 1);
    opened[0].stream.push({ type: 'update', events: [ev('before the end', 10)], sampled: false });
    await eventually(() => messages().length === 1);
    const endedAt = clock.now();
    opened[0].stream.end();
    await eventually(() => opened.length === 2 && messages().length === 2);
    expect(said).toEqual(['reconnect: the stream ended']);
    expect(backfills).toEqual([endedAt - 1_000]);
    opened[1].stream.push({ type: 'update', events: [ev('in the gap', 20), ev('after', 30)], sampled: false });
    await eventually(() => messages().length === 3);
    expect(messages()).toEqual(['before the end', 'in the gap', 'after']);
    controller.abort();
    await running;
  });

  it('replaces a session before its time limit: the new one streams before the old one closes', async () => {
    const { opened, controller, options, messages, clock } = setup(
      { maxSessionMs: 60_000, overlapMs: 5_000, groups: [G1] },
      { auto: false },
    );
    const running = followLive(options);
    await eventually(() => opened.length === 1);
    clock.advance(59_999);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(opened).toHaveLength(1);
    clock.advance(1);
    await eventually(() => opened.length === 2);
    expect(opened[0].signal.aborted).toBe(false);
    // Both sessions see the same event during the overlap: printed once.
    opened[0].stream.push({ type: 'update', events: [ev('during the overlap', 61_000)], sampled: false });
    opened[1].stream.push({ type: 'update', events: [ev('during the overlap', 61_000)], sampled: false });
    await eventually(() => messages().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock.advance(5_000);
    await eventually(() => opened[0].signal.aborted);
    opened[1].stream.push({ type: 'update', events: [ev('later', 70_000)], sampled: false });
    await eventually(() => messages().length === 2);
    expect(messages()).toEqual(['during the overlap', 'later']);
    controller.abort();
    await running;
  });

  it('a line logged twice in the same millisecond by one session is printed twice', async () => {
    const { opened, controller, options, messages } = setup();
    const running = followLive(options);
    await eventually(() => opened.length === 1);
    opened[0].stream.push({ type: 'update', events: [ev('same', 5), ev('same', 5)], sampled: false });
    await eventually(() => messages().length === 2);
    controller.abort();
    await running;
  });

  it('gives the groups up to polling when reconnecting keeps failing', async () => {
    const { logs, opened, controller, options, said } = setup();
    const running = followLive(options);
    await eventually(() => opened.length === 1);
    logs.live = undefined;
    opened[0].stream.fail(new Error('connection reset'));
    await eventually(() => said.length === 2);
    expect(said).toEqual(['reconnect: connection reset', `gave up on ${G1},${G2}`]);
    controller.abort();
    await running;
  });
});

describe('tailLogs --follow', () => {
  it('falls back to polling when Live Tail is not available, says so once, and follows missing groups', async () => {
    const clock = new FakeClock();
    const logs = new FakeLogs();
    const t = clock.now();
    logs.put(G1, [{ timestamp: t - 60_000, message: 'old, not shown' }]);
    const printed: string[] = [];
    const talk: string[] = [];
    const controller = new AbortController();
    const later = [
      { at: t + 4_000, group: G1, message: 'new' },
      { at: t + 6_000, group: G2, message: 'worker ran' },
    ];
    logs.onFilter = () => {
      while (later.length > 0 && clock.now() >= later[0].at) {
        const { group, message } = later.shift()!;
        logs.put(group, [{ timestamp: clock.now(), message }]);
      }
      if (clock.now() >= t + 20_000) controller.abort();
    };
    await tailLogs({
      source: logs,
      groups: [G1, G2],
      follow: true,
      liveTail: true,
      pollIntervalMs: 2_000,
      limiter: new ReadLimiter({ rate: 4, clock }),
      clock,
      signal: controller.signal,
      emit: (events) => printed.push(...events.map((e) => e.message)),
      talk: { info: (m) => talk.push(m), warn: (m) => talk.push(`warn: ${m}`), debug: () => {} },
      describe: (g) => g.split('-').pop()!,
    });
    expect(printed).toEqual(['new', 'worker ran']);
    expect(talk).toEqual([
      'live tail not available here; polling every 2s',
      'waiting for worker: its log group does not exist yet (the function has not run)',
      'worker has logs now',
    ]);
    expect(logs.liveCalls).toEqual([[G1]]);
  });

  it('a failure of the polling loop ends the Live Tail sessions too, and the command fails', async () => {
    const clock = new FakeClock({ auto: false });
    const logs = new FakeLogs();
    logs.put(G1, []);
    const opened: AbortSignal[] = [];
    logs.live = (_groups, signal) => {
      opened.push(signal);
      const stream = new FakeStream();
      stream.push({ type: 'start' });
      return stream;
    };
    // G2 does not exist, so it is polled; reading it is denied.
    logs.onFilter = (q) => {
      if (q.group === G2) throw new UserError('access denied: the AWS identity may not call logs:FilterLogEvents');
    };
    const running = tailLogs({
      source: logs,
      groups: [G1, G2],
      follow: true,
      liveTail: true,
      pollIntervalMs: 2_000,
      limiter: new ReadLimiter({ rate: 100, clock }),
      clock,
      signal: new AbortController().signal,
      emit: () => {},
      talk: { info: () => {}, warn: () => {}, debug: () => {} },
    });
    await expect(running).rejects.toThrow(/access denied/);
    expect(opened).toHaveLength(1);
    await eventually(() => opened[0].aborted);
  });
});
