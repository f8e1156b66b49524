import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['daemon/src/**/*.test.ts', 'cli/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
