/** BatchNormalization (inference): folded into the preceding dense or conv layer when it can be, else a per-channel affine node. */
import { OnnxImportError } from '../../constant.js';
import { foldScaleShift } from '../folding/batch-norm.js';
import type { Handler, NodeContext } from '../node-context.js';

function batchNormalization(context: NodeContext): void {
  const { graph } = context;
  const attributes = context.attributes(graph.opset < 9 ? ['epsilon', 'momentum', 'spatial'] : ['epsilon', 'momentum', 'training_mode']);
  if (attributes.int('training_mode', 0) !== 0) throw new OnnxImportError(`${context.where}: training_mode = 1: inference graphs only`);
  // before opset 9, spatial = 0 normalizes per element instead of per channel
  if (attributes.int('spatial', 1) !== 1) throw new OnnxImportError(`${context.where}: spatial = 0 (per-element statistics) is not supported`);
  if (context.node.output.slice(1).some((name) => graph.isUsed(name))) throw new OnnxImportError(`${context.where}: running mean / variance outputs are not supported`);
  const epsilon = attributes.float('epsilon', 1e-5);
  const x = context.batchFirstInput(0, 'X');
  const channels = x.shape[0];
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => {
    const tensor = context.constantInput(i, ['', 'scale', 'B', 'input_mean', 'input_var'][i]);
    if (tensor.values.length !== channels) throw new OnnxImportError(`${context.where}: input ${i} has ${tensor.values.length} values for ${channels} channels`);
    return tensor.values;
  });
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = gamma[c] / Math.sqrt(variance[c] + epsilon);
    shift[c] = beta[c] - mean[c] * scale[c];
  }
  if (foldScaleShift(graph, x, context.node.input[0], scale, shift, context.output(0))) return;
  context.addNode({ op: 'affine', name: context.name, inputs: [x.id], output: context.output(0), axis: 1, scale, shift }, [x.shape]);
}

export const NORMALIZATION_HANDLERS: Readonly<Record<string, Handler>> = {
  BatchNormalization: batchNormalization,
};
