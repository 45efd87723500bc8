import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

const MESSY = '.MODEL  m gaussian ( gmax = 100u )\n.param a={ (1+2)*3 } ; three\n';
const CANONICAL = '.model m gaussian (gmax=100u)\n.param a={(1 + 2) * 3} ; three\n';

function folderWith(name: string, text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'xbar-fmt-'));
  writeFileSync(join(folder, name), text);
  return folder;
}

describe('xbar fmt', () => {
  it('prints the canonical form', async () => {
    const { code, stdout } = await runXbar(['fmt', 'n.xbar'], folderWith('n.xbar', MESSY));
    expect(code).toBe(0);
    expect(stdout).toBe(CANONICAL);
  });

  it('rewrites the file with --write', async () => {
    const cwd = folderWith('n.xbar', MESSY);
    const { code, stdout } = await runXbar(['fmt', 'n.xbar', '--write'], cwd);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(join(cwd, 'n.xbar'), 'utf8')).toBe(CANONICAL);
  });

  it('exits 1 with --check when the file is not canonical, 0 when it is', async () => {
    const messy = await runXbar(['fmt', 'n.xbar', '--check'], folderWith('n.xbar', MESSY));
    expect(messy.code).toBe(1);
    expect(messy.stderr).toContain('not in canonical form');
    const clean = await runXbar(['fmt', 'n.xbar', '--check'], folderWith('n.xbar', CANONICAL));
    expect(clean.code).toBe(0);
  });

  it('does not touch a file with syntax errors', async () => {
    const cwd = folderWith('n.xbar', '.param a={1+\n');
    const { code, stderr } = await runXbar(['fmt', 'n.xbar', '--write'], cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('error[E103]');
    expect(readFileSync(join(cwd, 'n.xbar'), 'utf8')).toBe('.param a={1+\n');
  });

  it('reports a missing file (exit 3) and conflicting flags (exit 2)', async () => {
    expect((await runXbar(['fmt', 'none.xbar'], folderWith('n.xbar', ''))).code).toBe(3);
    expect((await runXbar(['fmt', 'n.xbar', '--write', '--check'], folderWith('n.xbar', ''))).code).toBe(2);
  });
});
