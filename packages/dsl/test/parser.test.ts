import { describe, expect, it } from 'vitest';
import type { Card, Expr } from '../src/ast.js';
import { parseNetlist } from '../src/index.js';

function cards(text: string): Card[] {
  const result = parseNetlist(text, 'p.xbar');
  expect(result.diagnostics).toEqual([]);
  return result.netlist.statements.filter((s): s is Card => s.kind === 'card');
}

function strip(expr: Expr): unknown {
  switch (expr.kind) {
    case 'num':
      return expr.value;
    case 'ref':
      return expr.name;
    case 'call':
      return [expr.name, ...expr.args.map(strip)];
    case 'unary':
      return [expr.op, strip(expr.operand)];
    case 'binary':
      return [strip(expr.left), expr.op, strip(expr.right)];
  }
}

describe('parser', () => {
  it('reads keywords case-insensitively, with aliases, and items as key=value or positional', () => {
    const [model] = cards('.MODEL R1 Gaussian (GMAX=100u levels=16)\n');
    expect(model.keyword).toBe('model');
    expect(model.items.map((i) => i.key ?? i.value.kind)).toEqual(['word', 'word', 'list']);
    const list = model.items[2].value;
    expect(list.kind === 'list' && list.items.map((i) => [i.key, i.value.kind === 'number' && i.value.value])).toEqual([
      ['GMAX', 100e-6],
      ['levels', 16],
    ]);
    expect(cards('.tile t rows=1\n.inc "a.inc"\n').map((c) => c.keyword)).toEqual(['array', 'include']);
  });

  it('joins + continuation lines, keeping the line of every item', () => {
    const [card] = cards('.param a=1\n* between\n\n+ b=2 ; tail\n  + c=3\n');
    expect(card.items.map((i) => [i.key, i.span.line, i.span.column])).toEqual([
      ['a', 1, 8],
      ['b', 4, 3],
      ['c', 5, 5],
    ]);
    expect(card.comments.map((c) => c.text)).toEqual(['* between', '; tail']);
  });

  it('keeps comments outside cards as statements', () => {
    const result = parseNetlist('* head\n.param a=1\n; alone\n', 'p.xbar');
    expect(result.netlist.statements.map((s) => s.kind)).toEqual(['comment', 'card', 'comment']);
  });

  it('parses expressions with precedence and right-associative powers', () => {
    const expr = (text: string) => {
      const value = cards(`.param x={${text}}\n`)[0].items[0].value;
      return value.kind === 'expr' ? strip(value.expr) : undefined;
    };
    expect(expr('1+2*3')).toEqual([1, '+', [2, '*', 3]]);
    expect(expr('2^3^2')).toEqual([2, '^', [3, '^', 2]]);
    expect(expr('-a^2')).toEqual(['-', ['a', '^', 2]]);
    expect(expr('2**-x')).toEqual([2, '^', ['-', 'x']]);
    expect(expr('max(a, b*2, 3)')).toEqual(['max', 'a', ['b', '*', 2], 3]);
    expect(expr('(1-2)-3')).toEqual([[1, '-', 2], '-', 3]);
  });

  it('parses matrices with signed numbers, names and expressions', () => {
    const value = cards('.weights W [[1 -2, +3] [a {b*2} 1k]]\n')[0].items[1].value;
    expect(value.kind).toBe('matrix');
    if (value.kind !== 'matrix') return;
    expect(value.elements).toHaveLength(2);
    const first = value.elements[0];
    expect(first.kind === 'matrix' && first.elements.map((e) => (e.kind === 'number' ? e.value : e.kind))).toEqual([1, -2, 3]);
  });

  it('reports one error per broken card and goes on with the next cards', () => {
    const result = parseNetlist('.param a={1+}\n.param ok=1\n.model (\n.param b=2 c\n.x = 1\n', 'p.xbar');
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['E103', 1],
      ['E103', 3],
      ['E103', 5],
    ]);
    expect(result.netlist.statements.map((s) => s.kind)).toEqual(['invalid', 'card', 'invalid', 'card', 'invalid']);
    expect(result.syntaxOk).toBe(false);
  });

  it('points at the end of the line when a token is missing there', () => {
    const result = parseNetlist('.model m x (a=1\n', 'p.xbar');
    expect(result.diagnostics[0]).toMatchObject({ code: 'E103', line: 1, column: 16, message: "expected ')' but found end of line" });
  });

  it('refuses too deep nesting and too long expressions before parsing', () => {
    expect(parseNetlist(`.param a={${'('.repeat(100)}1${')'.repeat(100)}}`, 'p').diagnostics[0].code).toBe('E903');
    expect(parseNetlist(`.param a={${'1+'.repeat(6000)}1}`, 'p').diagnostics[0].code).toBe('E903');
  });

  it('handles CRLF and CR line ends', () => {
    expect(cards('.param a=1\r\n+ b=2\r\n.param c=3\r').map((c) => c.items.length)).toEqual([2, 1]);
  });
});
