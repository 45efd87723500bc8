import { describe, expect, it } from 'vitest';
import { MemorySourceHost, checkNetlistFile } from '../src/index.js';
import { testRegistry } from './helpers.js';

function checkFiles(files: Record<string, string>, top = 'proj/main.xbar', options = {}) {
  return checkNetlistFile(top, { registry: testRegistry(), host: new MemorySourceHost(files), ...options });
}

describe('.include', () => {
  it('reads files relative to the including file, in place', () => {
    const result = checkFiles({
      'proj/main.xbar': '.param a=1\n.include "lib/models.inc"\n.param c={b+1}\n',
      'proj/lib/models.inc': '.param b={a+1}\n.include params.inc\n',
      'proj/lib/params.inc': '.param d=4\n',
    });
    expect(result.ok).toBe(true);
    expect(result.design.files).toEqual(['proj/main.xbar', 'proj/lib/models.inc', 'proj/lib/params.inc']);
    expect(result.design.params.get('c')).toBe(3);
    expect(result.design.params.get('d')).toBe(4);
  });

  it('reports errors in included files with their own file and line', () => {
    const result = checkFiles({ 'proj/main.xbar': '.include "a.inc"\n', 'proj/a.inc': '* c\n\n.param x={y}\n' });
    expect(result.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['E201', 'proj/a.inc', 3, 11]]);
    expect(result.sources.get('proj/a.inc')).toContain('.param x');
  });

  it('reports cycles, including a file including itself', () => {
    expect(checkFiles({ 'proj/main.xbar': '.include "main.xbar"\n' }).diagnostics.map((d) => d.code)).toEqual(['E302']);
  });

  it('skips a file included twice, with a warning', () => {
    const result = checkFiles({ 'proj/main.xbar': '.include "a.inc"\n.include "./a.inc"\n', 'proj/a.inc': '.param a=1\n' });
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['W301', 'warning']]);
  });

  it('refuses paths outside the top folder and absolute paths unless allowed', () => {
    const files = { 'proj/main.xbar': '.include "../secret.inc"\n', 'secret.inc': '.param s=1\n' };
    expect(checkFiles(files).diagnostics.map((d) => d.code)).toEqual(['E303']);
    expect(checkFiles(files, 'proj/main.xbar', { allowOutsideRoot: true }).ok).toBe(true);
    const absolute = { 'proj/main.xbar': '.include "/secret.inc"\n', '/secret.inc': '.param s=1\n' };
    expect(checkFiles(absolute).diagnostics.map((d) => d.code)).toEqual(['E303']);
    expect(checkFiles(absolute, 'proj/main.xbar', { allowAbsolutePaths: true, allowOutsideRoot: true }).ok).toBe(true);
    // an include may go up and down again while staying inside the folder
    expect(checkFiles({ 'proj/main.xbar': '.include "lib/../a.inc"\n', 'proj/a.inc': '' }).ok).toBe(true);
  });

  it('reports missing files and caps depth, file count and total size', () => {
    expect(checkFiles({ 'proj/main.xbar': '.include "nope.inc"\n' }).diagnostics[0].code).toBe('E301');
    const chain: Record<string, string> = { 'proj/main.xbar': '.include "f0.inc"\n' };
    for (let i = 0; i < 30; i++) chain[`proj/f${i}.inc`] = `.include "f${i + 1}.inc"\n`;
    expect(checkFiles(chain).diagnostics.map((d) => d.code)).toEqual(['E304']);
    const many: Record<string, string> = { 'proj/main.xbar': Array.from({ length: 10 }, (_, i) => `.include "g${i}.inc"`).join('\n') };
    for (let i = 0; i < 10; i++) many[`proj/g${i}.inc`] = '.param z=1\n'.repeat(1);
    expect(checkFiles(many, 'proj/main.xbar', { limits: { maxFiles: 5 } }).diagnostics.some((d) => d.code === 'E304')).toBe(true);
    const big = { 'proj/main.xbar': '.include "big.inc"\n', 'proj/big.inc': '* x\n'.repeat(1000) };
    expect(checkFiles(big, 'proj/main.xbar', { limits: { maxTotalBytes: 1000 } }).diagnostics[0].code).toBe('E304');
  });

  it('reports a missing top file as a diagnostic, not an exception', () => {
    expect(checkFiles({}, 'proj/none.xbar').diagnostics.map((d) => d.code)).toEqual(['E301']);
  });

  it('ends a file at .end', () => {
    const result = checkFiles({ 'proj/main.xbar': '.include "a.inc"\n.param b=2\n', 'proj/a.inc': '.param a=1\n.end\n' });
    expect(result.ok).toBe(true);
    expect([...result.design.params.keys()].sort()).toEqual(['a', 'b']);
  });
});
