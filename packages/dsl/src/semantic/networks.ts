/**
 * `.network NAME` ... `.endnetwork`: which layers run, in order, on which arrays and device models.
 *
 *   .network mlp
 *   .layer fc1 weights=W1 array=xb activation=relu
 *   .layer fc2 weights=W2 array=xb model=pcm1
 *   .endnetwork
 */
import type { Card, Span } from '../ast.js';
import { type BuiltArray, deviceWith, naryStates } from './arrays.js';
import type { SemanticContext } from './context.js';
import type { Activation, LayerDefinition, ModelDefinition, NetworkDefinition, TensorDefinition } from './design.js';
import { positionalWord } from './models.js';
import { type OptionSpec, readOptions } from './options.js';
import { shapeOf } from './tensors.js';

export const LAYER_OPTIONS: readonly OptionSpec[] = [
  { kind: 'ref', name: 'weights', target: 'weights', required: true, doc: 'the weight matrix (rows = inputs, cols = outputs)' },
  { kind: 'ref', name: 'array', target: 'array', required: true, doc: 'the array (tile type) the layer is mapped onto' },
  { kind: 'ref', name: 'model', target: 'model', doc: "device model of this layer (default: the array's)" },
  { kind: 'ref', name: 'bias', target: 'weights', doc: 'a bias vector (1 x outputs), added digitally' },
  { kind: 'enum', name: 'activation', values: ['none', 'relu', 'sigmoid', 'tanh', 'softmax'], default: 'none', doc: 'applied digitally after the layer' },
];

/** A `.network` card with the `.layer` cards between it and its `.endnetwork`. */
export interface NetworkCards {
  readonly card: Card;
  readonly name: string;
  readonly layers: Card[];
}

export interface NetworkInputs {
  readonly arrays: ReadonlyMap<string, BuiltArray>;
  readonly models: ReadonlyMap<string, ModelDefinition>;
  readonly weights: ReadonlyMap<string, TensorDefinition>;
}

export function buildNetwork(ctx: SemanticContext, cards: NetworkCards, inputs: NetworkInputs): NetworkDefinition | undefined {
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
  return { name: cards.name, layers, span: cards.card.span };
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
  const model = inputs.models.get(modelName.toLowerCase());
  if (!model) return undefined;
  const ownModel = modelName.toLowerCase() === array.definition.model;
  const device = ownModel ? array.definition.config.device : deviceWith(ctx, model, array.deviceOverrides, card.span);
  if (!device) return undefined;
  const mapping = ownModel ? array.definition.config.mapping : naryStates(ctx, array.definition.config.mapping, device, model.name, array.statesSpan, `array '${arrayName}' (layer '${name}', model=${modelName})`);
  if (!mapping) return undefined;
  const bias = values.text('bias');
  return {
    name,
    weights,
    ...(bias ? { bias } : {}),
    array: arrayName,
    model: modelName,
    activation: values.text('activation') as Activation,
    config: { ...array.definition.config, device, mapping },
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
