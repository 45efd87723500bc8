import type { ConductanceMoments, DeviceInstance } from './contract.js';
import type { Seconds, Siemens } from '../units.js';

/**
 * Device moments per (target, time): exact and cached per distinct target, or, for a continuous
 * device with many distinct targets (`tableNodes` > 0), interpolated from a table of `tableNodes`
 * exact evaluations on a uniform grid over [minSiemens, maxSiemens] (4-point cubic Lagrange
 * interpolation of mean, variance and readVariance; targets outside the range are evaluated exactly).
 * Devices with discrete levels are never tabulated (their targets snap to few distinct levels).
 */
export class MomentCache {
  private readonly cache = new Map<number, ConductanceMoments>();
  private readonly covariances = new Map<Seconds, ProgrammedCovarianceCache>();
  private table?: { readonly low: number; readonly step: number; readonly mean: Float64Array; readonly variance: Float64Array; readonly readVariance: Float64Array };
  readonly tableNodes: number;

  constructor(
    readonly device: DeviceInstance,
    readonly timeSeconds: Seconds,
    tableNodes = 0,
  ) {
    const continuous = !device.states.levels && device.states.maxSiemens > device.states.minSiemens;
    this.tableNodes = continuous && tableNodes >= 4 ? Math.floor(tableNodes) : 0;
  }

  /**
   * The covariance of each cell's programmed part between `earlierSeconds` and this cache's time,
   * tabulated like these moments; one per earlier time, kept with this cache (so layers sharing a
   * MomentCache share it too).
   */
  programmedCovariances(earlierSeconds: Seconds): ProgrammedCovarianceCache {
    let found = this.covariances.get(earlierSeconds);
    if (!found) this.covariances.set(earlierSeconds, (found = new ProgrammedCovarianceCache(this.device, earlierSeconds, this.timeSeconds, this.tableNodes)));
    return found;
  }

  get(target: Siemens): ConductanceMoments {
    const out = { mean: 0, variance: 0, readVariance: 0 };
    this.into(target, out);
    return out;
  }

  /** `get` without allocating: the moments of `target` written into `out`. */
  into(target: Siemens, out: { mean: number; variance: number; readVariance: number }): void {
    const { minSiemens, maxSiemens } = this.device.states;
    if (this.tableNodes > 0 && target >= minSiemens && target <= maxSiemens) {
      this.interpolate(target, out);
      return;
    }
    let found = this.cache.get(target);
    if (!found) {
      found = this.device.moments(target, this.timeSeconds);
      this.cache.set(target, found);
    }
    out.mean = found.mean;
    out.variance = found.variance;
    out.readVariance = found.readVariance;
  }

  /** Distinct exact evaluations so far (table nodes included). */
  get size(): number {
    return this.cache.size + (this.table ? this.tableNodes : 0);
  }

  private interpolate(target: Siemens, out: { mean: number; variance: number; readVariance: number }): void {
    const table = this.table ?? this.buildTable();
    const n = this.tableNodes;
    const u = (target - table.low) / table.step;
    const i = Math.min(n - 3, Math.max(1, Math.floor(u))) - 1; // nodes i .. i + 3 around u
    const t = u - i;
    // Lagrange weights on nodes 0, 1, 2, 3 at position t
    const w0 = (-(t - 1) * (t - 2) * (t - 3)) / 6;
    const w1 = (t * (t - 2) * (t - 3)) / 2;
    const w2 = (-t * (t - 1) * (t - 3)) / 2;
    const w3 = (t * (t - 1) * (t - 2)) / 6;
    const m = table.mean;
    const v = table.variance;
    const r = table.readVariance;
    const variance = Math.max(0, w0 * v[i] + w1 * v[i + 1] + w2 * v[i + 2] + w3 * v[i + 3]);
    out.mean = w0 * m[i] + w1 * m[i + 1] + w2 * m[i + 2] + w3 * m[i + 3];
    out.variance = variance;
    out.readVariance = Math.min(variance, Math.max(0, w0 * r[i] + w1 * r[i + 1] + w2 * r[i + 2] + w3 * r[i + 3]));
  }

  private buildTable() {
    const { minSiemens, maxSiemens } = this.device.states;
    const n = this.tableNodes;
    const step = (maxSiemens - minSiemens) / (n - 1);
    const mean = new Float64Array(n);
    const variance = new Float64Array(n);
    const readVariance = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const m = this.device.moments(k === n - 1 ? maxSiemens : minSiemens + k * step, this.timeSeconds);
      mean[k] = m.mean;
      variance[k] = m.variance;
      readVariance[k] = m.readVariance;
    }
    this.table = { low: minSiemens, step, mean, variance, readVariance };
    return this.table;
  }
}

/**
 * Cov(E[G(t1) | cell], E[G(t2) | cell]) per target (the device's `programmedCovariance`): exact and
 * cached per distinct target, or, with `tableNodes` >= 4 for a continuous device, interpolated from
 * that many exact evaluations on a uniform grid over the window (4-point cubic Lagrange), as
 * MomentCache does for the moments. `get` is undefined when the device does not give it.
 */
export class ProgrammedCovarianceCache {
  private readonly cache = new Map<number, number>();
  private table?: Float64Array;
  private readonly tableNodes: number;

  constructor(
    readonly device: DeviceInstance,
    readonly t1Seconds: Seconds,
    readonly t2Seconds: Seconds,
    tableNodes = 0,
  ) {
    const continuous = !device.states.levels && device.states.maxSiemens > device.states.minSiemens;
    this.tableNodes = continuous && tableNodes >= 4 ? Math.floor(tableNodes) : 0;
  }

  get available(): boolean {
    return this.device.programmedCovariance !== undefined;
  }

  get(target: Siemens): number {
    const { minSiemens, maxSiemens } = this.device.states;
    if (this.tableNodes > 0 && target >= minSiemens && target <= maxSiemens) {
      const n = this.tableNodes;
      const step = (maxSiemens - minSiemens) / (n - 1);
      const table = this.table ?? this.buildTable(step);
      const u = (target - minSiemens) / step;
      const i = Math.min(n - 3, Math.max(1, Math.floor(u))) - 1;
      const t = u - i;
      return (
        ((-(t - 1) * (t - 2) * (t - 3)) / 6) * table[i] +
        ((t * (t - 2) * (t - 3)) / 2) * table[i + 1] +
        ((-t * (t - 1) * (t - 3)) / 2) * table[i + 2] +
        ((t * (t - 1) * (t - 2)) / 6) * table[i + 3]
      );
    }
    let found = this.cache.get(target);
    if (found === undefined) {
      found = this.device.programmedCovariance!(target, this.t1Seconds, this.t2Seconds);
      this.cache.set(target, found);
    }
    return found;
  }

  private buildTable(step: number): Float64Array {
    const { minSiemens, maxSiemens } = this.device.states;
    const n = this.tableNodes;
    const table = new Float64Array(n);
    for (let k = 0; k < n; k++) table[k] = this.device.programmedCovariance!(k === n - 1 ? maxSiemens : minSiemens + k * step, this.t1Seconds, this.t2Seconds);
    this.table = table;
    return table;
  }
}
