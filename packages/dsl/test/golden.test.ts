/**
 * Golden diagnostics: the rendered output for typical mistakes must match golden/diagnostics.golden
 * exactly. After an intended change of wording, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_CASES } from './golden-cases.js';
import { rendered } from './helpers.js';

const goldenPath = new URL('./golden/diagnostics.golden', import.meta.url);
const separator = (name: string) => `===== ${name} =====`;

function renderAll(): Map<string, string> {
  return new Map(GOLDEN_CASES.map((c) => [c.name, rendered(c.text, c.files)]));
}

function parseGolden(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^===== (.*) =====\n/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i], parts[i + 1].replace(/\n$/, ''));
  return out;
}

if (process.env.UPDATE_GOLDEN) {
  const all = renderAll();
  writeFileSync(goldenPath, [...all].map(([name, text]) => `${separator(name)}\n${text}\n`).join(''));
}

describe('golden diagnostics', () => {
  const golden = existsSync(goldenPath) ? parseGolden(readFileSync(goldenPath, 'utf8')) : new Map<string, string>();

  it('has at least 30 cases, every one of them with a golden output', () => {
    expect(GOLDEN_CASES.length).toBeGreaterThanOrEqual(30);
    for (const c of GOLDEN_CASES) expect(golden.has(c.name), c.name).toBe(true);
  });

  for (const c of GOLDEN_CASES) {
    it(c.name, () => {
      const output = rendered(c.text, c.files);
      expect(output).not.toBe('');
      expect(output).toBe(golden.get(c.name));
    });
  }
});
