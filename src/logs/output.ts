import type { IO } from '../cli/context.js';

/** Characters of output gathered before one write. */
export const WRITE_CHUNK = 65_536;

type Out = IO['stdout'] & {
  once?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
  destroyed?: boolean;
  closed?: boolean;
};

/**
 * Writes the lines of `ops logs tail` in pieces of about 64 KB, and waits for the stream to drain when it
 * says its buffer is full. A pipe's reader (a terminal, `less`, `jq`, the caller of a process) takes a page
 * of 10,000 events (5 MB of JSON) more slowly than it is formatted: written at once, the whole page waited
 * in the stream's buffer, alive through every collection until the process could exit (about a third of a
 * range read's time, measured); paced, each piece is garbage as soon as the pipe took it.
 * Batches are written in the order they were given, each after the one before.
 */
export function pacedWriter(stream: Out) {
  let queue: Promise<void> = Promise.resolve();
  return {
    /** Writes the lines of each item (`linesOf` may give none); resolves once they are handed to the stream. */
    write<T>(items: readonly T[], linesOf: (item: T) => string | readonly string[]): Promise<void> {
      queue = queue.then(() => writeAll(stream, items, linesOf));
      // A caller that does not wait (Live Tail's deliveries) must not leave an unhandled rejection: the
      // failure is still the result of `idle()` and of every later write.
      queue.catch(() => {});
      return queue;
    },
    /** Resolves when everything given so far is written (rejects if a write failed). */
    idle: () => queue,
  };
}

async function writeAll<T>(stream: Out, items: readonly T[], linesOf: (item: T) => string | readonly string[]): Promise<void> {
  let chunk = '';
  for (const item of items) {
    const lines = linesOf(item);
    if (typeof lines === 'string') chunk += `${lines}\n`;
    else for (const line of lines) chunk += `${line}\n`;
    if (chunk.length >= WRITE_CHUNK) {
      const full = stream.write(chunk) === false;
      chunk = '';
      if (full) await drained(stream);
    }
  }
  if (chunk !== '' && stream.write(chunk) === false) await drained(stream);
}

/** The stream's 'drain', or its end: a closed or failed stream is never waited on (bin/ops exits on EPIPE). */
function drained(stream: Out): Promise<void> {
  const { once, off } = stream;
  if (typeof once !== 'function' || typeof off !== 'function' || stream.destroyed || stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) off.call(stream, event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) once.call(stream, event, done);
  });
}
