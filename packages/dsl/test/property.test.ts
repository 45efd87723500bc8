/**
 * Property tests: whatever the text, parsing and checking return diagnostics (never throw, never an
 * internal error, quickly), and the formatter's output parses to the same AST.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Netlist } from '../src/ast.js';
import { formatNetlist, parseNetlist } from '../src/index.js';
import { check } from './helpers.js';

/** Multiply the number of runs, e.g. XBAR_FUZZ=20 for a longer search. */
const FUZZ = Number(process.env.XBAR_FUZZ ?? 1);

const quickstart = readFileSync(new URL('../../../examples/quickstart.xbar', import.meta.url), 'utf8');

const VALID_NETLISTS = [
  quickstart,
  `.param a=1k b={2*a^-2 + sqrt(a)/3} c={-(a+b)*2}
.model r1 gaussian preset=memse (sigma_read=1u)
.array xb rows=8 cols=8 model=r1 gmax=50u adc_bits=6 rwire=2.5
.weights W [[1 -2] [3 {a/1k}]]
.inputs X [1 2]
.labels Y [0 1]
.network net
.layer l1 weights=W array=xb activation=relu
.endnetwork
.mc net=net inputs=X labels=Y metric=accuracy runs=10
.compare models=(r1, r1) net=net inputs=X
.step a dec 1 100 5
.optimize param=b from=1 to=10 scale=log metric=mse net=net inputs=X
`,
];

/** Text made of netlist-like fragments, to reach deep into the parser. */
const FRAGMENTS = [
  '.param', '.model', '.array', '.weights', '.inputs', '.labels', '.network', '.layer', '.endnetwork', '.mvm', '.mc',
  '.mse', '.accuracy', '.optimize', '.compare', '.step', '.options', '.include', '.end', '.title', ' ', ' ', ' ', '\n',
  '\n+ ', '\n* c\n', ' ; c', 'a', 'b', 'x1', 'gmax', 'rows', 'cols', 'model', '=', '1', '-2', '1.5k', '3MEG', '1M',
  '1e-3', '{', '}', '(', ')', '[', ']', ',', '+', '-', '*', '/', '^', '**', 'sqrt(', 'min(', '"f.inc"', '"', "'",
  'gaussian', 'ideal', 'rram', 'lin', 'list', 'dec', 'log', 'net=', 'array=', 'weights=', 'inputs=', 'mode=ir',
  'pi', '\t', '\r\n', '#', '\u00e9', '.inc a.inc',
];
const fragmentText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 }).map((parts) => parts.join(''));

/** A valid netlist with a few characters deleted, inserted, or lines swapped. */
const mutated = fc
  .tuple(
    fc.constantFrom(...VALID_NETLISTS),
    fc.array(
      fc.record({
        kind: fc.constantFrom('delete', 'insert', 'swap', 'duplicate'),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 6 }),
        text: fc.constantFrom(...FRAGMENTS),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, mutations]) => {
    let out = text;
    for (const m of mutations) {
      const at = m.at % (out.length + 1);
      if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
      else if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
      else {
        const lines = out.split('\n');
        const i = m.at % lines.length;
        const j = (m.at + m.length) % lines.length;
        if (m.kind === 'swap') [lines[i], lines[j]] = [lines[j], lines[i]];
        else lines.splice(i, 0, lines[i]);
        out = lines.join('\n');
      }
    }
    return out;
  });

function checkNeverThrows(text: string): void {
  const started = performance.now();
  const result = check(text, { 'f.inc': '.param f=1\n', 'a.inc': '.include "f.inc"\n' });
  expect(result.diagnostics.filter((d) => d.code === 'E999')).toEqual([]);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
  expect(performance.now() - started).toBeLessThan(2000);
}

/** The AST without spans (what must survive formatting). */
function shape(netlist: Netlist): unknown {
  return JSON.parse(
    JSON.stringify(netlist.statements, (key, value: unknown) => (key === 'span' || key === 'keySpan' || key === 'keywordSpan' || key === 'nameSpan' ? undefined : value)),
  );
}

function checkRoundTrip(text: string): void {
  const parsed = parseNetlist(text, 'x.xbar');
  const formatted = formatNetlist(text, 'x.xbar');
  if (!parsed.syntaxOk) {
    expect(formatted.text).toBeUndefined();
    return;
  }
  expect(formatted.text).toBeDefined();
  const reparsed = parseNetlist(formatted.text!, 'x.xbar');
  expect(reparsed.syntaxOk).toBe(true);
  expect(shape(reparsed.netlist)).toEqual(shape(parsed.netlist));
  expect(formatNetlist(formatted.text!, 'x.xbar').text).toBe(formatted.text);
}

describe('never anything but diagnostics', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), checkNeverThrows), { numRuns: 300 * FUZZ });
  });

  it('on arbitrary unicode', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), checkNeverThrows), { numRuns: 150 * FUZZ });
  });

  it('on netlist-like fragments', () => {
    fc.assert(fc.property(fragmentText, checkNeverThrows), { numRuns: 400 * FUZZ });
  });

  it('on mutated valid netlists', () => {
    fc.assert(fc.property(mutated, checkNeverThrows), { numRuns: 400 * FUZZ });
  });

  it('on pathological inputs, quickly', () => {
    for (const text of [
      `.param a={${'('.repeat(5000)}1${')'.repeat(5000)}}`,
      `.param a={${'-'.repeat(100_000)}1}`,
      `.param a={${Array.from({ length: 9000 }, () => '1').join('+')}}`,
      `.param a={2${'^2'.repeat(9000)}}`,
      `.weights W ${'['.repeat(100)}1${']'.repeat(100)}`,
      `.param ${Array.from({ length: 5000 }, (_, i) => `p${i}={p${i + 1}+1}`).join(' ')} p5000=1`,
      '+'.repeat(10_000),
      '*'.repeat(10_000),
      '\n'.repeat(50_000),
      `.param a=${'9'.repeat(400)}`,
    ]) {
      checkNeverThrows(text);
    }
  });
});

describe('format round trip', () => {
  it('holds for the valid netlists', () => {
    for (const text of VALID_NETLISTS) checkRoundTrip(text);
  });

  it('holds for netlist-like fragments', () => {
    fc.assert(fc.property(fragmentText, checkRoundTrip), { numRuns: 500 * FUZZ });
  });

  it('holds for mutated valid netlists', () => {
    fc.assert(fc.property(mutated, checkRoundTrip), { numRuns: 400 * FUZZ });
  });

  it('holds for random expressions', () => {
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('1', '2.5k', 'a', 'pi', '3MEG'),
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '^', '**'), tie('e')).map(([l, op, r]) => `${l}${op}${r}`),
        tie('e').map((e) => `(${e})`),
        tie('e').map((e) => `-${e}`),
        fc.tuple(fc.constantFrom('sqrt', 'max'), tie('e')).map(([f, e]) => `${f}(${e})`),
      ),
    })).e;
    fc.assert(fc.property(expr, (e) => checkRoundTrip(`.param a=1 b={${e}}\n`)), { numRuns: 500 * FUZZ });
  });
});
