import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker per core minus one: a single worker on CI's 2 cores, so the suite ran one file
    // at a time while most files wait on moto or on a spawned `ops`. Two files at a time keep both cores busy
    // (OPS_TEST_WORKERS overrides, e.g. 1 to debug a race between files).
    maxWorkers: Number(process.env.OPS_TEST_WORKERS ?? 2),
    sequence: { sequencer: SlowestFirst },
  },
});
