import { describe, expect, it } from 'vitest';
import { check, codes } from './helpers.js';

function param(expression: string, extra = ''): number | undefined {
  const result = check(`${extra}.param v={${expression}}\n`);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.design.params.get('v');
}

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 3', 8],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['10 - 4 - 3', 3],
    ['16 / 4 / 2', 2],
    ['--3', 3],
    ['1k * 1m', 1],
    ['2MEG / 1meg', 2],
    ['sqrt(16)', 4],
    ['log(exp(2))', 2],
    ['log10(1k)', 3],
    ['abs(-3)', 3],
    ['min(3, 1, 2)', 1],
    ['max(3, 1, 2)', 3],
    ['pow(2, 10)', 1024],
    ['floor(2.7) + ceil(2.2)', 5],
    ['pi', Math.PI],
    ['SQRT(4)', 2],
  ])('%s = %d', (expression, value) => {
    expect(param(expression)).toBeCloseTo(value, 12);
  });

  it('resolves parameters in any order and case-insensitively', () => {
    const result = check('.param c={A + b}\n.param a=1 B={a*2}\n');
    expect(result.ok).toBe(true);
    expect(result.design.params.get('c')).toBe(3);
  });

  it('lets a parameter shadow the constant pi', () => {
    expect(param('pi', '.param pi=3\n')).toBe(3);
  });

  it('evaluates long chains of parameters without overflowing the stack', () => {
    const defs = Array.from({ length: 20_000 }, (_, i) => `.param p${i}={p${i + 1} + 1}`).join('\n');
    const result = check(`${defs}\n.param p20000=0\n`);
    expect(result.ok).toBe(true);
    expect(result.design.params.get('p0')).toBe(20_000);
  });

  it('reports unknown names, functions, arity, cycles and non-finite results', () => {
    expect(codes('.param a={nope}\n')).toEqual(['E201']);
    expect(codes('.param a={nope(1)}\n')).toEqual(['E202']);
    expect(codes('.param a={sqrt(1, 2)}\n')).toEqual(['E203']);
    expect(codes('.param a={b} b={c} c={a}\n')).toEqual(['E204']);
    expect(codes('.param a={1/0}\n')).toEqual(['E205']);
    expect(codes('.param a={sqrt(-1)}\n')).toEqual(['E205']);
    expect(codes('.param a={1e308*10}\n')).toEqual(['E205']);
  });

  it('does not report the same failure again through the parameters that use it', () => {
    expect(codes('.param a={nope} b={a*2} c={b+1}\n')).toEqual(['E201']);
  });

  it('never evaluates code: names are only parameters and the listed functions', () => {
    expect(codes('.param a={constructor(1)}\n')).toEqual(['E202']);
    expect(codes('.param a={__proto__}\n')).toEqual(['E201']);
    expect(codes('.param a={toString}\n')).toEqual(['E201']);
  });
});
