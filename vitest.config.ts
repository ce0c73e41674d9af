import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests, infra tests under Pulumi mocks, and integration tests that
// need the emulator stack (started once for the whole run by the global setup).
export default defineConfig({
  test: {
    // The JSON report is what .ci/run counts ("tests: N passed, N failed").
    reporters: ['default', ['json', { outputFile: '.cache/test-results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A few unit tests spawn the CLI; on a loaded 2-core machine one spawn can pass 5 s.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
