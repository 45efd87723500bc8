import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One root config runs every package's tests. Workspace packages resolve to their TypeScript
// sources through the "@xbar/source" export condition, so no build is needed before testing.
// Long statistical runs live in `*.long.test.ts` files: `pnpm test:long` (vitest.long.config.ts)
// runs them, CI too; `pnpm test` leaves them out so that it stays under three minutes on 2 cores.
export const LONG_TESTS = '**/*.long.test.ts';

export default defineConfig({
  resolve: { conditions: ['@xbar/source'] },
  ssr: { resolve: { conditions: ['@xbar/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', LONG_TESTS],
    // every core of the machine (vitest's default leaves one free), and test files of one worker
    // share their module cache (no test file keeps module state; the suite takes half the time)
    maxWorkers: availableParallelism(),
    isolate: false,
    testTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['./vitest.setup.ts'],
    reporters: ['default', './vitest.summary-reporter.ts'],
  },
});
