import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { pacedWriter, WRITE_CHUNK } from '../../src/logs/output.js';

/** A stream whose buffer is full after every write until the test drains it (a slow pipe's reader). */
function slowPipe() {
  const stream = Object.assign(new EventEmitter(), {
    chunks: [] as string[],
    closed: false,
    write(chunk: string) {
      stream.chunks.push(chunk);
      return false;
    },
  });
  return stream;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i} ${'x'.repeat(1000)}`);

describe('pacedWriter: the output of ops logs tail', () => {
  it('writes pieces of about 64 KB and waits for drain before the next when the stream is full', async () => {
    const pipe = slowPipe();
    const out = pacedWriter(pipe);
    let done = false;
    void out.write(lines(0, 200), (l) => l).then(() => (done = true));
    await tick();
    expect(pipe.chunks).toHaveLength(1);
    expect(pipe.chunks[0].length).toBeGreaterThanOrEqual(WRITE_CHUNK);
    expect(pipe.chunks[0].length).toBeLessThan(WRITE_CHUNK + 1100);
    pipe.emit('drain');
    await tick();
    expect(pipe.chunks).toHaveLength(2);
    while (!done) {
      pipe.emit('drain');
      await tick();
    }
    expect(pipe.chunks.join('')).toBe(`${lines(0, 200).join('\n')}\n`);
  });

  it('keeps the order of batches given without waiting (Live Tail), and of the lines each item gives', async () => {
    const pipe = slowPipe();
    const out = pacedWriter(pipe);
    void out.write(lines(0, 100), (l) => l);
    void out.write([1, 2], (n) => [`second batch ${n}a`, `second batch ${n}b`]);
    void out.write([3], () => []);
    let idle = false;
    void out.idle().then(() => (idle = true));
    while (!idle) {
      pipe.emit('drain');
      await tick();
    }
    expect(pipe.chunks.join('')).toBe(
      `${[...lines(0, 100), 'second batch 1a', 'second batch 1b', 'second batch 2a', 'second batch 2b'].join('\n')}\n`,
    );
  });

  it('does not wait on a stream that closes, nor on one that is not an emitter (a test capture)', async () => {
    const pipe = slowPipe();
    const closing = pacedWriter(pipe).write(lines(0, 200), (l) => l);
    await tick();
    // As a Node stream does: closed is set, then 'close' is emitted once.
    pipe.closed = true;
    pipe.emit('close');
    await expect(closing).resolves.toBeUndefined();
    expect(pipe.chunks.join('')).toBe(`${lines(0, 200).join('\n')}\n`);
    let captured = '';
    const capture = {
      write: (s: string) => {
        captured += s;
        return false;
      },
    };
    await pacedWriter(capture).write(lines(0, 200), (l) => l);
    expect(captured).toBe(`${lines(0, 200).join('\n')}\n`);
  });

  it('a failure while formatting rejects that write and idle(), with no unhandled rejection for a caller that did not wait', async () => {
    const out = pacedWriter({ write: () => true });
    const failed = out.write([1], () => {
      throw new Error('formatter bug');
    });
    await expect(failed).rejects.toThrow('formatter bug');
    await expect(out.idle()).rejects.toThrow('formatter bug');
  });
});
