import { defineConfig } from 'vitest/config';

const AGREEMENT = 'test/store/index-agreement.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test/artifacts/vitest-results.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'service',
          include: ['test/**/*.test.ts'],
          exclude: [AGREEMENT],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      // After the rest: checks the Cosmos queries the other files sent against the indexing policy.
      { extends: true, test: { name: 'index-agreement', include: [AGREEMENT], sequence: { groupOrder: 1 } } },
    ],
  },
});
