import { defineConfig } from 'vitest/config';
import base, { LONG_TESTS } from './vitest.config.js';

// `pnpm test:long`: the long statistical runs (Monte-Carlo agreement at many noise levels, the
// example studies at their committed sizes), kept out of `pnpm test`.
export default defineConfig({ ...base, test: { ...base.test, include: [LONG_TESTS], exclude: ['**/node_modules/**'] } });
