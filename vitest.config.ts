import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers on the 2-core CI machine: the differential suites are CPU-bound.
    maxWorkers: 2,
    minWorkers: 1,
    // The compiled tier compiles code on its first execution, and the interpreter pairs instructions
    // from the first time its loop runs on a page, so every suite exercises both (src/cpu/tuning.ts).
    env: { RINGZERO_COMPILE_THRESHOLD: '1', RINGZERO_PAIR_THRESHOLD: '1' },
  },
});
