/**
 * `.model NAME TYPE [preset=P] (k=v ...)`: a device model instance. TYPE is a device plugin of the
 * registry; every k=v is checked against the plugin's declared parameters (name, unit, range) and
 * the instance is created through the registry, so the plugin's own checks (gmin < gmax...) apply.
 */
import { type DeviceInstance, DeviceParameterError, type DeviceModel, type ParamSpec, UnknownDeviceError } from '@xbar/core';
import type { Card, Item, Span } from '../ast.js';
import { didYouMean } from '../suggest.js';
import { describeValue, type SemanticContext } from './context.js';
import type { ModelDefinition } from './design.js';
import { checkNumber, type NumberSpec } from './options.js';

/** A model parameter written on a card, with where it was written (for pointing at it later). */
interface WrittenValue {
  readonly value: number;
  readonly span: Span;
}

export function buildModel(ctx: SemanticContext, card: Card): ModelDefinition | undefined {
  const [nameItem, typeItem, ...rest] = card.items;
  const name = positionalWord(nameItem);
  if (!name) return undefined; // reported while collecting definitions
  const typeWord = positionalWord(typeItem);
  if (!typeWord || !typeItem) {
    ctx.bag.error('E507', typeItem?.span ?? endOf(nameItem.span), `.model '${name}' needs a device type after its name`, `registered device types: ${ctx.registry.names().join(', ')}`);
    return undefined;
  }
  const type = typeWord.toLowerCase();
  if (!ctx.registry.has(type)) {
    const near = didYouMean(typeWord, ctx.registry.names());
    const registered = `registered device types: ${ctx.registry.names().join(', ') || '(none)'}`;
    ctx.bag.error('E401', typeItem.span, `unknown device type '${typeWord}'`, near ? `${near} ${registered}` : registered);
    return undefined;
  }
  const model = ctx.registry.get(type);
  let preset: string | undefined;
  const written = new Map<string, WrittenValue>();
  let ok = true;
  for (const item of flattenParameters(ctx, rest)) {
    const key = item.key!.toLowerCase();
    if (key === 'preset') {
      preset = readPreset(ctx, model, item);
      if (preset === undefined) ok = false;
      continue;
    }
    const value = readModelParameter(ctx, model, item, written);
    if (value === undefined) ok = false;
    else written.set(key, { value, span: item.span });
  }
  if (!ok) return undefined;
  const device = instantiate(ctx, model, written, preset, card.span);
  if (!device) return undefined;
  const values = Object.fromEntries([...written].map(([key, v]) => [key, v.value]));
  return { name, type, ...(preset ? { preset } : {}), values, device, span: card.span };
}

/** Named items after the type, with `( ... )` groups opened; anything else is reported. */
function flattenParameters(ctx: SemanticContext, items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    if (item.key !== undefined) out.push(item);
    else if (item.value.kind === 'list') out.push(...flattenParameters(ctx, item.value.items));
    else ctx.bag.error('E507', item.span, `unexpected ${describeValue(item.value)} in .model`, 'model parameters are written name=value');
  }
  return out;
}

function readPreset(ctx: SemanticContext, model: DeviceModel, item: Item): string | undefined {
  const value = item.value;
  const word = value.kind === 'word' ? value.name : value.kind === 'string' ? value.value : undefined;
  const names = model.presets.map((p) => p.name);
  if (word === undefined || !names.includes(word.toLowerCase())) {
    const shown = word ?? describeValue(value);
    const hint = (word && didYouMean(word, names)) ?? `presets of '${model.name}': ${names.join(', ') || '(none)'}`;
    ctx.bag.error('E405', value.span, `device type '${model.name}' has no preset '${shown}'`, hint);
    return undefined;
  }
  return word.toLowerCase();
}

/** Checks one k=v against the model's declared parameters; the value, or undefined after a diagnostic. */
export function readModelParameter(
  ctx: SemanticContext,
  model: DeviceModel,
  item: Item,
  written: ReadonlyMap<string, unknown>,
): number | undefined {
  const key = item.key!.toLowerCase();
  const spec = model.params.find((p) => p.name === key);
  if (!spec) {
    const names = model.params.map((p) => p.name);
    const hint = didYouMean(item.key!, names) ?? `parameters of '${model.name}': ${names.join(', ')}`;
    ctx.bag.error('E402', item.keySpan ?? item.span, `device type '${model.name}' has no parameter '${item.key}'`, hint);
    return undefined;
  }
  if (written.has(key)) {
    ctx.bag.error('E508', item.keySpan ?? item.span, `parameter '${key}' is given twice`);
    return undefined;
  }
  const number = ctx.number(item.value, { unit: spec.unit });
  if (number === undefined) return undefined;
  return checkNumber(ctx, numberSpecOf(spec), number, item.value) ? number : undefined;
}

/** A device ParamSpec as an option spec (same range semantics). */
export function numberSpecOf(spec: ParamSpec): NumberSpec {
  return {
    kind: 'number',
    name: spec.name,
    unit: spec.unit,
    default: spec.default,
    min: spec.min,
    max: spec.max,
    doc: spec.doc,
    ...(spec.integer ? { integer: true } : {}),
  };
}

/**
 * Creates the instance through the registry. A refusal (a relation such as gmin < gmax, or a plugin's
 * own check) is reported at the parameter it names, else at `fallback`.
 */
export function instantiate(
  ctx: SemanticContext,
  model: DeviceModel,
  written: ReadonlyMap<string, WrittenValue>,
  preset: string | undefined,
  fallback: Span,
): DeviceInstance | undefined {
  const values = Object.fromEntries([...written].map(([key, v]) => [key, v.value]));
  try {
    return ctx.registry.create(model.name, values, preset);
  } catch (error) {
    if (error instanceof DeviceParameterError) {
      const at = (error.parameter ? written.get(error.parameter.toLowerCase())?.span : undefined) ?? fallback;
      ctx.bag.error('E403', at, error.message);
    } else if (error instanceof UnknownDeviceError) {
      ctx.bag.error('E405', fallback, error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      ctx.bag.error('E403', fallback, `device type '${model.name}' refused these parameters: ${message}`);
    }
    return undefined;
  }
}

/** The word of a positional item, or undefined. */
export function positionalWord(item: Item | undefined): string | undefined {
  return item && item.key === undefined && item.value.kind === 'word' ? item.value.name : undefined;
}

function endOf(span: Span): Span {
  return { ...span, line: span.endLine, column: span.endColumn + 1, endColumn: span.endColumn + 1 };
}
