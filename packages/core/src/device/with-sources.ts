import type { Rng } from '../random/rng.js';
import type { Seconds, Siemens } from '../units.js';
import type { ConductanceMoments, DeviceInstance, GaussianRead, ProgrammedCells } from './contract.js';
import { snapToState } from './levels.js';
import { MomentCache } from './moment-cache.js';

/**
 * The device's share of the error sources (the names and meanings of `ErrorSources` in the analysis):
 * - quantization: targets snap to the device's levels (off: the cell aims at the target itself),
 * - deviceMean: E[G] minus the snapped target (drift of the mean, mean shift of stuck-at faults),
 * - programming: the spread fixed at programming, E[G_read | cell] - E[G],
 * - read: the noise drawn fresh at every read, G_read - E[G_read | cell].
 */
export interface DeviceSourceSwitches {
  readonly quantization: boolean;
  readonly deviceMean: boolean;
  readonly programming: boolean;
  readonly read: boolean;
}

/** Options of `deviceWithSources`. */
export interface DeviceWithSourcesOptions {
  /**
   * Per programmed array, conductances (S, one per target) added to every read: the error-source
   * hardware puts there what makes the cells represent the original weights when quantization is
   * off (weight clipping, N-ary digits). Called with the target array given to `program`.
   */
  readonly offsets?: (targets: Float64Array) => Float64Array | undefined;
  /** Moment-table nodes for continuous devices (see MomentCache); 0 = exact moments. Default 129. */
  readonly momentTableNodes?: number;
}

/** What the source-masked device keeps per programmed array. */
export interface MaskedCells extends ProgrammedCells {
  readonly inner: ProgrammedCells;
  readonly targets: Float64Array;
  /** The deterministic part of every read: c_snap snapped + c_clip clipped + offset, in siemens. */
  readonly base: Float64Array;
  /** E[G] of every target per read time (filled on first use). */
  readonly meanByTime: Map<Seconds, Float64Array>;
  /** Scratch for E[G_read | cell] and for the device's own reads. */
  readonly conditional: Float64Array;
  readonly sample: Float64Array;
}

/**
 * A device that samples only the switched-on parts of another device's error. Every read is
 *   G = [quantization ? snapped : clipped] + [deviceMean ? E[G] - snapped] + [programming ? m - E[G]] + [read ? G_read - m],
 * with m = E[G_read | cell] and G_read the wrapped device's own read of its own programmed cell, so
 * each switched-on part keeps the device's exact distribution (faults, clipping, drift spread) and its
 * `moments` are exactly those the analytical engine uses for the same switches:
 * mean = base + [deviceMean] (E[G] - snapped), variance = [programming] (Var - readVar) + [read] readVar.
 * Separating programming from read noise needs `gaussianRead` or `readMean` of the wrapped device.
 */
export function deviceWithSources(device: DeviceInstance, sources: DeviceSourceSwitches, options: DeviceWithSourcesOptions = {}): DeviceInstance<MaskedCells> {
  // G = cSnap snapped + cClip clipped + cMean E[G] + cConditional m + cRead G_read (+ offset)
  const cSnap = (sources.quantization ? 1 : 0) - (sources.deviceMean ? 1 : 0);
  const cClip = sources.quantization ? 0 : 1;
  const cMean = (sources.deviceMean ? 1 : 0) - (sources.programming ? 1 : 0);
  const cConditional = (sources.programming ? 1 : 0) - (sources.read ? 1 : 0);
  const cRead = sources.read ? 1 : 0;
  const conditionalMean = device.gaussianRead ? device.gaussianRead.mean.bind(device.gaussianRead) : device.readMean?.bind(device);
  if (sources.programming !== sources.read && !conditionalMean) {
    throw new RangeError(
      `device model '${device.modelName}' cannot separate programming error from read noise (it gives neither gaussianRead nor readMean): switch 'programming' and 'read' on or off together`,
    );
  }
  const { states } = device;
  const continuous = !states.levels && states.maxSiemens > states.minSiemens;
  const caches = new Map<Seconds, MomentCache>();
  const cacheAt = (time: Seconds): MomentCache => {
    let cache = caches.get(time);
    if (!cache) caches.set(time, (cache = new MomentCache(device, time, continuous ? (options.momentTableNodes ?? 129) : 0)));
    return cache;
  };
  const scratch = { mean: 0, variance: 0, readVariance: 0 };
  const meanAt = (cells: MaskedCells, time: Seconds): Float64Array => {
    let mean = cells.meanByTime.get(time);
    if (!mean) {
      const cache = cacheAt(time);
      mean = new Float64Array(cells.count);
      for (let i = 0; i < cells.count; i++) {
        cache.into(cells.targets[i], scratch);
        mean[i] = scratch.mean;
      }
      cells.meanByTime.set(time, mean);
    }
    return mean;
  };
  /** base + cMean E[G] + cConditional m (+ cRead m when `withReadMean`) into `out`. */
  const deterministicPart = (cells: MaskedCells, time: Seconds, out: Float64Array, withReadMean: boolean): void => {
    out.set(cells.base.subarray(0, cells.count));
    if (cMean !== 0) {
      const mean = meanAt(cells, time);
      for (let i = 0; i < cells.count; i++) out[i] += cMean * mean[i];
    }
    const c = cConditional + (withReadMean ? cRead : 0);
    if (c !== 0) {
      conditionalMean!(cells.inner, time, cells.conditional);
      for (let i = 0; i < cells.count; i++) out[i] += c * cells.conditional[i];
    }
  };
  const readVarianceFree = !sources.read;
  const gaussianRead: GaussianRead<MaskedCells> | undefined =
    device.gaussianRead || readVarianceFree
      ? {
          mean: (cells, time, out) => deterministicPart(cells, time, out, true),
          variance: (cells, time, out) => {
            if (readVarianceFree) out.fill(0, 0, cells.count);
            else device.gaussianRead!.variance(cells.inner, time, out);
          },
        }
      : undefined;
  const masked: DeviceInstance<MaskedCells> = {
    modelName: device.modelName,
    params: device.params,
    states,
    program(targets: Float64Array, rng: Rng): MaskedCells {
      const inner = device.program(targets, rng);
      const count = targets.length;
      const base = new Float64Array(count);
      const offsets = options.offsets?.(targets);
      for (let i = 0; i < count; i++) {
        const clipped = Math.min(states.maxSiemens, Math.max(states.minSiemens, targets[i]));
        base[i] = (cSnap !== 0 ? cSnap * snapToState(states, targets[i]) : 0) + cClip * clipped + (offsets ? offsets[i] : 0);
      }
      return { count, inner, targets: Float64Array.from(targets), base, meanByTime: new Map(), conditional: new Float64Array(count), sample: new Float64Array(count) };
    },
    read(cells: MaskedCells, timeSeconds: Seconds, rng: Rng, out: Float64Array): void {
      if (cRead !== 0) device.read(cells.inner, timeSeconds, rng, cells.sample);
      deterministicPart(cells, timeSeconds, out, false);
      if (cRead !== 0) for (let i = 0; i < cells.count; i++) out[i] += cells.sample[i];
    },
    gaussianRead,
    moments(target: Siemens, timeSeconds: Seconds): ConductanceMoments {
      const m = cacheAt(timeSeconds).get(target);
      const snapped = snapToState(states, target);
      const clipped = Math.min(states.maxSiemens, Math.max(states.minSiemens, target));
      const programmed = Math.max(0, m.variance - m.readVariance);
      const readVariance = sources.read ? m.readVariance : 0;
      return {
        mean: (sources.quantization ? snapped : clipped) + (sources.deviceMean ? m.mean - snapped : 0),
        variance: (sources.programming ? programmed : 0) + readVariance,
        readVariance,
      };
    },
  };
  const current = device.current?.bind(device);
  const innerCovariance = device.programmedCovariance?.bind(device);
  const programmedCovariance = !sources.programming
    ? () => 0
    : innerCovariance;
  const readMean = conditionalMean || !(sources.programming || sources.read) ? (cells: MaskedCells, time: Seconds, out: Float64Array) => deterministicPart(cells, time, out, true) : undefined;
  return { ...masked, ...(readMean ? { readMean } : {}), ...(current ? { current } : {}), ...(programmedCovariance ? { programmedCovariance } : {}) };
}
