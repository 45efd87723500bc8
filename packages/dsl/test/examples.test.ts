import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LAYER_OPTIONS, MAP_OPTIONS, NETWORK_OPTIONS, SIMULATION_OPTIONS, analysisOptionSpecs, arrayOptionSpecs, formatNetlist } from '../src/index.js';
import { CARD_KEYWORDS } from '../src/semantic/cards.js';
import { check } from './helpers.js';

const quickstart = readFileSync(new URL('../../../examples/quickstart.xbar', import.meta.url), 'utf8');

// The quickstart uses the device packages (pcm), which this package's tests do not register: the CLI
// tests check and run it with the full registry (packages/cli/test/check.test.ts, examples/quickstart.test.ts).
describe('examples/quickstart.xbar', () => {
  it('is in canonical form', () => {
    expect(formatNetlist(quickstart).changed).toBe(false);
  });
});

describe('docs/language.md', () => {
  const docs = readFileSync(new URL('../../../docs/language.md', import.meta.url), 'utf8');

  it('documents every card and every option key', () => {
    for (const keyword of CARD_KEYWORDS) expect(docs, `.${keyword}`).toContain(`\`.${keyword}`);
    const specs = [
      ...arrayOptionSpecs(DEFAULT_LIMITS),
      ...LAYER_OPTIONS,
      ...NETWORK_OPTIONS,
      ...MAP_OPTIONS,
      ...SIMULATION_OPTIONS,
      ...(['mvm', 'mc', 'mse', 'accuracy', 'optimize', 'compare'] as const).flatMap((kind) => analysisOptionSpecs(kind, DEFAULT_LIMITS)),
    ];
    for (const spec of specs) expect(docs, spec.name).toMatch(new RegExp(`\`${spec.name}[\`=]`));
  });

  it('lists every diagnostic code the checker emits', () => {
    const emitted = new Set<string>();
    for (const file of ['lex', 'parse', 'semantic', 'format'].flatMap((dir) => sourceFiles(dir))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'([EW]\d{3})'/g)) emitted.add(match[1]);
    }
    emitted.add('E904');
    for (const code of emitted) expect(docs, code).toContain(`| ${code} |`);
  });

  it('checks every example block marked xbar clean', () => {
    const blocks = [...docs.matchAll(/```xbar\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(10);
    // Blocks build on one another, as a reader would put them in one file.
    const result = check(blocks.join('\n'), { 'models.inc': '.param from_include=1\n', 'data/w1.npy': 'x', 'data/mlp.onnx': 'x', 'data/cnn.onnx': 'x', 'data/x.npy': 'x', 'data/y.npy': 'x', 'data/t10k-images-idx3-ubyte.gz': 'x', 'data/t10k-labels-idx1-ubyte.gz': 'x' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  const folder = fileURLToPath(new URL(`../src/${dir}`, import.meta.url));
  return readdirSync(folder).filter((f) => f.endsWith('.ts')).map((f) => join(folder, f));
}
