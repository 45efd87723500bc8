import { describe, expect, it } from 'vitest';
import type { DeviceModel } from '../device/contract.js';
import { type ConformanceOptions, checkDeviceConformance, checkParameterValidation } from '../device/conformance.js';
import { type DeviceSourceSwitches, deviceWithSources } from '../device/with-sources.js';

/** The device-source splits error attribution uses: each part of the device error alone. */
const SOURCE_SPLITS: ReadonlyArray<readonly [string, DeviceSourceSwitches]> = [
  ['programming alone', { quantization: true, deviceMean: false, programming: true, read: false }],
  ['read noise alone', { quantization: true, deviceMean: false, programming: false, read: true }],
  ['mean shift alone, unquantized', { quantization: false, deviceMean: true, programming: false, read: false }],
];

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
    it('each part of its error alone (error-source attribution) samples what its moments say', () => {
      const instance = model.create();
      const splits = instance.gaussianRead || instance.readMean ? SOURCE_SPLITS : SOURCE_SPLITS.slice(2);
      for (const [label, sources] of splits) {
        const masked = deviceWithSources(instance, sources, { momentTableNodes: 0 });
        const failures = checkDeviceConformance(masked, { samples: 20_000, ...options });
        expect(failures.map((failure) => `${label}: ${failure.message}`)).toEqual([]);
      }
    });
    for (const testCase of all) {
      it(`sampler agrees with analytic moments (${testCase.label})`, () => {
        const instance = model.create(testCase.values);
        const failures = checkDeviceConformance(instance, { ...options, ...testCase.options });
        expect(failures.map((failure) => failure.message)).toEqual([]);
      });
    }
  });
}
