import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runXbar } from '../packages/cli/test/helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('examples/quickstart.xbar from the CLI', () => {
  it('runs every analysis card and prints a table for each', async () => {
    const { code, stdout } = await runXbar(['run', 'examples/quickstart.xbar'], root);
    expect(code).toBe(0);
    for (const card of ['mode=ideal', 'mode=noisy', 'mode=ir', '.mc', '.mse', '.compare']) expect(stdout).toContain(card);
    // the ideal product of the inline weights and inputs
    expect(stdout).toMatch(/0 +0 +0\.25 +0\.05 +0\.6\n/);
  });

  it('predicts the Monte-Carlo output MSE analytically within the Monte-Carlo confidence interval', async () => {
    const { stdout } = await runXbar(['run', 'examples/quickstart.xbar', '--format', 'json'], root);
    const results = JSON.parse(stdout) as { analyses: { kind: string; rows: Record<string, number>[] }[] };
    const mc = results.analyses.find((a) => a.kind === 'mc')!.rows[0];
    const predicted = results.analyses.find((a) => a.kind === 'mse')!.rows.at(-1)!;
    const halfWidth = (1.96 * Number(mc.mse_std)) / Math.sqrt(Number(mc.runs));
    expect(Math.abs(Number(predicted.mse) - Number(mc.mse_mean))).toBeLessThan(halfWidth);
  });
});
