import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy } from '@xbar/core';
import { describe, expect, it } from 'vitest';
import { mseBreakdownChart } from '../src/report/charts.js';
import { runXbar } from './helpers.js';

// Settings a netlist asks for that a run used to leave out (or crash on) without a word: each test
// failed before its fix.

const folder = mkdtempSync(join(tmpdir(), 'xbar-settings-'));
const models = join(import.meta.dirname, '..', '..', '..', 'examples', 'models');

function netlist(name: string, lines: readonly string[]): string {
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface JsonTable {
  readonly kind: string;
  readonly title: string;
  readonly columns: string[];
  readonly rows: Record<string, string | number>[];
  readonly dac?: Record<string, string | number>[];
  readonly warnings: string[];
}

async function runJson(path: string): Promise<{ tables: JsonTable[]; stderr: string }> {
  const result = await runXbar(['run', path, '--format', 'json']);
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  return { tables: (JSON.parse(result.stdout) as { analyses: JsonTable[] }).analyses, stderr: result.stderr };
}

/** An MLP whose hidden activations reach 2.3: a DAC clipping at +-1 distorts its second layer. */
const MLP = (arrayOptions: string) => [
  '.model exact ideal (gmin=0)',
  '.model cell gaussian (gmin=0 sigma_prog=1u rel_read=0.01)',
  `.array tile rows=8 cols=8 model=exact ${arrayOptions}`,
  `.array noisy rows=8 cols=8 model=cell ${arrayOptions}`,
  '.weights W1 [[1.5 -0.2 0.1] [-0.3 1.8 0.0] [0.2 0.1 -0.7] [0.0 -0.4 1.6]]',
  '.weights W2 [[1 0] [0 1] [1 1]]',
  '.inputs X [[1 0.5 -0.5 0.25] [0 1 1 -1] [0.3 -0.2 0.9 1]]',
  '.labels Y [0 1 0]',
  '.network mlp',
  '.layer hidden weights=W1 array=tile activation=relu',
  '.layer out weights=W2 array=tile',
  '.endnetwork',
  '.network noisymlp',
  '.layer hidden weights=W1 array=noisy activation=relu',
  '.layer out weights=W2 array=noisy',
  '.endnetwork',
];

describe('the DAC range', () => {
  it('is calibrated by default: an ideal array reproduces the float network; dac_range=fixed clips at 1 and says so', async () => {
    const ideal = (await runJson(netlist('ideal.xbar', [...MLP(''), '.mvm net=mlp inputs=X mode=ideal', '.mvm net=mlp inputs=X mode=noisy']))).tables;
    const [exact, calibrated] = ideal;
    calibrated.rows.forEach((row, v) => ['y0', 'y1'].forEach((y) => expect(Number(row[y])).toBeCloseTo(Number(exact.rows[v][y]), 12)));
    expect(calibrated.dac!.map((row) => [row.layer, row.dac_range, row.dac_clipped_pct])).toEqual([
      ['hidden', 'calibrated', 0],
      ['out', 'calibrated', 0],
    ]);
    expect(calibrated.dac![1].dac_input_range).toBeCloseTo(2.3, 12);
    expect(calibrated.warnings).toEqual([]);

    const { tables, stderr } = await runJson(netlist('fixed.xbar', [...MLP('dac_range=fixed'), '.mvm net=mlp inputs=X mode=ideal', '.mvm net=mlp inputs=X mode=noisy']));
    const fixed = tables[1];
    expect(Number(fixed.rows[0].y0)).not.toBeCloseTo(Number(tables[0].rows[0].y0), 3);
    expect(fixed.dac!.map((row) => [row.layer, row.dac_range, row.dac_input_range])).toEqual([
      ['hidden', 'fixed', 1],
      ['out', 'fixed', 1],
    ]);
    expect(Number(fixed.dac![1].dac_clipped_pct)).toBeCloseTo((100 * 2) / 9, 9);
    expect(fixed.warnings.join('\n')).toMatch(/layer 'out': 22.2 % of its DAC inputs are clipped at ±1.000 \(dac_range=1; largest input 2.300\): set dac_range=calibrated/);
    expect(stderr).toMatch(/warning: \.mvm \(line \d+\): layer 'out': 22.2 %/);
  });

  it('xbar infer --netlist: the digits CNN on ideal hardware agrees with the float network on every sample (was 70 % with the fixed range)', async () => {
    const model = join(models, 'digits-cnn', 'model.onnx');
    const input = join(models, 'digits-cnn', 'inputs.npy');
    const float = join(folder, 'cnn-float.npy');
    expect((await runXbar(['infer', '--model', model, '--input', input, '--output', float])).code).toBe(0);
    const argmaxAgreement = async (options: string) => {
      const output = join(folder, `cnn-${options.length}.npy`);
      const hardware = netlist(`cnn-${options.length}.xbar`, ['.model m ideal', `.array default rows=256 cols=256 model=m ${options}`]);
      const result = await runXbar(['infer', '--model', model, '--input', input, '--output', output, '--netlist', hardware]);
      expect(result.code).toBe(0);
      const a = decodeNpy(readFileSync(output));
      const b = decodeNpy(readFileSync(float));
      const classes = a.shape[1];
      let agree = 0;
      for (let s = 0; s < a.shape[0]; s++) {
        const row = (t: Float64Array) => Array.from(t.subarray(s * classes, (s + 1) * classes));
        const argmax = (values: number[]) => values.indexOf(Math.max(...values));
        if (argmax(row(a.data)) === argmax(row(b.data))) agree++;
      }
      return { agreement: agree / a.shape[0], stderr: result.stderr };
    };
    expect((await argmaxAgreement('')).agreement).toBe(1);
    const fixed = await argmaxAgreement('dac_range=fixed');
    expect(fixed.agreement).toBeLessThan(0.8);
    expect(fixed.stderr).toMatch(/warning: layer '\/conv2\/Conv': [\d.]+ % of its DAC inputs are clipped/);
  });
});

describe('wire resistance', () => {
  const wired = (rwire: string) => MLP(rwire);

  it('.mse models the wires of dense layers (was: the same MSE for rwire=1 and none, with a warning)', async () => {
    const withWires = (await runJson(netlist('mse-wires.xbar', [...wired('rwire=1'), '.mse net=noisymlp inputs=X alone=no']))).tables[0];
    expect(withWires.warnings.join('\n')).not.toMatch(/IR drop/);
    const plain = (await runJson(netlist('mse-nowires.xbar', [...wired(''), '.mse net=noisymlp inputs=X alone=no']))).tables[0];
    expect(plain.warnings).toEqual([]);
    const output = (table: typeof plain) => Number(table.rows.at(-1)!.mse);
    expect(output(withWires)).not.toBe(output(plain));
  });

  it('mode=noisy on wired arrays says that it leaves the wires out', async () => {
    const { tables } = await runJson(netlist('mc-wires.xbar', [...wired('rwire=1'), '.mc net=noisymlp inputs=X runs=3']));
    expect(tables[0].warnings.join('\n')).toMatch(/have wire resistance, which mode=noisy leaves out/);
  });

  it('xbar infer --netlist solves the wires (was: rwire=1 and no wires gave the same outputs)', async () => {
    const model = join(models, 'mnist-mlp-pca', 'model.onnx');
    const input = join(models, 'mnist-mlp-pca', 'inputs.npy');
    const run = async (options: string) => {
      const output = join(folder, `mlp-${options.length}.npy`);
      const hardware = netlist(`mlp-${options.length}.xbar`, ['.model m ideal', `.array default rows=64 cols=64 model=m ${options}`]);
      expect((await runXbar(['infer', '--model', model, '--input', input, '--output', output, '--netlist', hardware])).code).toBe(0);
      return decodeNpy(readFileSync(output)).data;
    };
    const ideal = await run('');
    const withWires = await run('rwire=1');
    let largest = 0;
    for (let i = 0; i < ideal.length; i++) largest = Math.max(largest, Math.abs(ideal[i] - withWires[i]));
    expect(largest).toBeGreaterThan(1e-3);
  });
});

describe('cards that crashed or ignored their keys', () => {
  it('.accuracy, .compare and .mc run with runs=1 (was "parts must be an integer >= 1, got 0")', async () => {
    const { tables } = await runJson(
      netlist('runs1.xbar', [
        ...MLP(''),
        '.accuracy net=noisymlp inputs=X labels=Y',
        '.compare models=(cell exact) net=noisymlp inputs=X',
        '.mc net=noisymlp inputs=X runs=1',
      ]),
    );
    expect(tables.map((table) => table.rows[0].runs)).toEqual([1, 1, 1]);
  });

  it('.mse time= sets the read time (was refused after the sweep ran)', async () => {
    const drifting = (readtime: string) => [
      '.model p pcm',
      `.array a rows=8 cols=8 model=p ${readtime}`,
      '.weights W [[0.5 -0.2] [0.3 0.8] [-0.2 0.1] [0.4 -0.6]]',
      '.inputs X [[1 0.5 0.5 0.25] [0.2 1 -1 1]]',
    ];
    const timed = (await runJson(netlist('mse-time.xbar', [...drifting(''), '.mse array=a weights=W inputs=X time=1day']))).tables[0];
    const written = (await runJson(netlist('mse-readtime.xbar', [...drifting('readtime=86400'), '.mse array=a weights=W inputs=X']))).tables[0];
    const early = (await runJson(netlist('mse-early.xbar', [...drifting(''), '.mse array=a weights=W inputs=X']))).tables[0];
    expect(timed.rows).toEqual(written.rows);
    expect(Number(timed.rows[0].mse)).toBeGreaterThan(Number(early.rows[0].mse));
  });

  it('.compare and .optimize run in their mode= (both were always noisy)', async () => {
    const { tables } = await runJson(
      netlist('modes.xbar', [
        ...MLP(''),
        '.param unused=1',
        '.compare models=(cell) net=noisymlp inputs=X runs=2 mode=ideal',
        '.optimize param=unused from=1 to=2 points=2 metric=mse net=noisymlp inputs=X mode=ideal',
        '.compare models=(cell) net=noisymlp inputs=X runs=2',
      ]),
    );
    expect(tables[0].rows[0]).toMatchObject({ runs: 0, mse_mean: 0 });
    expect(tables[1].rows.map((row) => row.mse_mean)).toEqual([0, 0]);
    expect(Number(tables[2].rows[0].mse_mean)).toBeGreaterThan(0);
  });

  it('.compare warns that array gmin/gmax overrides do not apply to the compared models', async () => {
    const result = await runXbar(['run', netlist('compare-gmax.xbar', [...MLP('gmax=50u'), '.compare models=(cell exact) net=noisymlp inputs=X runs=2'])]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning\[W501\]: gmax on array 'noisy' applies to its own model only/);
  });

  it('.mse on bit-serial inputs predicts with a warning naming what it leaves out (was exit 3)', async () => {
    const { tables } = await runJson(netlist('mse-bitserial.xbar', [...MLP('dac_bits=6 bitserial=1'), '.mse net=noisymlp inputs=X']));
    expect(Number(tables[0].rows[0].mse)).toBeGreaterThan(0);
    expect(tables[0].warnings.join('\n')).toMatch(/bit-serial inputs of layers 'hidden', 'out' are modelled by the analytical MSE as one read of the quantized input/);
  });
});

describe('error sources that are absent', () => {
  it('are exact zeros in .mse (quantization on a continuous device was ~1e-32)', async () => {
    const { tables } = await runJson(netlist('mse-zero.xbar', [...MLP(''), '.mse net=noisymlp inputs=X', '.mse net=mlp inputs=X']));
    for (const row of tables[0].rows) {
      expect(row.mse_quantization).toBe(0);
      expect(row.mse_adc).toBe(0);
      expect(row.mse_input_noise).toBe(0);
      expect(Number(row.mse_programming)).toBeGreaterThan(0);
    }
    // ideal devices, ideal DAC and ADC: every source is exactly 0
    for (const row of tables[1].rows) for (const column of tables[1].columns.slice(1)) expect(row[column]).toBe(0);
  });

  it('cannot squash the report chart: values far below the largest are left out with a note', () => {
    const chart = mseBreakdownChart({
      title: 't',
      layers: ['a', 'b'],
      sources: [
        { name: 'quantization', mse: [1e-32, 0] },
        { name: 'programming', mse: [1e-3, 2e-3] },
      ],
    });
    const y = (chart.config.options as { scales: { y: { min: number } } }).scales.y;
    expect(y.min).toBeCloseTo(1e-11, 20);
    expect(chart.config.data.datasets[0].data).toEqual([null, null]);
    expect(chart.note).toMatch(/zero MSE have no bar.*Values below 1e-11/);
  });
});

describe('names in the output', () => {
  it('are echoed as written (titles and layer names were lower-cased)', async () => {
    const { tables } = await runJson(
      netlist('Case.xbar', ['.model Exact ideal', '.array Tile rows=4 cols=4 model=Exact', '.weights Wout [[0.5 -0.2] [0.3 0.8]]', '.inputs Xin [[1 0.5]]', '.mse array=Tile weights=Wout inputs=Xin']),
    );
    expect(tables[0].title).toMatch(/^\.mse array=Tile weights=Wout inputs=Xin \(.*Case\.xbar:5\)$/);
    expect(tables[0].rows.map((row) => row.node)).toEqual(['Wout', 'output (Wout)']);
    expect(tables[0].dac![0].layer).toBe('Wout');
  });
});

describe('hints', () => {
  it('a value out of range without its suffix: gmax=100 hints 100u', async () => {
    const result = await runXbar(['check', netlist('gmax100.xbar', ['.model m ideal (gmax=100)'])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gmax=100 S is outside the allowed range \[1e-12, 1\] S/);
    expect(result.stderr).toMatch(/hint: did you mean 100u\?/);
  });

  it('.optimize says when its best value is at the edge of the interval', async () => {
    const { tables } = await runJson(
      netlist('edge.xbar', [
        '.param sp=1u',
        '.model cell gaussian (gmin=0 sigma_prog={sp})',
        '.array a rows=4 cols=4 model=cell',
        '.weights W [[0.5 -0.2] [0.3 0.8]]',
        '.inputs X [[1 0.5] [0.2 -1]]',
        '.optimize param=sp from=0.1u to=5u points=4 metric=mse array=a weights=W inputs=X runs=2',
      ]),
    );
    expect(tables[0].rows[0].best).toBe('best');
    expect(tables[0].warnings.join('\n')).toMatch(/the best sp=1\.00000e-7 is at the lower end of the search interval \[1e-7, 0\.000005\]: the optimum may lie beyond it; widen from=/);
  });

  it('a netlist without analysis cards says there is nothing to run', async () => {
    const file = netlist('library.xbar', ['.model m ideal', '.array a rows=4 cols=4 model=m']);
    const run = await runXbar(['run', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: .*library\.xbar: no analysis card .*: xbar run has nothing to run/);
    expect((await runXbar(['check', file])).stderr).toMatch(/library\.xbar: no analysis card/);
  });
});

describe('mode=ir on cells that read below 0 S', () => {
  // gmin=1u with 1.41 uS of noise: a quarter of the reads of cells at gmin are negative, which the
  // circuit solve takes as 0 S (mode=ir at 1e-6 ohm read 0.0157 against mode=noisy's 0.0191, silently)
  const lines = (gmin: string) => [
    `.model cell gaussian (gmin=${gmin} gmax=100u sigma_prog=1u sigma_read=1u)`,
    '.array wired rows=16 cols=16 model=cell rwire=1e-6',
    '.weights W [[0.5 -0.2 0.1] [0.1 0.8 -0.4] [0 0.3 0.2]]',
    '.inputs X [[1 0.5 0.2] [0 1 0.4]]',
    '.mc array=wired weights=W inputs=X mode=ir runs=2',
  ];

  it('warns with the share of cells the solve sets to 0 S', async () => {
    const { tables, stderr } = await runJson(netlist('negative-reads.xbar', lines('1u')));
    const warning = tables[0].warnings.find((text) => text.includes('below 0 S'));
    expect(warning).toMatch(/^mode=ir: (\d+(\.\d+)?) % of the cells of layer 'W' read below 0 S \(the device model allows it\) and the circuit solve takes them as 0 S/);
    // 2 x 3 x 3 cells, most at gmin (1 - Phi(1/sqrt 2) = 24 % negative), the others near gmax
    const share = Number(/: ([\d.]+) %/.exec(warning!)![1]);
    expect(share).toBeGreaterThan(5);
    expect(share).toBeLessThan(60);
    expect(stderr).toContain('below 0 S');
  });

  it('says nothing when no read goes below 0 S', async () => {
    const { tables } = await runJson(netlist('positive-reads.xbar', lines('20u')));
    expect(tables[0].warnings.filter((text) => text.includes('below 0 S'))).toEqual([]);
  });
});
