import type { ConductanceStates } from './contract.js';
import type { Siemens } from '../units.js';

/** `count` equally spaced levels from `min` to `max` inclusive (siemens), ascending. */
export function uniformLevels(min: Siemens, max: Siemens, count: number): Float64Array {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`a level count must be a whole number >= 2, got ${count}`);
  const levels = new Float64Array(count);
  const step = (max - min) / (count - 1);
  for (let k = 0; k < count; k++) levels[k] = min + k * step;
  levels[count - 1] = max; // exact endpoint despite rounding
  return levels;
}

/** The level nearest to `value` in ascending `levels` (ties go to the lower level). */
export function nearestLevel(levels: Float64Array, value: number): number {
  let lo = 0;
  let hi = levels.length - 1;
  if (value <= levels[lo]) return levels[lo];
  if (value >= levels[hi]) return levels[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (levels[mid] <= value) lo = mid;
    else hi = mid;
  }
  return value - levels[lo] <= levels[hi] - value ? levels[lo] : levels[hi];
}

/** Clips a target to the programmable range and snaps it to the nearest level, if there are levels. */
export function snapToState(states: ConductanceStates, targetSiemens: Siemens): Siemens {
  if (states.levels) return nearestLevel(states.levels, targetSiemens);
  return Math.min(states.maxSiemens, Math.max(states.minSiemens, targetSiemens));
}

/** The states of a cell with `levelCount` uniform levels between min and max, or continuous if 0. */
export function makeStates(min: Siemens, max: Siemens, levelCount: number): ConductanceStates {
  return levelCount === 0
    ? { minSiemens: min, maxSiemens: max }
    : { minSiemens: min, maxSiemens: max, levels: uniformLevels(min, max, levelCount) };
}
