import { defineConfig } from 'vitest/config';

/**
 * The `large` organization's memory check: run on demand, never in the timed suite.
 *   npx vitest run --config test/sim/azure-devops/large/vitest.config.ts
 */
export default defineConfig({
  test: {
    include: ['test/sim/azure-devops/large/*.check.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
