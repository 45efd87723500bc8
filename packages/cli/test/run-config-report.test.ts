import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

/** A project folder (with .git, so the config search stops there) holding a netlist with a sweep and an .mse card. */
function project(config: string): string {
  const root = mkdtempSync(join(tmpdir(), 'xbar-run-config-'));
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, 'nets'));
  writeFileSync(join(root, 'xbar.config.yaml'), config);
  writeFileSync(
    join(root, 'nets', 'sweep.xbar'),
    [
      '.title "sweep <b>study</b>"',
      '.param sig=1u',
      '.step sig list 0.5u 1u 2u',
      '.model cell gaussian (sigma_prog={sig} rel_read=0.01)',
      '.array tile rows=4 cols=4 model=cell dac_range=4',
      '.weights W1 [[0.5 -0.2 0.1] [-0.3 0.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 0.6]]',
      '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 0.1]]',
      '.mc array=tile weights=W1 inputs=X runs=5',
      '.end',
      '',
    ].join('\n'),
  );
  return root;
}

describe('xbar run with xbar.config.yaml and report.html', () => {
  it('takes format and out from the config file, writes report.html with the sweep plot', async () => {
    const root = project('defaults:\n  format: csv\n  out: results\n');
    const result = await runXbar(['run', 'nets/sweep.xbar', '--quiet'], root);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^analysis,kind,line,part,row,column,value\n1,mc,/); // csv from the config file
    const report = readFileSync(join(root, 'results', 'report.html'), 'utf8');
    expect(report).toContain('<h1>sweep &lt;b&gt;study&lt;/b&gt;</h1>');
    expect(report).toContain('<h2>Metric vs sweep parameter</h2>');
    expect(report).toContain(`${join(root, 'xbar.config.yaml')}`);
    expect(existsSync(join(root, 'results', 'results.json'))).toBe(true);
  });

  it('lets flags override the config file', async () => {
    const root = project('defaults:\n  format: csv\n  seed: 5\n');
    const result = await runXbar(['run', 'nets/sweep.xbar', '--format', 'json', '--out', 'mine'], root);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { seed: number }).seed).toBe(5);
    expect(existsSync(join(root, 'mine', 'report.html'))).toBe(true);
  });

  it('reports a bad config file as a usage error with file:line', async () => {
    const root = project('defaults:\n  threads: many\n');
    const result = await runXbar(['run', 'nets/sweep.xbar'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(root, 'xbar.config.yaml')}:2:12: defaults.threads must be an integer >= 1, got "many"`);
  });
});
