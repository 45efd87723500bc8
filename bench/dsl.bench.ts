/**
 * Netlist language speed: a generated 20k-line netlist (params, models, arrays, continuation lines,
 * inline matrices, analyses, comments) parsed and checked end to end (lexer, parser, AST, semantic
 * pass with device instances and crossbar configs). Reports the median time and lines per second.
 */
import { coreDevicesModule, loadDeviceRegistry } from '@xbar/core';
import { checkNetlistText, parseNetlist } from '@xbar/dsl';
import { type BenchSection, markdownTable, sig, timeMedianMs } from './harness.js';

const TARGET_LINES = 20_000;

/** A netlist of about `targetLines` lines exercising every common construct. */
export function generateNetlist(targetLines: number): string {
  const lines: string[] = ['* generated benchmark netlist', '.options seed=7 readtime=1', '.param gon=100u goff={gon/100}'];
  lines.push('.inputs x [[1 0.5 -0.5 0.25 1 0 -1 0.5]]');
  for (let i = 0; lines.length < targetLines; i++) {
    lines.push(`* block ${i}: a model, an array, a weight matrix and an analysis`);
    lines.push(`.param p${i}={${i === 0 ? 'gon' : `p${i - 1}`} * 1.0001 + sqrt(goff)} q${i}=${i % 10}k ; tail comment`);
    lines.push(`.model m${i} gaussian (gmin={goff} gmax={gon} levels=16`);
    lines.push(`+ sigma_prog=1u rel_read=0.01)`);
    lines.push(`.array a${i} rows=64 cols=64 model=m${i} mapping=differential`);
    lines.push(`+ dac_bits=8 adc_bits=8 vread=0.2 rwire=1.5 readtime={1 + ${i % 7}}`);
    lines.push(`.weights w${i} [[0.1 -0.2 0.3 -0.4]`);
    for (let r = 0; r < 6; r++) lines.push(`+ [${(r * 0.1).toFixed(1)} 0.5 -0.25 {${r}/8}]`);
    lines.push('+ [1 2 3 4]]');
    lines.push(`.mvm array=a${i} weights=w${i} inputs=x mode=noisy trials=10`);
  }
  return `${lines.join('\n')}\n`;
}

const section: BenchSection = {
  id: 'dsl',
  title: 'Netlist language: parse and check',
  run() {
    const text = generateNetlist(TARGET_LINES);
    const lineCount = text.split('\n').length - 1;
    const registry = loadDeviceRegistry([coreDevicesModule]);
    const check = checkNetlistText(text, { registry }, 'bench.xbar');
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`benchmark netlist has errors: ${errors[0].message} at line ${errors[0].line}`);
    const parseMs = timeMedianMs(() => parseNetlist(text, 'bench.xbar'), 2000, 5);
    const fullMs = timeMedianMs(() => checkNetlistText(text, { registry }, 'bench.xbar'), 2000, 5);
    const linesPerSecond = lineCount / (fullMs / 1000);
    const markdown = [
      `A generated netlist of ${lineCount} lines (${sig(text.length / 1024, 3)} KiB): ${check.design.models.size} models,`,
      `${check.design.arrays.size} arrays, ${check.design.weights.size} inline 8x4 weight matrices over continuation lines,`,
      `${check.design.analyses.length} analyses, params and comments. Median of at least 5 runs.`,
      '',
      markdownTable(
        ['pass', 'time (ms)', 'lines/s'],
        [
          ['lex + parse + AST', sig(parseMs), sig(lineCount / (parseMs / 1000))],
          ['full check (parse, params, models, arrays, analyses)', sig(fullMs), sig(linesPerSecond)],
        ],
      ),
    ].join('\n');
    return {
      markdown,
      results: {
        dsl_parse_ms_20k_lines: Number(sig(fullMs)),
        dsl_parse_only_ms_20k_lines: Number(sig(parseMs)),
        dsl_lines_per_second: Math.round(linesPerSecond),
      },
    };
  },
};

export default section;
