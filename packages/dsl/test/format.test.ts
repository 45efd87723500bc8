import { describe, expect, it } from 'vitest';
import { formatNetlist } from '../src/index.js';

const format = (text: string) => formatNetlist(text, 'f.xbar').text;

describe('formatter', () => {
  it('lower-cases keywords, resolves aliases, normalizes spacing, keeps names and numbers as written', () => {
    expect(format('.MODEL   R1  Gaussian ( GMAX = 100u ,levels=16 )\n')).toBe('.model R1 Gaussian (GMAX=100u levels=16)\n');
    expect(format('.TILE t rows = 64\n.INC models.inc\n')).toBe('.array t rows=64\n.include "models.inc"\n');
  });

  it('prints expressions with minimal parentheses', () => {
    expect(format('.param a={ ( 1+2 )*3 } b={1+(2*3)} c={(a^b)^c} d={a^(b^c)} e={-(a+b)} f={a-(b-c)}\n')).toBe(
      '.param a={(1 + 2) * 3} b={1 + 2 * 3} c={(a^b)^c} d={a^b^c} e={-(a + b)} f={a - (b - c)}\n',
    );
    expect(format('.param a={2**-x} b={(-2)^2} c={SQRT( 2 , 3 )}\n')).toBe('.param a={2^-x} b={(-2)^2} c={SQRT(2, 3)}\n');
  });

  it('keeps line breaks, comments and single blank lines', () => {
    const input = '* head\n\n\n.weights W [[1   2]   ; first row\n   +  [3 4]]\n* tail\n';
    expect(format(input)).toBe('* head\n\n.weights W [[1 2] ; first row\n+ [3 4]]\n* tail\n');
  });

  it('keeps comments between continuation lines inside the card', () => {
    const input = '.param a=1\n* between\n+ b=2\n';
    expect(format(input)).toBe(input);
  });

  it('is idempotent and reports a changed file', () => {
    const once = format('.param  a=1\n')!;
    expect(formatNetlist(once).changed).toBe(false);
    expect(formatNetlist('.param  a=1\n').changed).toBe(true);
  });

  it('does not format files with syntax errors', () => {
    const result = formatNetlist('.param a={1+\n');
    expect(result.text).toBeUndefined();
    expect(result.diagnostics[0].code).toBe('E103');
  });

  it('quotes strings with the quote they do not contain', () => {
    expect(format(".title 'say \"hi\"' \"it's\"\n")).toBe('.title \'say "hi"\' "it\'s"\n');
  });
});
