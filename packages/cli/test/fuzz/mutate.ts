/**
 * Mutations of a valid netlist of the kind that find bounds bugs: numbers replaced by extreme values
 * (sizes, runs, sweep ends), cards duplicated or dropped, fragments inserted, names exchanged, text
 * cut. Deterministic for a given random stream.
 */
import type { Rng } from '@xbar/core';

const EXTREME_NUMBERS = ['0', '-1', '1', '2', '0.5', '-0', '3.7', '4096', '65536', '100000', '1e7', '10000000', '2147483648', '1e308', '1e-308', '1e999', '1e-12', '1MEG', '1m', '1h', '1e12'];

const FRAGMENTS = [
  '.step gon lin 1 100000 1\n',
  '.step p list 1 2 3\n',
  '.param p=1\n',
  '.include "a/a/a/../x.inc"\n',
  '.include "..x.inc"\n',
  ' mode=ir',
  ' mode=noisy',
  ' runs=10000000',
  ' trials=0',
  ' rwire=1e12',
  ' rows=65536',
  ' dac_range=fixed',
  ' states=8',
  ' time=1y',
  ' {',
  '}',
  '[',
  ']]',
  '"',
  '=',
  '\n+ ',
  ' ; c',
  '\n* c\n',
  '{p/0}',
  '{1e308*10}',
  '.end\n',
];

/** A uniform integer in [0, n). */
function below(random: Rng, n: number): number {
  return Math.floor(random.uniform() * n);
}

function pick<T>(random: Rng, items: readonly T[]): T {
  return items[below(random, items.length)];
}

type Mutation = (text: string, random: Rng) => string;

const NUMBER = /(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?[a-zA-Z]*/g;
const NAME_VALUE = /(?<==)[A-Za-z_]\w*/g;

function replaceNth(text: string, pattern: RegExp, random: Rng, replacement: (match: string, all: string[]) => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = pick(random, matches);
  const index = match.index;
  return text.slice(0, index) + replacement(match[0], matches.map((m) => m[0])) + text.slice(index + match[0].length);
}

function withLines(text: string, edit: (lines: string[]) => void): string {
  const lines = text.split('\n');
  edit(lines);
  return lines.join('\n');
}

const extremeNumber: Mutation = (text, random) => replaceNth(text, NUMBER, random, () => pick(random, EXTREME_NUMBERS));

/** The mutations, drawn uniformly; extreme numbers (what found the bounds bugs) twice as often. */
const MUTATIONS: readonly Mutation[] = [
  extremeNumber,
  extremeNumber,
  (text, random) => replaceNth(text, NAME_VALUE, random, (_, all) => pick(random, all)),
  (text, random) => withLines(text, (lines) => void lines.splice(below(random, lines.length), 1)),
  (text, random) =>
    withLines(text, (lines) => {
      const i = below(random, lines.length);
      lines.splice(i, 0, ...Array.from({ length: 1 + below(random, 40) }, () => lines[i]));
    }),
  (text, random) =>
    withLines(text, (lines) => {
      const [i, j] = [below(random, lines.length), below(random, lines.length)];
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }),
  (text, random) => {
    const at = below(random, text.length + 1);
    return text.slice(0, at) + pick(random, FRAGMENTS) + text.slice(at);
  },
  (text, random) => {
    const at = below(random, text.length + 1);
    return text.slice(0, at) + text.slice(at + 1 + below(random, 6));
  },
  (text, random) => text.slice(0, below(random, text.length + 1)),
];

/** `text` with one to three mutations drawn from `random`. */
export function mutateNetlist(text: string, random: Rng): string {
  let out = text;
  const count = 1 + below(random, 3);
  for (let k = 0; k < count; k++) out = pick(random, MUTATIONS)(out, random);
  return out;
}
