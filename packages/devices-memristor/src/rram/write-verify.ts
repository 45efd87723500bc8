/**
 * Write-verify programming of RRAM cells: program, read back, and re-program until the read is within
 * a tolerance of the level or the pulse budget is spent. Each re-programming aims at the previous aim
 * corrected by a fraction of the error just read (aim += feedbackGain (level - read)), so the
 * device's fixed gain error (device-to-device variation) is corrected by the feedback while the
 * cycle-to-cycle error is drawn anew at every pulse (a full correction would chase that random error). Stuck cells never move; they use up the budget unless already within tolerance.
 *
 * The result holds the programmed cells (readable with the instance's `read`), the residual error and
 * the pulse count of every cell, so the accuracy and the cost of a tolerance can be compared.
 */
import { type Rng, type Seconds, type Siemens, snapToState } from '@xbar/core';
import type { RramCells, RramInstance } from './model.js';
import { cycleToCycleSigma, hasFaults, readNoiseVariance, stuckValue } from './physics.js';

/** Settings of a write-verify run. */
export interface WriteVerifyOptions {
  /** Accept a cell when |read - level| <= this many siemens. */
  readonly toleranceSiemens: Siemens;
  /** Pulse budget per cell, counting the first programming pulse (>= 1). */
  readonly maxPulses: number;
  /**
   * Fraction of the read error added to the aim before the next pulse (0 = re-program at the level,
   * 1 = full correction). Default 0.5.
   */
  readonly feedbackGain?: number;
  /** Time after each pulse at which the verify read happens, in seconds (default 0: no retention loss yet). */
  readonly verifyTimeSeconds?: Seconds;
}

/** Summary statistics of a write-verify run. */
export interface WriteVerifySummary {
  /** Cells programmed. */
  readonly cells: number;
  /** Mean pulses per cell. */
  readonly meanPulses: number;
  /** Largest pulse count of a cell. */
  readonly maxPulsesUsed: number;
  /** Fraction of cells whose last verify read was within tolerance. */
  readonly convergedFraction: number;
  /** Mean residual G - level, in siemens. */
  readonly residualMean: Siemens;
  /** Root mean square of the residual, in siemens. */
  readonly residualRms: Siemens;
}

/** Per-cell outcome of a write-verify run. */
export interface WriteVerifyResult {
  /** The programmed cells, to read with the instance's `read`. */
  readonly cells: RramCells;
  /** Programmed conductance minus the level aimed at, in siemens (noise-free, right after programming). */
  readonly residualSiemens: Float64Array;
  /** Pulses applied to each cell (1 = accepted at the first verify). */
  readonly pulses: Uint32Array;
  /** 1 if the cell's last verify read was within tolerance, else 0. */
  readonly converged: Uint8Array;
  readonly summary: WriteVerifySummary;
}

/** Programs `targets` (siemens) with write-verify; all randomness comes from `rng`. */
export function writeVerify(instance: RramInstance, targets: Float64Array, rng: Rng, options: WriteVerifyOptions): WriteVerifyResult {
  const { toleranceSiemens, maxPulses } = options;
  if (!(toleranceSiemens >= 0)) throw new RangeError(`toleranceSiemens must be >= 0 S, got ${toleranceSiemens}`);
  if (!Number.isInteger(maxPulses) || maxPulses < 1) throw new RangeError(`maxPulses must be a whole number >= 1, got ${maxPulses}`);
  const physics = instance.physics;
  const verifyTime = options.verifyTimeSeconds ?? 0;
  const feedbackGain = options.feedbackGain ?? 0.5;
  if (!(feedbackGain >= 0 && feedbackGain <= 1)) throw new RangeError(`feedbackGain must lie in [0, 1], got ${feedbackGain}`);
  const n = targets.length;
  const level = new Float64Array(n);
  const stuck = new Float64Array(n).fill(Number.NaN);
  const gain = new Float64Array(n);
  const aim = new Float64Array(n);
  const conductance = new Float64Array(n);
  const retention = new Float64Array(n);
  const pulses = new Uint32Array(n);
  const converged = new Uint8Array(n);

  rng.fillNormal(gain);
  if (physics.retentionSpread > 0) rng.fillNormal(retention);
  if (hasFaults(physics)) {
    const draws = new Float64Array(n);
    rng.fillUniform(draws);
    for (let i = 0; i < n; i++) stuck[i] = stuckValue(physics, draws[i]);
  }
  for (let i = 0; i < n; i++) {
    level[i] = snapToState(instance.states, targets[i]);
    aim[i] = level[i];
    gain[i] = 1 + physics.deviceToDevice * gain[i];
    retention[i] = stuck[i] === stuck[i] ? 0 : physics.retentionPerDecade + physics.retentionSpread * retention[i];
  }

  // Verify reads see the retention loss reached at verifyTime (none for t <= drift_t0).
  const decades = verifyTime > physics.retentionOnset ? Math.log10(verifyTime / physics.retentionOnset) : 0;
  let active = new Uint32Array(n).map((_, i) => i);
  let activeCount = n;
  const noise = new Float64Array(2 * n);
  const aimCeiling = 2 * physics.gmax;
  for (let pulse = 1; pulse <= maxPulses && activeCount > 0; pulse++) {
    rng.fillNormal(noise, 0, 2 * activeCount);
    let kept = 0;
    for (let k = 0; k < activeCount; k++) {
      const i = active[k];
      const programmed =
        stuck[i] === stuck[i] ? stuck[i] : Math.max(aim[i] * gain[i] + cycleToCycleSigma(physics, aim[i]) * noise[2 * k], 0);
      conductance[i] = programmed;
      pulses[i] = pulse;
      const sensed = programmed * Math.max(1 - decades * retention[i], 0);
      const read = sensed + Math.sqrt(readNoiseVariance(physics, sensed)) * noise[2 * k + 1];
      if (Math.abs(read - level[i]) <= toleranceSiemens) {
        converged[i] = 1;
      } else {
        aim[i] = Math.min(Math.max(aim[i] + feedbackGain * (level[i] - read), 0), aimCeiling);
        active[kept++] = i;
      }
    }
    activeCount = kept;
    active = active.subarray(0, kept);
  }

  const residualSiemens = new Float64Array(n);
  let pulseSum = 0;
  let maxPulsesUsed = 0;
  let convergedCount = 0;
  let residualSum = 0;
  let residualSquares = 0;
  for (let i = 0; i < n; i++) {
    const residual = conductance[i] - level[i];
    residualSiemens[i] = residual;
    residualSum += residual;
    residualSquares += residual * residual;
    pulseSum += pulses[i];
    maxPulsesUsed = Math.max(maxPulsesUsed, pulses[i]);
    convergedCount += converged[i];
  }
  return {
    cells: { count: n, conductance, retention },
    residualSiemens,
    pulses,
    converged,
    summary: {
      cells: n,
      meanPulses: n > 0 ? pulseSum / n : 0,
      maxPulsesUsed,
      convergedFraction: n > 0 ? convergedCount / n : 0,
      residualMean: n > 0 ? residualSum / n : 0,
      residualRms: n > 0 ? Math.sqrt(residualSquares / n) : 0,
    },
  };
}
