import { defineConfig } from 'vitest/config';

// One root config runs every package's tests. Workspace packages resolve to their TypeScript
// sources through the "@xbar/source" export condition, so no build is needed before testing.
export default defineConfig({
  resolve: { conditions: ['@xbar/source'] },
  ssr: { resolve: { conditions: ['@xbar/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['./vitest.setup.ts'],
    reporters: ['default', './vitest.summary-reporter.ts'],
  },
});
