/**
 * ONNX's own backend node tests (Debian's libonnx-testdata: onnx/backend/test/data/node/<case>/
 * model.onnx and test_data_set_*\/{input,output}_N.pb) for every case whose ops the importer supports.
 * The first graph input is the network's input; the others are given as constants (initializers
 * with the case's values). A case passes when every output matches within float32 tolerance; it
 * is refused when the importer rejects it with an OnnxImportError (an attribute, opset or layout it
 * does not take); any other outcome is a bug. The passing and refused cases are listed in
 * docs/networks.md (XBAR_UPDATE_CONFORMANCE=1 rewrites the list).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, runNetwork, tensor } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { OnnxImportError, decodeOnnxModel, importOnnxModel } from '../src/index.js';
import { NODE_TESTS, dataSets, declaredTypes, loadTensor, supportedCases, withConstantInputs } from './conformance-cases.js';
const DOCS = new URL('../../../docs/networks.md', import.meta.url);
const BEGIN = '<!-- conformance:begin -->';
const END = '<!-- conformance:end -->';

/** numpy.testing.assert_allclose as ONNX's backend tests call it: rtol 1e-3, atol 1e-7 (float32 data). */
const RTOL = 1e-3;
const ATOL = 1e-7;

type Outcome = { readonly result: 'pass' } | { readonly result: 'refused'; readonly reason: string } | { readonly result: 'fail'; readonly reason: string };

function runCase(folder: string): Outcome {
  const model = decodeOnnxModel(readFileSync(join(folder, 'model.onnx')));
  const types = declaredTypes(model);
  for (const { inputs, outputs } of dataSets(folder)) {
    let expected: ReturnType<typeof loadTensor>[];
    let actual: Tensor[];
    try {
      expected = outputs.map((path, k) => loadTensor(path, types.outputs[k]));
      const imported = importOnnxModel(withConstantInputs(model, inputs));
      const input = loadTensor(inputs[0], types.inputs[0]);
      actual = runNetwork(imported.network, tensor(input.dims, input.values));
    } catch (error) {
      if (error instanceof OnnxImportError) return { result: 'refused', reason: error.message };
      return { result: 'fail', reason: `threw ${error instanceof Error ? error.message : String(error)}` };
    }
    if (actual.length !== expected.length) return { result: 'fail', reason: `${actual.length} outputs, expected ${expected.length}` };
    for (const [k, want] of expected.entries()) {
      const got = actual[k];
      if (got.shape.join('x') !== want.dims.join('x')) return { result: 'fail', reason: `output ${k}: shape ${got.shape.join('x')}, expected ${want.dims.join('x')}` };
      for (let i = 0; i < want.values.length; i++) {
        // NaN matches NaN (assert_allclose's equal_nan), an infinity the same infinity
        const same = Number.isNaN(want.values[i]) ? Number.isNaN(got.data[i]) : got.data[i] === want.values[i] || Math.abs(got.data[i] - want.values[i]) <= ATOL + RTOL * Math.abs(want.values[i]);
        if (!same) {
          return { result: 'fail', reason: `output ${k} element ${i}: ${got.data[i]}, expected ${want.values[i]}` };
        }
      }
    }
  }
  return { result: 'pass' };
}

function documentedList(): string {
  const text = readFileSync(DOCS, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  return begin < 0 || end < begin ? '' : text.slice(begin + BEGIN.length, end).trim();
}

function listing(outcomes: ReadonlyMap<string, Outcome>): string {
  const passed = [...outcomes].filter(([, o]) => o.result === 'pass').map(([name]) => name);
  const refused = [...outcomes].filter(([, o]) => o.result === 'refused');
  return [
    `${passed.length} cases pass:`,
    '',
    passed.map((name) => `\`${name.replace(/^test_/, '')}\``).join(', '),
    '',
    `${refused.length} cases are refused at import, with these messages:`,
    '',
    ...refused.map(([name, o]) => `- \`${name.replace(/^test_/, '')}\`: ${o.result === 'refused' ? o.reason.replace(/\s+/g, ' ').slice(0, 160) : ''}`),
  ].join('\n');
}

describe('ONNX backend node tests of the supported ops (libonnx-testdata)', () => {
  if (!existsSync(NODE_TESTS)) {
    it('need the Debian package libonnx-testdata', () => expect.fail(`${NODE_TESTS} is missing: apt-get install libonnx-testdata (.ci/run does)`));
    return;
  }
  const outcomes = new Map(supportedCases().map((name) => [name, runCase(join(NODE_TESTS, name))]));

  it('give no wrong number: every case passes or is refused with an import error', () => {
    const failed = [...outcomes].filter(([, o]) => o.result === 'fail').map(([name, o]) => `${name}: ${o.result === 'fail' ? o.reason : ''}`);
    expect(failed).toEqual([]);
    expect([...outcomes.values()].filter((o) => o.result === 'pass').length).toBeGreaterThan(50);
  });

  it('are listed in docs/networks.md as they are', () => {
    const list = listing(outcomes);
    if (process.env.XBAR_UPDATE_CONFORMANCE) {
      const text = readFileSync(DOCS, 'utf8');
      writeFileSync(DOCS, `${text.slice(0, text.indexOf(BEGIN) + BEGIN.length)}\n${list}\n${text.slice(text.indexOf(END))}`);
    }
    expect(documentedList(), 'rerun with XBAR_UPDATE_CONFORMANCE=1 to rewrite the list in docs/networks.md').toBe(list);
  });
});
