/**
 * `.network NAME` ... `.endnetwork`: which layers run, in order, on which arrays and device models;
 * or an ONNX model's weight nodes placed on arrays by `.map` cards.
 *
 *   .network mlp
 *   .layer fc1 weights=W1 array=xb activation=relu
 *   .layer fc2 weights=W2 array=xb model=pcm1
 *   .endnetwork
 *
 *   .network cnn onnx="cnn.onnx" array=xb
 *   .map "layer3.*" array=big model=pcm1
 *   .map "fc" digital=yes
 *   .endnetwork
 */
import type { CrossbarConfig } from '@xbar/core';
import type { Card, Span } from '../ast.js';
import { type BuiltArray, deviceWith, naryStates } from './arrays.js';
import type { SemanticContext } from './context.js';
import type { Activation, ArrayPlacement, LayerDefinition, ModelDefinition, NetworkDefinition, NodeMapDefinition, NodePlacementDefinition, TensorDefinition } from './design.js';
import { positionalWord } from './models.js';
import { type OptionSpec, type OptionValues, readOptions } from './options.js';
import { shapeOf } from './tensors.js';

export const LAYER_OPTIONS: readonly OptionSpec[] = [
  { kind: 'ref', name: 'weights', target: 'weights', required: true, doc: 'the weight matrix (rows = inputs, cols = outputs)' },
  { kind: 'ref', name: 'array', target: 'array', required: true, doc: 'the array (tile type) the layer is mapped onto' },
  { kind: 'ref', name: 'model', target: 'model', doc: "device model of this layer (default: the array's)" },
  { kind: 'ref', name: 'bias', target: 'weights', doc: 'a bias vector (1 x outputs), added digitally' },
  { kind: 'enum', name: 'activation', values: ['none', 'relu', 'sigmoid', 'tanh', 'softmax'], default: 'none', doc: 'applied digitally after the layer' },
];

/** Keys of the `.network` card itself (all for ONNX networks). */
export const NETWORK_OPTIONS: readonly OptionSpec[] = [
  { kind: 'path', name: 'onnx', doc: 'an ONNX model file, relative to the netlist: the network is imported from it' },
  { kind: 'ref', name: 'array', target: 'array', doc: 'the array of every weight node no .map places (ONNX networks)' },
  { kind: 'ref', name: 'model', target: 'model', doc: "device model of those nodes (default: the array's)" },
];

/** Keys of a `.map "PATTERN"` card inside an ONNX network. */
export const MAP_OPTIONS: readonly OptionSpec[] = [
  { kind: 'ref', name: 'array', target: 'array', doc: 'the array the matched weight nodes are mapped onto' },
  { kind: 'ref', name: 'model', target: 'model', doc: "device model of the matched nodes (default: the array's)" },
  { kind: 'flag', name: 'digital', default: false, doc: 'run the matched weight nodes digitally (exact float64), not on an array' },
];

/** A `.network` card with the `.layer` or `.map` cards between it and its `.endnetwork`. */
export interface NetworkCards {
  readonly card: Card;
  readonly name: string;
  readonly layers: Card[];
  readonly maps: Card[];
}

export interface NetworkInputs {
  readonly arrays: ReadonlyMap<string, BuiltArray>;
  readonly models: ReadonlyMap<string, ModelDefinition>;
  readonly weights: ReadonlyMap<string, TensorDefinition>;
}

export function buildNetwork(ctx: SemanticContext, cards: NetworkCards, inputs: NetworkInputs): NetworkDefinition | undefined {
  const values = readOptions(ctx, cards.card.items.slice(1), NETWORK_OPTIONS, `.network '${cards.name}'`, cards.card.keywordSpan);
  if (values.written('onnx')) return buildOnnxNetwork(ctx, cards, values, inputs);
  for (const key of ['array', 'model']) {
    if (values.written(key)) ctx.bag.error('E501', values.span(key)!, `${key}= on .network places the nodes of an ONNX model; give onnx="model.onnx", or put array= on each .layer`);
  }
  for (const card of cards.maps) ctx.bag.error('E604', card.keywordSpan, `.map places the weight nodes of an ONNX model, but network '${cards.name}' has no onnx="..."`, 'give onnx="model.onnx" on the .network card, or use .layer cards');
  if (cards.layers.length === 0) {
    ctx.bag.error('E604', cards.card.span, `network '${cards.name}' has no layers`, 'add .layer NAME weights=W array=A cards before .endnetwork');
    return undefined;
  }
  const layers: LayerDefinition[] = [];
  const seen = new Map<string, Span>();
  let ok = true;
  for (const card of cards.layers) {
    const layer = buildLayer(ctx, card, seen, inputs);
    if (layer) layers.push(layer);
    else ok = false;
  }
  if (!ok) return undefined;
  checkChain(ctx, layers, inputs.weights);
  return { kind: 'layers', name: cards.name, layers, span: cards.card.span };
}

/** `.network NAME onnx="..." [array=A] [model=M]` with its `.map` cards (no `.layer`). */
function buildOnnxNetwork(ctx: SemanticContext, cards: NetworkCards, values: OptionValues, inputs: NetworkInputs): NetworkDefinition | undefined {
  for (const card of cards.layers) {
    ctx.bag.error('E604', card.keywordSpan, `.layer in network '${cards.name}', which is imported from an ONNX model`, 'place its weight nodes with .map "PATTERN" array=A cards, or drop onnx= and list the layers');
  }
  const path = values.text('onnx');
  if (path === undefined || cards.layers.length > 0) return undefined;
  let defaultPlacement: ArrayPlacement | undefined;
  if (values.written('model') && !values.written('array')) {
    ctx.bag.error('E501', values.span('model')!, `model= on .network '${cards.name}' sets the model of its default array; give array= too`);
    return undefined;
  }
  if (values.written('array')) {
    defaultPlacement = arrayPlacement(ctx, values, inputs, cards.card.span, `network '${cards.name}'`);
    if (!defaultPlacement) return undefined;
  }
  const maps: NodeMapDefinition[] = [];
  let ok = true;
  for (const card of cards.maps) {
    const map = buildMap(ctx, card, inputs);
    if (map) maps.push(map);
    else ok = false;
  }
  if (!ok) return undefined;
  return { kind: 'onnx', name: cards.name, path, pathSpan: values.span('onnx')!, ...(defaultPlacement ? { defaultPlacement } : {}), maps, span: cards.card.span };
}

/** `.map "PATTERN" array=A [model=M]` or `.map "PATTERN" digital=yes`. */
function buildMap(ctx: SemanticContext, card: Card, inputs: NetworkInputs): NodeMapDefinition | undefined {
  const first = card.items[0];
  const pattern = first && first.key === undefined ? (first.value.kind === 'string' ? first.value.value : positionalWord(first)) : undefined;
  if (pattern === undefined || pattern === '') {
    ctx.bag.error('E507', first?.span ?? card.keywordSpan, '.map needs a node name or glob first', 'write .map "layer1.*" array=A (or digital=yes)');
    return undefined;
  }
  const where = `.map '${pattern}'`;
  const values = readOptions(ctx, card.items.slice(1), MAP_OPTIONS, where, card.keywordSpan);
  if (values.written('digital') && !values.has('digital')) return undefined;
  let placement: NodePlacementDefinition | undefined;
  if (values.flag('digital')) {
    const onArray = ['array', 'model'].find((key) => values.written(key));
    if (onArray) {
      ctx.bag.error('E501', values.span(onArray)!, `${where} keeps its nodes digital, so ${onArray}= has no effect`, 'drop digital=yes to place them on an array');
      return undefined;
    }
    placement = { kind: 'digital' };
  } else if (!values.written('array')) {
    ctx.bag.error('E502', card.keywordSpan, `${where} needs array=ARRAY (or digital=yes)`);
    return undefined;
  } else {
    placement = arrayPlacement(ctx, values, inputs, card.span, `nodes '${pattern}'`);
  }
  return placement && { pattern, placement, span: card.span };
}

/** The array (and `model=` device) of `values`, for the nodes `what` names in messages. */
function arrayPlacement(ctx: SemanticContext, values: OptionValues, inputs: NetworkInputs, span: Span, what: string): ArrayPlacement | undefined {
  const arrayName = values.text('array');
  if (arrayName === undefined || (values.written('model') && !values.has('model'))) return undefined;
  const array = inputs.arrays.get(arrayName.toLowerCase());
  if (!array) return undefined; // the array itself failed: already reported
  const modelName = values.text('model') ?? array.definition.model;
  const config = arrayConfig(ctx, array, modelName, inputs, span, `array '${arrayName}' (${what}, model=${modelName})`);
  return config && { kind: 'array', array: arrayName, model: modelName, config };
}

/** The array's configuration with the device of `modelName` (its own, or another model with the array's overrides). */
function arrayConfig(ctx: SemanticContext, array: BuiltArray, modelName: string, inputs: NetworkInputs, span: Span, where: string): CrossbarConfig | undefined {
  const model = inputs.models.get(modelName.toLowerCase());
  if (!model) return undefined;
  if (modelName.toLowerCase() === array.definition.model) return array.definition.config;
  const device = deviceWith(ctx, model, array.deviceOverrides, span);
  if (!device) return undefined;
  const mapping = naryStates(ctx, array.definition.config.mapping, device, model.name, array.statesSpan, where);
  return mapping && { ...array.definition.config, device, mapping };
}

function buildLayer(ctx: SemanticContext, card: Card, seen: Map<string, Span>, inputs: NetworkInputs): LayerDefinition | undefined {
  const name = positionalWord(card.items[0]);
  if (!name) {
    ctx.bag.error('E507', card.items[0]?.span ?? card.keywordSpan, '.layer needs a name first', 'write .layer NAME weights=W array=A');
    return undefined;
  }
  const key = name.toLowerCase();
  const earlier = seen.get(key);
  if (earlier) {
    ctx.bag.error('E506', card.items[0].span, `layer '${name}' is already defined in this network (line ${earlier.line})`);
    return undefined;
  }
  seen.set(key, card.span);
  const values = readOptions(ctx, card.items.slice(1), LAYER_OPTIONS, `.layer '${name}'`, card.keywordSpan);
  const weights = values.text('weights');
  const arrayName = values.text('array');
  if (weights === undefined || arrayName === undefined || (values.written('model') && !values.has('model'))) return undefined;
  if (values.written('bias') && !values.has('bias')) return undefined;
  const array = inputs.arrays.get(arrayName.toLowerCase());
  if (!array) return undefined; // the array itself failed: already reported
  const modelName = values.text('model') ?? array.definition.model;
  const config = arrayConfig(ctx, array, modelName, inputs, card.span, `array '${arrayName}' (layer '${name}', model=${modelName})`);
  if (!config) return undefined;
  const bias = values.text('bias');
  return {
    name,
    weights,
    ...(bias ? { bias } : {}),
    array: arrayName,
    model: modelName,
    activation: values.text('activation') as Activation,
    config,
    span: card.span,
  };
}

/** Consecutive layers must agree: outputs of one = inputs of the next; a bias has one value per output. */
function checkChain(ctx: SemanticContext, layers: readonly LayerDefinition[], weights: ReadonlyMap<string, TensorDefinition>): void {
  const shape = (name: string) => {
    const tensor = weights.get(name.toLowerCase());
    return tensor ? shapeOf(tensor.source) : undefined;
  };
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const own = shape(layer.weights);
    if (own && layer.bias) {
      const bias = shape(layer.bias);
      if (bias && bias.rows * bias.cols !== own.cols) {
        ctx.bag.error('E603', layer.span, `bias '${layer.bias}' has ${count(bias.rows * bias.cols, 'value')} but layer '${layer.name}' has ${count(own.cols, 'output')}`);
      }
    }
    const next = layers[i + 1];
    const following = next ? shape(next.weights) : undefined;
    if (own && next && following && own.cols !== following.rows) {
      ctx.bag.error(
        'E603',
        next.span,
        `layer '${next.name}' takes ${count(following.rows, 'input')} but layer '${layer.name}' gives ${count(own.cols, 'output')}`,
        'weights are written as placed on the array: rows = inputs, cols = outputs',
      );
    }
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
