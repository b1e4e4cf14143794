import type { TailEvent } from './types.js';

/** Live Tail events have no id: two copies of one event agree on everything else. */
export const contentKey = (e: TailEvent) => `${e.group}\0${e.stream}\0${e.timestamp}\0${e.message}`;

interface Entry {
  printed: number;
  bySource: Map<string, number>;
  at: number;
}

/**
 * Merges streams that may deliver the same events (two Live Tail sessions while one replaces the
 * other, a FilterLogEvents backfill of a reconnect gap): an event is printed as many times as the
 * source that saw it most often delivered it, so true repeats (the same line twice in the same
 * millisecond) survive and copies from another source do not. Entries older than `horizonMs` go.
 */
export class MergeDedupe {
  private readonly entries = new Map<string, Entry>();
  private admitted = 0;

  constructor(
    private readonly now: () => number,
    private readonly horizonMs = 120_000,
  ) {}

  /** True when `event` from `source` should be printed. */
  admit(event: TailEvent, source: string): boolean {
    const key = contentKey(event);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { printed: 0, bySource: new Map(), at: this.now() };
      this.entries.set(key, entry);
    }
    const count = (entry.bySource.get(source) ?? 0) + 1;
    entry.bySource.set(source, count);
    if ((++this.admitted & 1023) === 0) this.prune();
    if (count <= entry.printed) return false;
    entry.printed = count;
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  prune(): void {
    const cutoff = this.now() - this.horizonMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= cutoff) break; // insertion order is time order
      this.entries.delete(key);
    }
  }
}
