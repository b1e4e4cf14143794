import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/aws/pool.js';

describe('createLimiter', () => {
  it('never has more than the limit in flight, starts calls in order, and passes results and errors through', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) =>
      limit(async () => {
        started.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, (i % 4) + 1));
        active--;
        if (i === 5) throw new Error('five');
        return i * 2;
      });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => task(i)));
    expect(peak).toBe(3);
    expect(started).toEqual([...Array(12).keys()]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      0,
      2,
      4,
      6,
      8,
      'five',
      12,
      14,
      16,
      18,
      20,
      22,
    ]);
    // A call started after everything finished runs at once.
    expect(await limit(async () => 'later')).toBe('later');
  });
});
