import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

const GOOD = '.model m gaussian (gmax=100u)\n.array xb rows=4 cols=4 model=m\n.weights W [[1] [2]]\n.inputs X [[1 0]]\n.mse array=xb weights=W inputs=X\n';
const BAD = '.model m gausian (gmax=100u)\n.array xb rows=4 cols=4 model=m adc_bit=8\n';

describe('xbar check', () => {
  it('exits 0 on a clean netlist', async () => {
    const cwd = folderWith({ 'ok.xbar': GOOD });
    const { code, stdout, stderr } = await runXbar(['check', 'ok.xbar'], cwd);
    expect(code).toBe(0);
    expect(stdout).toBe('ok.xbar: no errors\n');
    expect(stderr).toBe('');
  });

  it('prints every error with the source line and a caret, and exits 1', async () => {
    const cwd = folderWith({ 'bad.xbar': BAD });
    const { code, stderr } = await runXbar(['check', 'bad.xbar'], cwd);
    expect(code).toBe(1);
    expect(stderr).toContain("bad.xbar:1:10: error[E401]: unknown device type 'gausian'");
    expect(stderr).toContain(' 1 | .model m gausian (gmax=100u)\n   |          ^^^^^^^\n');
    expect(stderr).toContain("did you mean 'gaussian'?");
    expect(stderr).toContain("bad.xbar:2:33: error[E501]: unknown option 'adc_bit' for .array 'xb'");
    expect(stderr).toContain('2 errors, 0 warnings');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits 0 with warnings only', async () => {
    const cwd = folderWith({ 'w.xbar': '.param r=1M\n' });
    const { code, stderr } = await runXbar(['check', 'w.xbar'], cwd);
    expect(code).toBe(0);
    expect(stderr).toContain('warning[W202]');
  });

  it('prints JSON diagnostics for editors', async () => {
    const cwd = folderWith({ 'bad.xbar': BAD });
    const { code, stdout } = await runXbar(['check', 'bad.xbar', '--format', 'json'], cwd);
    expect(code).toBe(1);
    const diagnostics = JSON.parse(stdout) as { code: string; line: number; column: number; file: string }[];
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ['E401', 'bad.xbar', 1, 10],
      ['E501', 'bad.xbar', 2, 33],
    ]);
    const clean = await runXbar(['check', 'ok.xbar', '--format', 'json'], folderWith({ 'ok.xbar': GOOD }));
    expect(JSON.parse(clean.stdout)).toEqual([]);
  });

  it('follows includes relative to the netlist, and refuses to leave its folder', async () => {
    const cwd = folderWith({ 'lib.inc': GOOD, 'main.xbar': '.include lib.inc\n.include "../../etc/passwd"\n' });
    const { code, stderr } = await runXbar(['check', join(cwd, 'main.xbar')]);
    expect(code).toBe(1);
    expect(stderr).toContain("error[E303]: include file '../../etc/passwd' is outside the netlist's folder");
  });

  it('reports a missing file as a runtime error (exit 3) and a bad format as usage (exit 2)', async () => {
    const missing = await runXbar(['check', 'nope.xbar'], folderWith({}));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("cannot read netlist 'nope.xbar'");
    const usage = await runXbar(['check', 'x.xbar', '--format', 'xml'], folderWith({}));
    expect(usage.code).toBe(2);
  });

  it('checks the quickstart example clean', async () => {
    const { code } = await runXbar(['check', 'examples/quickstart.xbar'], new URL('../../..', import.meta.url).pathname);
    expect(code).toBe(0);
  });
});
