import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from '../packages/cli/test/helpers.js';

/** Every netlist of the two studies runs through `xbar run` with its committed (reduced) defaults. */
const studies = ['nary-mtj', 'device-compare'];

describe('example studies run from the CLI', () => {
  for (const study of studies) {
    const folder = join(import.meta.dirname, study);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.xbar') && !name.startsWith('.'))) {
      it(`${study}/${file}`, async () => {
        const result = await runXbar(['run', join(folder, file), '--format', 'json']);
        expect(result.stderr).not.toMatch(/error/);
        expect(result.code).toBe(0);
        const analyses = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, unknown>[] }[] }).analyses;
        expect(analyses.length).toBeGreaterThan(0);
        for (const analysis of analyses) expect(analysis.rows.length).toBeGreaterThan(0);
      });
    }
  }

  it('the N-ary XOR network is exact on its corners without device errors', async () => {
    const result = await runXbar(['run', join(import.meta.dirname, 'nary-mtj', 'xor.xbar'), '--format', 'json']);
    const [ideal] = (JSON.parse(result.stdout) as { analyses: { rows: Record<string, number>[] }[] }).analyses;
    expect(ideal.rows.map((r) => r.y0 > r.y1 ? 0 : 1)).toEqual([0, 1, 1, 0]);
  });
});
