import { describe, expect, it } from 'vitest';
import { formatNumber, parseEngineeringNumber } from '../src/index.js';
import { xbarLexer } from '../src/lex/tokens.js';

describe('engineering numbers', () => {
  it.each([
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['2.5E-3', 2.5e-3],
    ['1T', 1e12],
    ['1g', 1e9],
    ['1MEG', 1e6],
    ['1meg', 1e6],
    ['10k', 10e3],
    ['10K', 10e3],
    ['1m', 1e-3],
    ['1M', 1e-3],
    ['1u', 1e-6],
    ['1.5u', 1.5e-6],
    ['100n', 100e-9],
    ['3p', 3e-12],
    ['7f', 7e-15],
    ['1mil', 25.4e-6],
    ['10kohm', 10e3],
    ['1uS', 1e-6],
    ['5V', 5],
    ['2megohm', 2e6],
    ['1e3k', 1e6],
  ])('%s = %d', (text, value) => {
    expect(parseEngineeringNumber(text).value).toBe(value);
  });

  it('builds values from decimal strings, so they are the nearest doubles', () => {
    expect(parseEngineeringNumber('0.1u').value).toBe(1e-7);
    expect(parseEngineeringNumber('3.3n').value).toBe(3.3e-9);
  });

  it('flags a capital M (milli in SPICE) but not MEG or MIL', () => {
    expect(parseEngineeringNumber('1M').capitalM).toBe(true);
    expect(parseEngineeringNumber('1Mohm').capitalM).toBe(true);
    expect(parseEngineeringNumber('1m').capitalM).toBe(false);
    expect(parseEngineeringNumber('1MEG').capitalM).toBe(false);
    expect(parseEngineeringNumber('1MIL').capitalM).toBe(false);
  });

  it('keeps the unit letters apart', () => {
    expect(parseEngineeringNumber('10kohm')).toMatchObject({ suffix: 'k', unit: 'ohm' });
    expect(parseEngineeringNumber('5V')).toMatchObject({ suffix: '', unit: 'V' });
  });

  it('returns NaN for what is not a number', () => {
    expect(parseEngineeringNumber('abc').value).toBeNaN();
  });

  it('prints numbers that parse back to the same value', () => {
    for (const value of [0, 1, -2.5, 1e-15, 123456789.123, 1 / 3, 1e300, -0]) {
      expect(parseEngineeringNumber(formatNumber(Math.abs(value))).value).toBe(Math.abs(value) === 0 ? 0 : Math.abs(value));
    }
  });
});

describe('lexer', () => {
  const names = (text: string) => xbarLexer.tokenize(text).tokens.map((t) => t.tokenType.name);

  it('tells comment and continuation marks from operators by their place on the line', () => {
    expect(names('* a comment\n')).toEqual(['Newline']);
    expect(names('.p {2*3}\n  + x\n')).toEqual(['Directive', 'LBrace', 'Number', 'Star', 'Number', 'RBrace', 'Newline', 'Continuation', 'Identifier', 'Newline']);
    expect(xbarLexer.tokenize('.p a ; tail\n').groups.comments.map((t) => t.image)).toEqual(['; tail']);
  });

  it('reads an unquoted .include path as one token', () => {
    expect(names('.include models/lib.inc\n.param a=1')).toEqual(['Include', 'BarePath', 'PathNewline', 'Directive', 'Identifier', 'Equals', 'Number']);
    expect(names('.INC "x y.inc"')).toEqual(['Include', 'String']);
  });

  it('keeps keywords and names case as written', () => {
    const tokens = xbarLexer.tokenize('.PARAM Gmax=1U').tokens;
    expect(tokens.map((t) => t.image)).toEqual(['.PARAM', 'Gmax', '=', '1U']);
  });

  it('reports stray characters as errors and goes on', () => {
    const result = xbarLexer.tokenize('.p a=1 # b=2');
    expect(result.errors).toHaveLength(1);
    expect(result.tokens.map((t) => t.image)).toEqual(['.p', 'a', '=', '1', 'b', '=', '2']);
  });
});
