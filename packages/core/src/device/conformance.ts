import { createRng } from '../random/rng.js';
import { sampleMoments, standardErrorOfMean, standardErrorOfVariance } from '../testing/statistics.js';
import type { Seconds, Siemens } from '../units.js';
import type { DeviceInstance, DeviceModel } from './contract.js';
import { DeviceParameterError } from './params.js';

/** Settings of the device conformance check. */
export interface ConformanceOptions {
  /** Cells programmed per (target, time) pair. Default 100 000. */
  readonly samples?: number;
  /** Target conductances in siemens; default: spread over and just beyond the programmable range. */
  readonly targets?: readonly Siemens[];
  /** Read times after programming, in seconds. Default 1 s, 1 h, 1 year. */
  readonly times?: readonly Seconds[];
  /** Seed of the random streams. */
  readonly seed?: number;
  /** How many standard errors a sample statistic may differ from the analytic value. Default 5. */
  readonly zScore?: number;
}

/** One disagreement between a device's sampler and its declared moments. */
export interface ConformanceFailure {
  readonly check: string;
  readonly targetSiemens?: Siemens;
  readonly timeSeconds?: Seconds;
  readonly expected?: number;
  readonly observed?: number;
  readonly tolerance?: number;
  readonly message: string;
}

const DEFAULT_TIMES: readonly Seconds[] = [1, 3600, 365.25 * 86400];

/** Targets spread over the range, between levels, and just outside the range (clipping). */
export function defaultConformanceTargets(instance: DeviceInstance): Siemens[] {
  const { minSiemens: lo, maxSiemens: hi, levels } = instance.states;
  const span = hi - lo;
  const targets = [lo - 0.1 * span, lo, hi, hi + 0.1 * span];
  for (const fraction of [0.013, 0.25, 0.5, 0.77, 0.999]) targets.push(lo + fraction * span);
  if (levels && levels.length > 2) {
    const k = Math.floor(levels.length / 3);
    targets.push((levels[k] + levels[k + 1]) / 2 + 1e-9 * span); // just past a midpoint: rounds up
  }
  return targets;
}

/**
 * Checks that a device instance's sampler agrees with its analytic moments: for every target and
 * time, the sample mean and variance of `samples` cells equal `moments().mean` and `.variance`
 * within `zScore` standard errors (the standard error of the variance comes from the sample's own
 * fourth moment, so heavy-tailed mixtures such as stuck-at faults are judged fairly); two reads of
 * the same cells differ with variance 2 `readVariance`; the Gaussian fast path, when offered,
 * agrees; the same seed gives the same cells. Returns the failures (empty when the device conforms).
 */
export function checkDeviceConformance(instance: DeviceInstance, options: ConformanceOptions = {}): ConformanceFailure[] {
  const samples = options.samples ?? 100_000;
  const z = options.zScore ?? 5;
  const seed = options.seed ?? 20261123;
  const targets = options.targets ?? defaultConformanceTargets(instance);
  const times = options.times ?? DEFAULT_TIMES;
  const scale = Math.max(Math.abs(instance.states.maxSiemens), Math.abs(instance.states.minSiemens));
  const roundingSlack = 1e-12 * scale;
  const failures: ConformanceFailure[] = [];
  const targetArray = new Float64Array(samples);
  const first = new Float64Array(samples);
  const second = new Float64Array(samples);
  const difference = new Float64Array(samples);

  const expectClose = (check: string, target: number, time: number, expected: number, observed: number, tolerance: number) => {
    // Summing 1e5 doubles loses about 1e-11 relative: allow 1e-9 of the expected value for rounding.
    tolerance += 1e-9 * Math.abs(expected);
    if (!(Math.abs(observed - expected) <= tolerance) || !Number.isFinite(observed)) {
      failures.push({
        check,
        targetSiemens: target,
        timeSeconds: time,
        expected,
        observed,
        tolerance,
        message: `${check} at target ${target} S, t = ${time} s: expected ${expected}, observed ${observed} (tolerance ${tolerance})`,
      });
    }
  };

  targets.forEach((target, targetIndex) => {
    times.forEach((time, timeIndex) => {
      const analytic = instance.moments(target, time);
      targetArray.fill(target);
      const cells = instance.program(targetArray, createRng(seed, 'conformance', targetIndex, timeIndex, 'program'));
      const readRng = createRng(seed, 'conformance', targetIndex, timeIndex, 'read');
      instance.read(cells, time, readRng, first);
      instance.read(cells, time, readRng, second);
      const observed = sampleMoments(first);
      const variance2 = (100 * roundingSlack) ** 2; // a constant sample's variance is not exactly 0 in floating point
      expectClose('mean', target, time, analytic.mean, observed.mean, z * standardErrorOfMean(observed) + roundingSlack);
      expectClose('variance', target, time, analytic.variance, observed.variance, z * standardErrorOfVariance(observed) + variance2);

      // Two reads of the same cells: E[(r2 - r1)^2] / 2 = E[Var(read | cell)] = readVariance.
      for (let i = 0; i < samples; i++) {
        const d = second[i] - first[i];
        difference[i] = (d * d) / 2;
      }
      const halfSquaredDifference = sampleMoments(difference);
      expectClose(
        'readVariance',
        target,
        time,
        analytic.readVariance,
        halfSquaredDifference.mean,
        z * standardErrorOfMean(halfSquaredDifference) + variance2,
      );
      if (analytic.readVariance > analytic.variance * (1 + 1e-12) + variance2) {
        failures.push({ check: 'readVariance', targetSiemens: target, timeSeconds: time, message: `readVariance ${analytic.readVariance} exceeds variance ${analytic.variance}` });
      }

      // E[G_read | cell] (gaussianRead.mean, or readMean): its mean is E[G], its spread the programmed variance
      const conditional = instance.gaussianRead ? 'gaussianRead.mean' : instance.readMean ? 'readMean' : undefined;
      if (conditional) {
        if (instance.gaussianRead) instance.gaussianRead.mean(cells, time, first);
        else instance.readMean!(cells, time, first);
        const conditionalMean = sampleMoments(first);
        expectClose(conditional, target, time, analytic.mean, conditionalMean.mean, z * standardErrorOfMean(conditionalMean) + roundingSlack);
        expectClose(
          `${conditional} programmed variance`,
          target,
          time,
          analytic.variance - analytic.readVariance,
          conditionalMean.variance,
          z * standardErrorOfVariance(conditionalMean) + variance2,
        );
      }
      if (instance.gaussianRead) {
        instance.gaussianRead.variance(cells, time, second);
        const conditionalVariance = sampleMoments(second);
        expectClose(
          'gaussianRead.variance',
          target,
          time,
          analytic.readVariance,
          conditionalVariance.mean,
          z * standardErrorOfMean(conditionalVariance) + variance2,
        );
      }
    });
  });

  // Determinism: the same stream gives the same cells and reads.
  const probe = new Float64Array(64).map((_, i) => instance.states.minSiemens + ((i + 0.5) / 64) * (instance.states.maxSiemens - instance.states.minSiemens));
  const readA = new Float64Array(64);
  const readB = new Float64Array(64);
  instance.read(instance.program(probe, createRng(seed, 'determinism')), times[0], createRng(seed, 'determinism-read'), readA);
  instance.read(instance.program(probe, createRng(seed, 'determinism')), times[0], createRng(seed, 'determinism-read'), readB);
  if (readA.some((value, i) => !Object.is(value, readB[i]))) {
    failures.push({ check: 'determinism', message: 'the same seed gave different cells or reads' });
  }
  const conditionalMean = instance.gaussianRead ? instance.gaussianRead.mean.bind(instance.gaussianRead) : instance.readMean?.bind(instance);
  if (instance.programmedCovariance && conditionalMean && times.length >= 2) {
    // the programmed part at two read times: sample covariance of E[G | cell] at the first and last time
    const [early, late] = [times[0], times[times.length - 1]];
    targets.forEach((target, targetIndex) => {
      targetArray.fill(target);
      const cells = instance.program(targetArray, createRng(seed, 'conformance', targetIndex, 'covariance'));
      conditionalMean(cells, early, first);
      conditionalMean(cells, late, second);
      const a = sampleMoments(first);
      const b = sampleMoments(second);
      for (let i = 0; i < samples; i++) difference[i] = (first[i] - a.mean) * (second[i] - b.mean);
      const product = sampleMoments(difference);
      const expected = instance.programmedCovariance!(target, early, late);
      expectClose('programmedCovariance', target, late, expected, product.mean, z * standardErrorOfMean(product) + (100 * roundingSlack) ** 2);
    });
  }
  return failures;
}

/**
 * Checks that a model refuses parameters outside their declared ranges, non-integers where integers
 * are required and unknown names, each with a `DeviceParameterError` that names the parameter and,
 * where there is one, its unit. Returns the problems found (empty when the model behaves).
 */
export function checkParameterValidation(model: DeviceModel): string[] {
  const problems: string[] = [];
  const expectRefusal = (values: Record<string, number>, parameter: string, unit: string, what: string) => {
    try {
      model.create(values);
      problems.push(`${model.name}: ${what} was accepted`);
    } catch (error) {
      if (!(error instanceof DeviceParameterError)) {
        problems.push(`${model.name}: ${what} threw ${String(error)} instead of a DeviceParameterError`);
        return;
      }
      if (!error.message.includes(parameter)) problems.push(`${model.name}: refusal of ${what} does not name '${parameter}': ${error.message}`);
      if (unit !== '1' && !error.message.includes(unit)) problems.push(`${model.name}: refusal of ${what} does not give the unit '${unit}': ${error.message}`);
    }
  };
  for (const spec of model.params) {
    if (Number.isFinite(spec.max)) {
      expectRefusal({ [spec.name]: spec.max + Math.max(1, Math.abs(spec.max)) }, spec.name, spec.unit, `${spec.name} above its maximum`);
    }
    if (Number.isFinite(spec.min)) {
      expectRefusal({ [spec.name]: spec.min - Math.max(1, Math.abs(spec.min)) }, spec.name, spec.unit, `${spec.name} below its minimum`);
    }
    expectRefusal({ [spec.name]: Number.NaN }, spec.name, spec.unit, `${spec.name} = NaN`);
    if (spec.integer) {
      const inside = spec.min + 0.5 <= spec.max ? spec.min + 0.5 : spec.min;
      if (!Number.isInteger(inside)) expectRefusal({ [spec.name]: inside }, spec.name, '1', `${spec.name} = ${inside} (not whole)`);
    }
    if (!(spec.default >= spec.min && spec.default <= spec.max)) {
      problems.push(`${model.name}: default of ${spec.name} (${spec.default}) lies outside its own range`);
    }
    if (!spec.doc || !spec.unit) problems.push(`${model.name}: parameter ${spec.name} lacks a doc line or a unit`);
  }
  expectRefusal({ no_such_parameter: 1 }, 'no_such_parameter', '1', 'an unknown parameter name');
  return problems;
}
