import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, NodeSourceHost, formatNetlist, renderDiagnostics } from '../src/index.js';
import { check } from './helpers.js';

// Reproducers of a fuzzing and abuse audit: small, valid-looking inputs that made the checker take
// minutes or gigabytes, overflow the stack, or fail a valid netlist. Each must end within seconds with
// clean diagnostics (the multi-megabyte inputs are generated here).

/** `.weights NAME [[...] ...]` of `values` plain numbers, 64 per row, over `+` lines. */
function inlineWeights(name: string, values: number): string {
  const row = Array.from({ length: 64 }, (_, i) => ['0.5', '-0.25', '1', '0'][i % 4]).join(' ');
  return `.weights ${name} [${Array.from({ length: values / 64 }, () => `[${row}]`).join('\n+ ')}]\n`;
}

describe('sizes checked before the work', () => {
  it('nested .step cards that multiply past the limit (1e10 points) are refused, naming the cards', () => {
    const result = check('.param p=1 q=1\n.step p lin 1 100000 1\n.step q lin 1 100000 1\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E902']);
    expect(result.diagnostics[0].message).toBe('the .step cards together give 10000000000 points (p (line 2): 100000 x q (line 3): 100000), more than the limit of 100000');
    expect(result.design.sweeps).toEqual([]);
  });

  it('a large inline matrix of plain numbers reads straight into a typed array', () => {
    const result = check(inlineWeights('W', 2 ** 20));
    expect(result.diagnostics).toEqual([]);
    const source = result.design.weights.get('w')!.source;
    expect(source).toMatchObject({ kind: 'inline', rows: 2 ** 14, cols: 64 });
    if (source.kind !== 'inline') throw new Error('inline source expected');
    expect(source.data).toBeInstanceOf(Float64Array);
    expect(Array.from(source.data.subarray(0, 5))).toEqual([0.5, -0.25, 1, 0, 0.5]);
  });

  it('reads the same values as the ordinary path, and checks ragged rows and the size limit', () => {
    const fast = check(inlineWeights('W', 4096)).design.weights.get('w')!.source;
    // a name among the numbers sends the matrix down the ordinary path
    const slow = check(`.param z=0\n${inlineWeights('W', 4096).replace('[[0.5', '[[z')}`).design.weights.get('w')!.source;
    if (fast.kind !== 'inline' || slow.kind !== 'inline') throw new Error('inline sources expected');
    expect(Array.from(fast.data.subarray(1))).toEqual(Array.from(slow.data.subarray(1)));
    expect([fast.rows, fast.cols]).toEqual([slow.rows, slow.cols]);
    const ragged = check(inlineWeights('W', 4096).replace('0]\n+ [0.5', '0]\n+ [0.5 7'));
    expect(ragged.diagnostics.map((d) => [d.code, d.message])).toEqual([['E601', 'row 2 has 65 values, row 1 has 64']]);
    const limited = check(inlineWeights('W', 8192), {}, { limits: { ...DEFAULT_LIMITS, maxMatrixElements: 4096 } });
    expect(limited.diagnostics.map((d) => d.code)).toEqual(['E901']);
  });

  it('formats a large matrix line by line, and formatting it again changes nothing', () => {
    const text = inlineWeights('W', 4096).replace(/\[\[0\.5/, '[ [0.5,');
    const formatted = formatNetlist(text).text ?? '';
    expect(formatted.split('\n')[0]).toMatch(/^\.weights W \[\[0\.5 -0\.25 1 0 /);
    expect(formatNetlist(formatted).changed).toBe(false);
    const values = (t: string) => check(t).design.weights.get('w')!.source;
    expect(values(formatted)).toEqual(values(text));
  });

  it('a text with too many tokens is refused before it is parsed (700 000 parameters on one line)', () => {
    const text = `.param ${Array.from({ length: 700_000 }, () => 'a=1').join(' ')}\n`;
    const result = check(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E304']);
    expect(result.diagnostics[0].message).toMatch(/has more than 524288 tokens/);
  });
});

describe('paths', () => {
  it('a 20 kB .include path and data path give a diagnostic, not a stack overflow (E999)', () => {
    const deep = `${'a/'.repeat(10_000)}x.inc`;
    const result = check(`.include "${deep}"\n.weights W npy="${'a/'.repeat(10_000)}w.npy"\n.model m ideal (gmax=2)\n`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E305', 'E305', 'E503']);
    expect(result.diagnostics[0].message).toBe('include file path of 20005 characters, longer than the limit of 4096');
  });

  it('resolves a deep missing path on disk without a call per level', () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-deep-'));
    const host = new NodeSourceHost(folder);
    expect(host.isInside(folder, join(folder, 'a/'.repeat(2000), 'x.inc'))).toBe(true);
    expect(host.isInside(join(folder, 'a'), join(folder, 'b', 'x.inc'))).toBe(false);
  });

  it('takes a file whose name starts with two dots as inside the folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-dots-'));
    writeFileSync(join(folder, '..data.npy'), '');
    const host = new NodeSourceHost(folder);
    expect(host.isInside(folder, join(folder, '..data.npy'))).toBe(true);
    expect(host.isInside(join(folder, 'sub'), join(folder, 'x'))).toBe(false);
  });
});

describe('diagnostics', () => {
  it('show a window of a long line around the caret, not the whole line per diagnostic', () => {
    const text = `.param ${Array.from({ length: 30_000 }, () => 'a=1').join(' ')}\n`;
    const result = check(text);
    expect(result.diagnostics.filter((d) => d.code === 'W201')).toHaveLength(200);
    const rendered = renderDiagnostics(result.diagnostics, result.sources);
    expect(rendered.length).toBeLessThan(200 * 600);
    const blocks = rendered.split('\n\n');
    const [, source, caret] = blocks[100].split('\n');
    expect(source).toMatch(/^ 1 \| …a=1 a=1 .*…$/);
    expect(source.indexOf('a=1', caret.indexOf('^') - 1)).toBe(caret.indexOf('^'));
  });

  it('a valid netlist with more than 200 warnings stays valid: the rest are counted (W904), not an error', () => {
    const text = Array.from({ length: 202 }, () => '.param a=1').join('\n') + '\n';
    const result = check(text);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.at(-1)).toMatchObject({ severity: 'warning', code: 'W904', message: '1 more warning not shown' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps every error the limit allows when warnings come first', () => {
    const text = `${Array.from({ length: 250 }, () => '.param a=1').join('\n')}\n.model m nope\n`;
    const result = check(text);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.some((d) => d.code === 'E401')).toBe(true);
  });

  it('parameter cycles are found in linear time: 40 000 random references, one error per cycle', () => {
    const rng = createRng(1, 'params');
    const n = 40_000;
    const pick = () => Math.floor(rng.uniform() * n);
    const text = Array.from({ length: n }, (_, i) => `.param p${i}={p${pick()}+p${pick()}}`).join('\n') + '\n';
    const result = check(text);
    const cycles = result.diagnostics.filter((d) => d.code === 'E204');
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles.length).toBe(result.diagnostics.length);
    expect(cycles[0].message).toMatch(/^parameter 'p\d+' depends on itself: p\d+ -> .* -> p\d+; \d+ parameters depend on each other$/);
    expect(cycles[0].message.length).toBeLessThan(300);
  });

  it('reports a short cycle in full', () => {
    expect(check('.param a={b+1} b={c} c={a*2} d={a}\n').diagnostics.map((d) => d.message)).toEqual(["parameter 'a' depends on itself: a -> b -> c -> a"]);
    expect(check('.param a={a+1}\n').diagnostics.map((d) => d.message)).toEqual(["parameter 'a' depends on itself: a -> a"]);
  });
});
