import { describe, expect, it } from 'vitest';
import { check } from './helpers.js';

// The audit's multi-megabyte inline data (bounds.test.ts has the quick reproducers).
describe('inline matrices at the limit', () => {
  it('two inline .weights of 2^22 values each (16.8 MB each) check in time and memory linear in the text', () => {
    const row = Array.from({ length: 64 }, (_, i) => ['0.5', '-0.25', '1', '0'][i % 4]).join(' ');
    const weights = (name: string) => `.weights ${name} [${Array.from({ length: 2 ** 16 }, () => `[${row}]`).join('\n+ ')}]\n`;
    const result = check(weights('A') + weights('B'));
    expect(result.diagnostics).toEqual([]);
    expect(result.design.weights.get('b')!.source).toMatchObject({ kind: 'inline', rows: 2 ** 16, cols: 64 });
  });
});
