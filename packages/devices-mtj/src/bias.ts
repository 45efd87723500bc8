/**
 * Bias dependence of the TMR, TMR(V) = TMR0 / (1 + (V / V_h)^2): the antiparallel resistance falls
 * with the junction voltage, so a cell with antiparallel junctions conducts more than G V at high
 * bias. This is a systematic (deterministic) nonideality; `current` applies it for circuit solves.
 */
import type { Amperes, Siemens, Volts } from '@xbar/core';
import type { MtjCell } from './cell.js';

/** TMR at junction voltage `volts`. */
export function tmrAtBias(cell: MtjCell, volts: Volts): number {
  const ratio = volts / cell.halfBiasVolts;
  return cell.tmr / (1 + ratio * ratio);
}

/** Antiparallel junction resistance at junction voltage `volts`, ohms. */
export function antiparallelOhmsAtBias(cell: MtjCell, volts: Volts): number {
  return cell.parallelOhms * (1 + tmrAtBias(cell, volts));
}

const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

/**
 * Current through a cell of low-bias conductance `conductance` under `voltage`. The number of
 * antiparallel junctions is inferred from the conductance (continuous, so cells with variation are
 * handled); the remainder of the resistance (or conductance) is taken as bias-independent.
 * Series: the voltage on each AP junction, V_AP = V R_AP(V_AP) / R_cell(V_AP), is found by fixed-point
 * iteration. Parallel: every junction sees V.
 */
export function cellCurrent(cell: MtjCell, conductance: Siemens, voltage: Volts): Amperes {
  if (voltage === 0 || !(conductance > 0)) return conductance * voltage;
  const n = cell.junctions;
  if (cell.series) {
    const resistance = 1 / conductance;
    const antiparallel = clamp((resistance - n * cell.parallelOhms) / (cell.parallelOhms * cell.tmr), 0, n);
    if (antiparallel === 0) return conductance * voltage;
    const rest = resistance - antiparallel * cell.antiparallelOhms;
    let junctionVolts = (voltage * cell.antiparallelOhms) / resistance;
    let total = resistance;
    for (let iteration = 0; iteration < 200; iteration++) {
      const antiparallelOhms = antiparallelOhmsAtBias(cell, junctionVolts);
      total = rest + antiparallel * antiparallelOhms;
      const next = (voltage * antiparallelOhms) / total;
      if (Math.abs(next - junctionVolts) <= 1e-15 * Math.abs(voltage)) break;
      junctionVolts = next;
    }
    return voltage / total;
  }
  const parallelSiemens = 1 / cell.parallelOhms;
  const antiparallelSiemens = 1 / cell.antiparallelOhms;
  const antiparallel = clamp((n * parallelSiemens - conductance) / (parallelSiemens - antiparallelSiemens), 0, n);
  const rest = conductance - antiparallel * antiparallelSiemens;
  return (rest + antiparallel / antiparallelOhmsAtBias(cell, voltage)) * voltage;
}
