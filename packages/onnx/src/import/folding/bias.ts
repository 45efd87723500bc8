/** Bias folding: an Add of a constant after a dense or conv node absorbed into that node's bias. */
import type { GraphImporter } from '../graph-importer.js';
import type { Activation } from '../values.js';

/**
 * Adds the constant (`values` of per-sample broadcast shape `constantShape`) to the bias of the node
 * producing `x` (ONNX name `onnxName`), renaming its output to `output`, if that node is a dense or
 * conv node nothing else reads and the constant is one value per output; returns whether it did.
 */
export function foldBias(graph: GraphImporter, x: Activation, onnxName: string, constantShape: readonly number[], values: Float64Array, output: string): boolean {
  const producer = graph.foldableProducer(x, onnxName);
  const perOutput = producer === undefined ? undefined : biasAlongAxis(constantShape, values, x.shape, producer.op === 'dense' ? x.shape.length - 1 : 0);
  if (producer === undefined || perOutput === undefined) return false;
  const bias = Float64Array.from(producer.bias, (v, o) => v + perOutput[o]);
  graph.replaceWeightNode(producer, { ...producer, bias, output }, x.shape);
  return true;
}

/**
 * A constant (per-sample broadcast shape) as one value per index of `axis` of `shape`, if it is
 * constant along every other axis; else undefined.
 */
function biasAlongAxis(constantShape: readonly number[], values: Float64Array, shape: readonly number[], axis: number): Float64Array | undefined {
  const aligned = [...new Array<number>(shape.length - constantShape.length).fill(1), ...constantShape];
  if (aligned.some((d, i) => i !== axis && d !== 1)) return undefined;
  const channels = shape[axis];
  if (aligned[axis] === channels) return Float64Array.from(values);
  if (aligned[axis] === 1) return new Float64Array(channels).fill(values[0]);
  return undefined;
}
