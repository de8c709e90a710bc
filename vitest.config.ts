import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: pure code, no database, server or browser (`npm run test:unit`, seconds).
 * `db`: everything that opens a database, a server or a browser — test files named
 * `*.db.test.ts` or `*.http.test.ts`, and the browser tests in `packages/web/test`.
 */
const slow = [
  'packages/*/src/**/*.db.test.{ts,tsx}',
  'packages/*/src/**/*.http.test.{ts,tsx}',
  'packages/*/test/**/*.test.{ts,tsx}',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Polls wait for what a busy machine (two test files, a browser and PostgreSQL on two cores)
    // may take longer than a second to show; they end as soon as it does.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.{ts,tsx}'], exclude: slow },
      },
      { extends: true, test: { name: 'db', include: slow } },
    ],
  },
});
