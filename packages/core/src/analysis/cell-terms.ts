import type { MomentCache } from '../device/moment-cache.js';
import { snapToState } from '../device/levels.js';
import type { Siemens } from '../units.js';
import type { ErrorSources } from './sources.js';

/** Mean and variances of one cell as the switched-on sources see them (written into `out`, no allocation). */
export interface CellTerms {
  mean: number;
  program: number;
  read: number;
}
const momentScratch = { mean: 0, variance: 0, readVariance: 0 };
export function cellTerms(cache: MomentCache, target: Siemens, sources: ErrorSources, out: CellTerms): CellTerms {
  const states = cache.device.states;
  const snapped = snapToState(states, target);
  const clipped = Math.min(states.maxSiemens, Math.max(states.minSiemens, target));
  const moments = momentScratch;
  cache.into(target, moments);
  let mean = sources.quantization ? snapped : clipped;
  if (sources.deviceMean) mean += moments.mean - snapped;
  out.mean = mean;
  out.program = sources.programming ? Math.max(0, moments.variance - moments.readVariance) : 0;
  out.read = sources.read ? moments.readVariance : 0;
  return out;
}
