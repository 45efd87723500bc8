import { describe, expect, it } from 'vitest';
import type { DeviceModel } from '../device/contract.js';
import { type ConformanceOptions, checkDeviceConformance, checkParameterValidation } from '../device/conformance.js';

/** A parameter set to run the conformance suite on, e.g. a preset or a configuration with faults. */
export interface ConformanceCase {
  readonly label: string;
  readonly values: Readonly<Record<string, number>>;
  readonly options?: ConformanceOptions;
}

/**
 * The shared device conformance suite, as vitest tests. Every device package runs it on every model:
 * on the defaults, on every preset, and on the extra `cases` (configurations that switch on what the
 * defaults leave off, such as faults or read noise).
 */
export function describeDeviceConformance(model: DeviceModel, cases: readonly ConformanceCase[] = [], options: ConformanceOptions = {}): void {
  describe(`device conformance: ${model.name}`, () => {
    it('refuses parameters outside their declared ranges, with name and unit', () => {
      expect(checkParameterValidation(model)).toEqual([]);
    });
    const all: ConformanceCase[] = [
      { label: 'defaults', values: {} },
      ...model.presets.map((preset) => ({ label: `preset ${preset.name}`, values: preset.values })),
      ...cases,
    ];
    for (const testCase of all) {
      it(`sampler agrees with analytic moments (${testCase.label})`, () => {
        const instance = model.create(testCase.values);
        const failures = checkDeviceConformance(instance, { ...options, ...testCase.options });
        expect(failures.map((failure) => failure.message)).toEqual([]);
      });
    }
  });
}
