/**
 * `.array NAME rows=R cols=C model=M [k=v ...]` (alias `.tile`): a physical array and its periphery,
 * built into a core `CrossbarConfig`. Everything not written takes core's DEFAULT_* value.
 */
import {
  type AdcConfig,
  type CrossbarConfig,
  DEFAULT_ADC,
  DEFAULT_DAC,
  DEFAULT_MAPPING,
  type DacConfig,
  type DeviceInstance,
  type MappingConfig,
  type MappingScheme,
  type WireConfig,
} from '@xbar/core';
import type { Card, Item, Span } from '../ast.js';
import type { Limits } from '../limits.js';
import type { SemanticContext } from './context.js';
import type { ArrayDefinition, ModelDefinition, SimulationOptions } from './design.js';
import { instantiate, readModelParameter } from './models.js';
import { type OptionSpec, type OptionValues, readOptions } from './options.js';

/** The options of `.array`, with units, defaults (core's) and ranges. */
export function arrayOptionSpecs(limits: Limits): OptionSpec[] {
  const ohms = (name: string, doc: string): OptionSpec => ({ kind: 'number', name, unit: 'ohm', min: 0, max: 1e12, doc });
  return [
    { kind: 'number', name: 'rows', unit: '1', min: 1, max: limits.maxArrayDimension, integer: true, required: true, doc: 'rows (input lines) per tile' },
    { kind: 'number', name: 'cols', unit: '1', min: 1, max: limits.maxArrayDimension, integer: true, required: true, doc: 'columns (output lines) per tile, including reference columns' },
    { kind: 'ref', name: 'model', target: 'model', required: true, doc: 'the .model of the cells' },
    { kind: 'number', name: 'gmax', unit: 'S', min: 0, max: 1, doc: "overrides the model's gmax (highest conductance)" },
    { kind: 'number', name: 'gmin', unit: 'S', min: 0, max: 1, doc: "overrides the model's gmin (lowest conductance)" },
    { kind: 'enum', name: 'mapping', values: ['differential', 'offset', 'nary'], default: DEFAULT_MAPPING.scheme, doc: 'how signed weights become conductances' },
    { kind: 'enum', name: 'scale', values: ['layer', 'column'], default: DEFAULT_MAPPING.scale, doc: 'weight scale per layer or per output column' },
    { kind: 'number', name: 'clip', unit: '1', min: 0, minExclusive: true, max: 1, default: DEFAULT_MAPPING.clipFraction, doc: 'clip weights to +-clip x max|W| before mapping' },
    { kind: 'number', name: 'states', unit: '1', min: 2, max: 65_536, integer: true, default: DEFAULT_MAPPING.statesPerCell, doc: 'states per cell (mapping=nary)' },
    { kind: 'number', name: 'digits', unit: '1', min: 1, max: 32, integer: true, default: DEFAULT_MAPPING.cellsPerWeight, doc: 'cells (digits) per weight (mapping=nary)' },
    { kind: 'number', name: 'dac_bits', unit: '1', min: 0, max: 32, integer: true, default: DEFAULT_DAC.bits, doc: 'DAC resolution in bits; 0 = ideal' },
    {
      kind: 'number',
      name: 'dac_range',
      unit: '1',
      min: 0,
      minExclusive: true,
      max: 1e12,
      words: ['calibrated', 'fixed'],
      doc: `input magnitude mapped to the full read voltage: calibrated on a batch, fixed (${DEFAULT_DAC.inputRange}) or a number (fixed there)`,
    },
    { kind: 'number', name: 'dac_margin', unit: '1', min: 1, max: 100, default: DEFAULT_DAC.calibrationMargin, doc: 'headroom factor on the calibrated DAC range' },
    { kind: 'number', name: 'vread', unit: 'V', min: 0, minExclusive: true, max: 10, default: DEFAULT_DAC.readVoltage, doc: 'read voltage for an input of +dac_range' },
    { kind: 'flag', name: 'bitserial', default: DEFAULT_DAC.bitSerial, doc: 'apply inputs one bit per phase' },
    { kind: 'number', name: 'dac_noise', unit: '1', min: 0, max: 10, default: DEFAULT_DAC.noiseRelative, doc: 'input noise std relative to dac_range' },
    { kind: 'number', name: 'adc_bits', unit: '1', min: 0, max: 32, integer: true, default: DEFAULT_ADC.bits, doc: 'ADC resolution in bits; 0 = ideal' },
    { kind: 'enum', name: 'adc_range', values: ['calibrated', 'fixed'], default: DEFAULT_ADC.range, doc: 'ADC full scale: calibrated on a batch, or fixed at adc_fullscale' },
    { kind: 'number', name: 'adc_fullscale', unit: 'A', min: 0, minExclusive: true, max: 1, default: DEFAULT_ADC.rangeAmperes, doc: 'full-scale current of a fixed ADC range' },
    { kind: 'number', name: 'adc_margin', unit: '1', min: 1, max: 100, default: DEFAULT_ADC.calibrationMargin, doc: 'headroom factor on the calibrated range' },
    { kind: 'number', name: 'adc_noise', unit: '1', min: 0, max: 10, default: DEFAULT_ADC.noiseRelative, doc: 'output noise std relative to full scale' },
    { kind: 'number', name: 'readtime', unit: 's', min: 0, max: 1e12, doc: 'time from programming to reading (default: .options readtime)' },
    { kind: 'flag', name: 'driftcomp', default: false, doc: 'global drift compensation by a calibration read' },
    ohms('rwire', 'wire resistance per cell segment, rows and columns'),
    ohms('rrow', 'row wire resistance per segment (default rwire)'),
    ohms('rcol', 'column wire resistance per segment (default rwire)'),
    ohms('rsource', 'series resistance of each row driver'),
    ohms('rsense', 'input resistance of each column sense amplifier; 0 = virtual ground'),
  ];
}

/** The parts of an array other checks need (gmax/gmin overrides apply to layer models too). */
export interface BuiltArray {
  readonly definition: ArrayDefinition;
  /** gmax/gmin written on the array, with their spans. */
  readonly deviceOverrides: ReadonlyMap<string, { value: number; span: Span }>;
  /** Where `states=` is written, if it is (else an N-ary array takes its states from the device's levels). */
  readonly statesSpan?: Span;
}

export function buildArray(
  ctx: SemanticContext,
  card: Card,
  name: string,
  models: ReadonlyMap<string, ModelDefinition>,
  options: SimulationOptions,
): BuiltArray | undefined {
  const where = `.array '${name}'`;
  // gmax/gmin are checked against the model's own declarations (deviceOverrides), not here.
  const items = card.items.slice(1).filter((item) => !isDeviceOverride(item));
  const values = readOptions(ctx, items, arrayOptionSpecs(ctx.limits), where, card.keywordSpan);
  const rows = values.number('rows');
  const cols = values.number('cols');
  if (rows !== undefined && cols !== undefined && rows * cols > ctx.limits.maxArrayCells) {
    ctx.bag.error(
      'E901',
      values.span('cols') ?? card.span,
      `array '${name}' has ${rows} x ${cols} = ${rows * cols} cells, more than the limit of ${ctx.limits.maxArrayCells}`,
      'split the layer over several tiles: a network maps large weight matrices onto as many tiles as needed',
    );
    return undefined;
  }
  warnUnused(ctx, values);
  const modelName = values.text('model');
  const model = modelName === undefined ? undefined : models.get(modelName.toLowerCase());
  const overrides = deviceOverrides(ctx, card, model);
  if (rows === undefined || cols === undefined || !model || !overrides) return undefined;
  const device = deviceWith(ctx, model, overrides, card.span);
  if (!device) return undefined;
  const wires = wireConfig(values);
  const mapping = naryStates(ctx, mappingConfig(values), device, model.name, values.span('states'), `array '${name}'`);
  if (!mapping) return undefined;
  const config: CrossbarConfig = {
    rows,
    cols,
    device,
    mapping,
    dac: dacConfig(values),
    adc: adcConfig(values),
    readTimeSeconds: values.number('readtime') ?? options.readTimeSeconds,
    driftCompensation: values.flag('driftcomp'),
    ...(wires ? { wires } : {}),
  };
  const statesSpan = values.span('states');
  return { definition: { name, model: model.name.toLowerCase(), config, span: card.span }, deviceOverrides: overrides, ...(statesSpan ? { statesSpan } : {}) };
}

/**
 * The states per cell of an N-ary mapping on a device with discrete levels: each digit needs one
 * level, so the states are the device's level count. Unwritten `states` takes it; a written one that
 * differs is an error (undefined). Other mappings and continuous devices keep `mapping` as it is.
 */
export function naryStates(
  ctx: SemanticContext,
  mapping: MappingConfig,
  device: DeviceInstance,
  modelName: string,
  statesSpan: Span | undefined,
  where: string,
): MappingConfig | undefined {
  const levels = device.states.levels?.length;
  if (mapping.scheme !== 'nary' || levels === undefined) return mapping;
  if (statesSpan === undefined) return { ...mapping, statesPerCell: levels };
  if (mapping.statesPerCell === levels) return mapping;
  ctx.bag.error(
    'E503',
    statesSpan,
    `states=${mapping.statesPerCell} on ${where}, but its model '${modelName}' (${device.modelName}) has ${levels} levels: each N-ary digit is one device level`,
    `write states=${levels}, or leave states out to take the device's levels`,
  );
  return undefined;
}

/** A model's device, re-created with the array's gmax/gmin when it sets them. */
export function deviceWith(
  ctx: SemanticContext,
  model: ModelDefinition,
  overrides: ReadonlyMap<string, { value: number; span: Span }>,
  fallback: Span,
): DeviceInstance | undefined {
  if (overrides.size === 0) return model.device;
  const written = new Map(Object.entries(model.values).map(([key, value]) => [key, { value, span: model.span }]));
  for (const [key, value] of overrides) written.set(key, value);
  return instantiate(ctx, ctx.registry.get(model.type), written, model.preset, fallback);
}

/** gmax/gmin written on the array, checked against the model's declarations; undefined on error. */
function deviceOverrides(
  ctx: SemanticContext,
  card: Card,
  model: ModelDefinition | undefined,
): Map<string, { value: number; span: Span }> | undefined {
  const out = new Map<string, { value: number; span: Span }>();
  let ok = true;
  for (const item of card.items) {
    if (!isDeviceOverride(item)) continue;
    const key = item.key!.toLowerCase();
    if (!model) return out;
    const device = ctx.registry.get(model.type);
    if (!device.params.some((p) => p.name === key)) {
      ctx.bag.error('E402', item.keySpan ?? item.span, `device type '${model.type}' of model '${model.name}' has no parameter '${key}' to override`);
      ok = false;
      continue;
    }
    const value = readModelParameter(ctx, device, item, out);
    if (value === undefined) ok = false;
    else out.set(key, { value, span: item.span });
  }
  return ok ? out : undefined;
}

function isDeviceOverride(item: Item): boolean {
  const key = item.key?.toLowerCase();
  return key === 'gmax' || key === 'gmin';
}

function warnUnused(ctx: SemanticContext, values: OptionValues): void {
  const mapping = values.text('mapping');
  for (const key of ['states', 'digits']) {
    const span = values.span(key);
    if (span && mapping !== 'nary') ctx.bag.warning('W501', span, `${key} has no effect unless mapping=nary`);
  }
  const margin = values.span('dac_margin');
  if (margin && (values.number('dac_range') !== undefined || values.text('dac_range') === 'fixed')) {
    ctx.bag.warning('W501', margin, 'dac_margin has no effect unless dac_range=calibrated');
  }
  const fullscale = values.span('adc_fullscale');
  if (fullscale && values.text('adc_range') !== 'fixed') {
    ctx.bag.warning('W501', fullscale, 'adc_fullscale has no effect unless adc_range=fixed');
  }
}

function mappingConfig(values: OptionValues): MappingConfig {
  return {
    scheme: values.text('mapping') as MappingScheme,
    scale: values.text('scale') as MappingConfig['scale'],
    clipFraction: values.number('clip')!,
    statesPerCell: values.number('states')!,
    cellsPerWeight: values.number('digits')!,
  };
}

function dacConfig(values: OptionValues): DacConfig {
  const fixedRange = values.number('dac_range');
  return {
    bits: values.number('dac_bits')!,
    range: fixedRange !== undefined || values.text('dac_range') === 'fixed' ? 'fixed' : 'calibrated',
    inputRange: fixedRange ?? DEFAULT_DAC.inputRange,
    calibrationMargin: values.number('dac_margin')!,
    readVoltage: values.number('vread')!,
    bitSerial: values.flag('bitserial'),
    noiseRelative: values.number('dac_noise')!,
  };
}

function adcConfig(values: OptionValues): AdcConfig {
  return {
    bits: values.number('adc_bits')!,
    range: values.text('adc_range') as AdcConfig['range'],
    rangeAmperes: values.number('adc_fullscale')!,
    calibrationMargin: values.number('adc_margin')!,
    noiseRelative: values.number('adc_noise')!,
  };
}

function wireConfig(values: OptionValues): WireConfig | undefined {
  const keys = ['rwire', 'rrow', 'rcol', 'rsource', 'rsense'];
  if (!keys.some((key) => values.has(key))) return undefined;
  const wire = values.number('rwire') ?? 0;
  return {
    rowSegmentOhms: values.number('rrow') ?? wire,
    columnSegmentOhms: values.number('rcol') ?? wire,
    sourceOhms: values.number('rsource') ?? 0,
    senseOhms: values.number('rsense') ?? 0,
  };
}
