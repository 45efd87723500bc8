/** BatchNormalization folded into the preceding layer: a per-channel scale and shift absorbed by the dense or conv node producing its input. */
import { matrix } from '@xbar/core';
import type { GraphImporter } from '../graph-importer.js';
import type { Activation } from '../values.js';

/**
 * Scales the weights and bias of the node producing `x` (ONNX name `onnxName`) by `scale` per output
 * channel and adds `shift`, renaming its output to `output`, if that node is a conv, or a dense layer
 * on B x F vectors, that nothing else reads; returns whether it did.
 */
export function foldScaleShift(graph: GraphImporter, x: Activation, onnxName: string, scale: Float64Array, shift: Float64Array, output: string): boolean {
  const producer = graph.foldableProducer(x, onnxName);
  // the channel axis (1) is the output axis of a conv, and of a dense layer on B x F vectors
  if (producer === undefined || !(producer.op === 'conv2d' || x.shape.length === 1)) return false;
  const { rows, cols } = producer.weights;
  const weights = matrix(rows, cols, Float64Array.from(producer.weights.data));
  const bias = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) weights.data[r * cols + k] *= scale[r];
    bias[r] = producer.bias[r] * scale[r] + shift[r];
  }
  graph.replaceWeightNode(producer, { ...producer, weights, bias, output }, x.shape);
  return true;
}
