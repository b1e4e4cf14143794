import { Chalk } from 'chalk';
import { ReadLimiter } from '../aws/limiter.js';
import { awsLogSource } from '../aws/logs-read.js';
import type { Context } from '../cli/context.js';
import { awsFor } from '../cli/setup.js';
import type { Fleet } from '../config/types.js';
import { createFormatter } from '../logs/format.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_RATE } from '../logs/poll.js';
import { tailLogs } from '../logs/tail.js';
import type { GroupLabel, TailEvent } from '../logs/types.js';

/** The edit loop's log stream: one tail, started at the first push, showing the functions the loop touched. */
export interface WatchLogs {
  follow(keys: string[]): void;
  /** The functions followed so far (to carry over to the tail of a reloaded fleet). */
  followed(): string[];
  /** The log groups the tail reads, joined: whether a reloaded fleet needs another tail. */
  readonly groups: string;
  stop(): Promise<void>;
}

/**
 * One `ops logs tail --follow` (Live Tail, polling where unavailable) over every function of the fleet,
 * started lazily (a watch that pushes nothing reads no logs) and printing only the touched functions'
 * events: the set grows as the loop goes, without restarting the tail and losing lines in between.
 */
export function watchLogs(ctx: Context, fleet: Fleet): WatchLogs {
  const followed = new Set<string>();
  const labels = new Map<string, GroupLabel>(fleet.functions.map((f) => [f.logGroup, { key: f.key, name: f.name }]));
  const keyOf = new Map(fleet.functions.map((f) => [f.logGroup, f.key]));
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  const start = () => {
    const aws = awsFor(ctx, fleet);
    const formatter = createFormatter({ color: new Chalk({ level: ctx.color.level }), labels });
    const emit = (events: TailEvent[]) => {
      const lines = events.filter((e) => followed.has(keyOf.get(e.group) ?? '')).flatMap((e) => formatter.format(e));
      for (const l of lines) ctx.log.raw(l);
    };
    return tailLogs({
      source: awsLogSource(aws),
      groups: [...labels.keys()],
      follow: true,
      liveTail: true,
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
      limiter: new ReadLimiter({ rate: DEFAULT_POLL_RATE }),
      signal: stop.signal,
      emit,
      // The tail's own notices (a group not there yet, polling instead of Live Tail) are noise beside the loop's lines.
      talk: { info: (m) => ctx.log.debug(m), warn: (m) => ctx.log.debug(m), debug: (m) => ctx.log.debug(m) },
      describe: (group) => keyOf.get(group) ?? group,
    })
      .catch((error: Error) => ctx.log.warn(`the log stream stopped: ${error.message.split('\n')[0]}`))
      .finally(() => aws.destroy());
  };
  return {
    follow(keys) {
      for (const k of keys) followed.add(k);
      if (followed.size && !running && !stop.signal.aborted) running = start();
    },
    followed: () => [...followed],
    groups: fleet.functions.map((f) => f.logGroup).join(),
    async stop() {
      stop.abort();
      await running;
    },
  };
}
