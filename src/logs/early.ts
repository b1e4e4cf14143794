import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReadLimiter } from '../aws/limiter.js';
import type { EventsPage, FilterQuery, LogSource } from '../aws/logs-read.js';
import type { GroupLabel } from './types.js';

/**
 * `ops logs tail` over a range starts its first FilterLogEvents reads before the config is loaded, from
 * what the same command line resolved last time (the region, the log groups and their labels), so AWS
 * works while the config loads. Nothing is trusted: once the fleet is loaded, the reads are used only if
 * it resolves to exactly the same region and groups, and each only for the identical query the tail
 * makes; otherwise they are dropped and the tail reads as it would have.
 */

/** What one command line resolved to. */
export interface Resolved {
  region: string;
  labels: [string, GroupLabel][];
}

/** Where a command line's last resolution is kept: a file of its own under the OS's temp directory. */
function fileFor(key: unknown[]): string {
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
  return path.join(tmpdir(), 'opsfleet-logs', `${hash}.json`);
}

export async function recall(key: unknown[]): Promise<Resolved | undefined> {
  try {
    const r = JSON.parse(await readFile(fileFor(key), 'utf8')) as Resolved;
    return typeof r.region === 'string' && Array.isArray(r.labels) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `resolved` for the next run (best effort: a read-only temp directory only loses the head start). */
export async function remember(key: unknown[], resolved: Resolved): Promise<void> {
  const file = fileFor(key);
  await mkdir(path.dirname(file), { recursive: true })
    .then(() => writeFile(file, JSON.stringify(resolved)))
    .catch(() => {});
}

export function sameResolution(a: Resolved, b: Resolved): boolean {
  return a.region === b.region && JSON.stringify(a.labels) === JSON.stringify(b.labels);
}

const queryKey = (q: FilterQuery) =>
  JSON.stringify([q.group, q.startTime, q.endTime, q.filterPattern ?? '', q.nextToken ?? '', q.limit ?? 0]);

/** Reads started ahead, each handed to the first identical query; every other query goes to `inner`. */
export class EarlyReads implements LogSource {
  private readonly pending = new Map<string, Promise<EventsPage | undefined>>();
  private readonly controller = new AbortController();

  constructor(private readonly inner: LogSource) {}

  /** Starts `queries` now, through the tail's own read budget. */
  start(queries: FilterQuery[], limiter: ReadLimiter): void {
    const signal = this.controller.signal;
    for (const q of queries) {
      const read = limiter.run(() => this.inner.filter(q, signal), signal);
      // A read nobody takes must not fail the process; one that is taken fails its taker as usual.
      read.catch(() => {});
      this.pending.set(queryKey(q), read);
    }
  }

  filter(query: FilterQuery, signal?: AbortSignal): Promise<EventsPage | undefined> {
    const key = queryKey(query);
    const early = this.pending.get(key);
    if (!early) return this.inner.filter(query, signal);
    this.pending.delete(key);
    return early;
  }

  existing(groups: readonly string[]): Promise<Set<string>> {
    return this.inner.existing(groups);
  }

  liveTail(...args: Parameters<LogSource['liveTail']>): ReturnType<LogSource['liveTail']> {
    return this.inner.liveTail(...args);
  }

  /** The reads started and not yet taken. */
  started(): Promise<EventsPage | undefined>[] {
    return [...this.pending.values()];
  }

  /** Stops the reads nobody took. */
  drop(): void {
    this.pending.clear();
    this.controller.abort();
  }
}
