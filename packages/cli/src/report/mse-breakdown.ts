import { ERROR_SOURCE_NAMES, type ErrorSourceName, errorSourceKey } from '@xbar/core';
import type { MseBreakdownPlot } from './data.js';
import type { RunTable } from './from-tables.js';

/** Legend name of each error source; its `.mse` column is `mse_<source key>`. */
const SOURCE_NAMES: Readonly<Record<ErrorSourceName, string>> = {
  quantization: 'weight quantization',
  deviceMean: 'device mean (drift, stuck cells)',
  programming: 'programming noise',
  read: 'read noise',
  dac: 'DAC',
  adc: 'ADC',
  inputNoise: 'DAC noise',
  outputNoise: 'ADC noise',
  wires: 'IR drop (wires)',
};

const SOURCES: readonly { readonly column: string; readonly name: string }[] = ERROR_SOURCE_NAMES.map((source) => ({
  column: `mse_${errorSourceKey(source)}`,
  name: SOURCE_NAMES[source],
}));

/**
 * MSE per layer (the `.mse` rows: each weight layer, then the output) from a `.mse` table without
 * sweeps: one bar series per error source alone (sources that are zero everywhere left out) and the
 * total with all sources; a table without per-source columns gives variance, bias² and total.
 * Undefined for other tables.
 */
export function mseBreakdownFromTable(table: RunTable): MseBreakdownPlot | undefined {
  if (table.kind !== 'mse' || table.columns[0] !== 'node') return undefined;
  const numbers = (column: string): number[] | undefined => {
    const c = table.columns.indexOf(column);
    return c < 0 ? undefined : table.rows.map((row) => Number(row[c]));
  };
  const total = numbers('mse');
  if (!total) return undefined;
  const layers = table.rows.map((row) => String(row[0]));
  const bySource = SOURCES.flatMap(({ column, name }) => {
    const mse = numbers(column);
    return mse && mse.some((v) => v > 0) ? [{ name, mse }] : [];
  });
  if (SOURCES.some(({ column }) => table.columns.includes(column))) {
    return { title: `${table.title}: MSE with each error source alone`, layers, sources: [...bySource, { name: "the card's sources together", mse: total }] };
  }
  const variance = numbers('variance');
  const bias = numbers('bias_squared');
  if (!variance || !bias) return undefined;
  return {
    title: table.title,
    layers,
    sources: [
      { name: 'variance (noise)', mse: variance },
      { name: 'bias² (systematic)', mse: bias },
      { name: 'total MSE', mse: total },
    ],
  };
}
