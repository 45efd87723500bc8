import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from '../packages/cli/test/helpers.js';
import { studyNetlists } from './study-netlists.js';

/** Every netlist of the two studies runs through `xbar run` with its committed (reduced) defaults. */
describe('example studies run from the CLI', () => {
  for (const file of studyNetlists()) {
    it(file, async () => {
      const result = await runXbar(['run', join(import.meta.dirname, file), '--format', 'json']);
      expect(result.stderr).not.toMatch(/error/);
      expect(result.code).toBe(0);
      const analyses = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, unknown>[] }[] }).analyses;
      expect(analyses.length).toBeGreaterThan(0);
      for (const analysis of analyses) expect(analysis.rows.length).toBeGreaterThan(0);
    }, 300_000);
  }
});
