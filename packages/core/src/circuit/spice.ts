import { lineModes } from './layout.js';
import { type CrossbarNetwork, CircuitInputError, validateNetwork } from './network.js';

/**
 * An ngspice netlist (`.cir`) of one crossbar with one input vector, for checking xbar's numbers with
 * any SPICE. Node names: driver `in<i>`, row wire `r<i>_<j>`, column wire `c<i>_<j>`, sense node
 * `s<j>`; the current into column j's sense amplifier is the current through the 0 V source
 * `VS<j>` (ngspice: `i(vs<j>)`, positive into the amplifier). Ideal (0 ohm) wires are written as one
 * node, never as 0 ohm resistors. Values are printed with JavaScript's shortest round-trip form, so
 * the netlist is exactly the array xbar solves. Analysis: `.op`.
 */
export function crossbarNetlist(network: CrossbarNetwork, inputVolts: Float64Array, title = 'xbar crossbar'): string {
  validateNetwork(network);
  const { rows: m, cols: n, conductances } = network;
  if (inputVolts.length !== m) throw new CircuitInputError(`the netlist needs one input vector of ${m} volts, got ${inputVolts.length} values`);
  const r = network.resistances;
  const access = r.accessOhms ?? 0;
  const { rowMode, colMode } = lineModes(network);
  const num = (x: number) => String(x);
  const rowNodeName = (i: number, j: number) => (rowMode === 'chain' ? `r${i}_${j}` : rowMode === 'lumped' ? `r${i}` : `in${i}`);
  const colNodeName = (i: number, j: number) => (colMode === 'chain' ? `c${i}_${j}` : colMode === 'lumped' ? `c${j}` : `s${j}`);
  const lines: string[] = [
    `* ${title.replace(/\n/g, ' ')}: ${m} x ${n} crossbar written by xbar export-spice`,
    `* row segment ${num(r.rowSegmentOhms)} ohm, column segment ${num(r.columnSegmentOhms)} ohm, source ${num(r.sourceOhms)} ohm, sense ${num(r.senseOhms)} ohm, access ${num(access)} ohm, drive ${network.drive ?? 'one-side'}`,
    '* column currents: i(vs<j>) = current into the sense amplifier of column j (A)',
    '.options reltol=1e-12 abstol=1e-18 vntol=1e-15',
  ];
  const bothSides = network.drive === 'both-sides';
  for (let i = 0; i < m; i++) {
    lines.push(`VIN${i} in${i} 0 DC ${num(inputVolts[i])}`);
    if (rowMode === 'chain') {
      const end = num(r.sourceOhms + r.rowSegmentOhms);
      lines.push(`RD${i} in${i} r${i}_0 ${end}`);
      if (bothSides) lines.push(`RE${i} in${i} r${i}_${n - 1} ${end}`);
      for (let j = 0; j + 1 < n; j++) lines.push(`RR${i}_${j} r${i}_${j} r${i}_${j + 1} ${num(r.rowSegmentOhms)}`);
    } else if (rowMode === 'lumped') {
      lines.push(`RD${i} in${i} r${i} ${num(r.sourceOhms)}`);
      if (bothSides) lines.push(`RE${i} in${i} r${i} ${num(r.sourceOhms)}`);
    }
  }
  for (let j = 0; j < n; j++) {
    if (colMode === 'chain') {
      for (let i = 0; i + 1 < m; i++) lines.push(`RC${i}_${j} c${i}_${j} c${i + 1}_${j} ${num(r.columnSegmentOhms)}`);
      lines.push(`RS${j} c${m - 1}_${j} s${j} ${num(r.columnSegmentOhms + r.senseOhms)}`);
    } else if (colMode === 'lumped') {
      lines.push(`RS${j} c${j} s${j} ${num(r.senseOhms)}`);
    }
    lines.push(`VS${j} s${j} 0 DC 0`);
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const g = conductances[i * n + j];
      if (g === 0) continue; // an open cell
      lines.push(`RX${i}_${j} ${rowNodeName(i, j)} ${colNodeName(i, j)} ${num(1 / g + access)}`);
    }
  }
  lines.push('.op', '.end', '');
  return lines.join('\n');
}
