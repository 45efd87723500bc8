import {
  type AxisPadding,
  type Conv2dNode,
  type DenseNode,
  type Network,
  type NetworkNode,
  TENSOR_OPS,
  type Tensor,
  castsToInteger,
  createRng,
  type TensorOpAttributes,
  broadcastAdd,
  broadcastShapes,
  matrix,
  nodeOutputShape,
  samePadding,
} from '@xbar/core';
import { NodeAttributes, describeNode } from './attributes.js';
import { type ConstantTensor, OnnxImportError, decodeTensor, dimsSize } from './constant.js';
import { type OnnxModel, type OnnxNode, decodeOnnxModel } from './model.js';
import { OnnxDataType } from './schema.js';
import { concatConstants, gatherConstant, unsqueezeDims } from './shape-ops.js';
import { TENSOR_OP_ATTRIBUTES, readTensorOpAttributes } from './tensor-op-specs.js';
import { type RecurrentOp, readRecurrentSettings, recurrentAttributeNames, recurrentWeights } from './recurrent.js';
import {
  type BatchLayout,
  FIRST_AXIS,
  SYMBOLIC_BATCH,
  batchMultiple,
  batchOf,
  dimsAtBatch,
  dimsAtSymbolicBatch,
  formatDim,
  formatDims,
  isFirstAxis,
  reshapeBatch,
  sampleOf,
} from './batch-layout.js';

/** Most elements of a constant the importer creates (ConstantOfShape): 2^27 float64 values, 1 GiB. */
const MAX_CONSTANT_ELEMENTS = 2 ** 27;

/** ONNX operator set versions (default domain) the importer accepts. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 22;

/**
 * The ops with their own translation (weight layers, pooling, recurrent layers, folding of shapes and
 * constants), by ONNX op type: its keys and core's tensor ops are the supported-op list.
 */
const TRANSLATORS: Readonly<Record<string, (importer: GraphImporter, context: NodeContext, op: string) => void>> = {
  Constant: (importer, context) => importer.constant(context),
  Identity: (_, context) => context.alias(context.input(0)),
  Dropout: (importer, context) => importer.dropout(context),
  Relu: (importer, context) => importer.elementwise(context, 'Relu'),
  Sigmoid: (importer, context) => importer.elementwise(context, 'Sigmoid'),
  Tanh: (importer, context) => importer.elementwise(context, 'Tanh'),
  Softmax: (importer, context) => importer.softmax(context),
  Gemm: (importer, context) => importer.gemm(context),
  MatMul: (importer, context) => importer.matmul(context),
  Add: (importer, context) => importer.add(context),
  Conv: (importer, context) => importer.conv(context),
  ConvTranspose: (importer, context) => importer.convTranspose(context),
  MaxPool: (importer, context) => importer.pool(context, 'MaxPool'),
  AveragePool: (importer, context) => importer.pool(context, 'AveragePool'),
  GlobalAveragePool: (importer, context) => importer.globalAveragePool(context),
  BatchNormalization: (importer, context) => importer.batchNormalization(context),
  Flatten: (importer, context) => importer.flatten(context),
  Reshape: (importer, context) => importer.reshape(context),
  Shape: (importer, context) => importer.shape(context),
  Gather: (importer, context) => importer.gather(context),
  Unsqueeze: (importer, context) => importer.unsqueeze(context),
  Squeeze: (importer, context) => importer.squeeze(context),
  Concat: (importer, context) => importer.concat(context),
  Split: (importer, context) => importer.split(context),
  ConstantOfShape: (importer, context) => importer.constantOfShape(context),
  LSTM: (importer, context) => importer.recurrent(context, 'LSTM'),
  GRU: (importer, context) => importer.recurrent(context, 'GRU'),
  RNN: (importer, context) => importer.recurrent(context, 'RNN'),
};

/** Operators of the default ONNX domain the importer understands: its own, and the digital tensor ops of core's table. */
export const SUPPORTED_OPS: readonly string[] = [...new Set([...Object.keys(TRANSLATORS), ...Object.keys(TENSOR_OP_ATTRIBUTES)])];

/** The result of importing an ONNX model. */
export interface ImportedModel {
  readonly network: Network;
  /** Operator set version of the default domain. */
  readonly opset: number;
  /** producer_name and producer_version of the model, e.g. "pytorch 1.13.0". */
  readonly producer: string;
}

/**
 * A value of the ONNX graph during import: a constant; an activation computed per batch (`shape` is
 * per sample when `batch` is the first axis, else the whole value's at batch 1); or a tensor of one
 * value whose dims depend on the batch size (ConstantOfShape of a shape read from an activation,
 * such as a recurrent layer's zero initial state), `dims` holding multiples of SYMBOLIC_BATCH.
 */
type Value =
  | { readonly kind: 'constant'; readonly tensor: ConstantTensor }
  | { readonly kind: 'activation'; readonly id: string; readonly shape: readonly number[]; readonly batch: BatchLayout }
  | { readonly kind: 'filled'; readonly value: number; readonly dims: readonly number[] };

type Activation = Extract<Value, { kind: 'activation' }>;
type Constant = Extract<Value, { kind: 'constant' }>;
type Filled = Extract<Value, { kind: 'filled' }>;

/** Decodes ONNX bytes (a ModelProto) and imports the inference graph. */
export function importOnnx(bytes: Uint8Array): ImportedModel {
  return importOnnxModel(decodeOnnxModel(bytes));
}

/**
 * Builds the xbar network of a decoded ONNX model: shapes inferred, constant subgraphs (Constant,
 * Shape, Gather, Unsqueeze, Concat, Identity...) folded, BatchNormalization folded into the
 * preceding Conv / Gemm / MatMul (an affine node otherwise), bias Adds folded into their layer.
 * Throws OnnxImportError listing every unsupported op with its node names, or naming the node and
 * the problem.
 */
export function importOnnxModel(model: OnnxModel): ImportedModel {
  const graph = model.graph;
  if (graph === undefined) throw new OnnxImportError('the model has no graph');
  const opset = defaultOpset(model);
  refuseUnsupportedOps(graph.node);
  const importer = new GraphImporter(opset, graph.node, graph.output.map((o) => o.name ?? ''));
  const initializerNames = new Set<string>();
  for (const initializer of graph.initializer) {
    const name = initializer.name ?? '';
    initializerNames.add(name);
    const tensor = decodeTensor(initializer, `initializer '${name}'`);
    const bad = tensor.values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new OnnxImportError(`initializer '${name}': element ${bad} is ${tensor.values[bad]}; weights and other initializers must be finite`);
    importer.setConstant(name, tensor);
  }
  const inputs = graph.input.filter((input) => !initializerNames.has(input.name ?? ''));
  if (inputs.length !== 1) {
    throw new OnnxImportError(`the graph must have exactly one non-constant input, it has ${inputs.length}${inputs.length > 0 ? `: ${inputs.map((i) => i.name).join(', ')}` : ''}`);
  }
  const input = inputs[0];
  const inputName = input.name ?? '';
  const tensorType = input.type?.tensor_type;
  if (tensorType === undefined) throw new OnnxImportError(`graph input '${inputName}' is not a tensor`);
  if (tensorType.elem_type !== OnnxDataType.FLOAT && tensorType.elem_type !== OnnxDataType.DOUBLE) {
    throw new OnnxImportError(`graph input '${inputName}' must be float32 or float64, it is data type ${tensorType.elem_type}`);
  }
  const dims = tensorType.shape?.dim ?? [];
  if (dims.length < 2) throw new OnnxImportError(`graph input '${inputName}' must be a batch (batch x features...), its shape has ${dims.length} dimension(s)`);
  const inputShape = dims.slice(1).map((dim, i) => {
    const size = Number(dim.dim_value ?? 0);
    if (!(size > 0)) throw new OnnxImportError(`graph input '${inputName}': dimension ${i + 1} must be a fixed size (only the batch may be symbolic)`);
    return size;
  });
  importer.fixedBatch = dims[0].dim_value !== undefined && dims[0].dim_value > 0 ? Number(dims[0].dim_value) : undefined;
  importer.setActivation(inputName, inputName, inputShape, FIRST_AXIS);
  graph.node.forEach((node, index) => importer.importNode(node, index));
  const outputs = graph.output.map((output) => {
    const name = output.name ?? '';
    const value = importer.value(name, `graph output '${name}'`);
    if (value.kind !== 'activation') throw new OnnxImportError(`graph output '${name}' is a constant: nothing to compute`);
    if (!isFirstAxis(value.batch)) throw new OnnxImportError(`graph output '${name}' has the batch on axis ${value.batch.axis} of [${formatDims(fullDims(value))}]; graph outputs must be batch first`);
    return value.id;
  });
  const network: Network = { inputName, inputShape, nodes: importer.nodes, outputs };
  const producer = [model.producer_name, model.producer_version].filter((part) => part).join(' ');
  return { network, opset, producer };
}

function defaultOpset(model: OnnxModel): number {
  const entry = model.opset_import.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  if (entry === undefined) throw new OnnxImportError('the model imports no default-domain (ai.onnx) operator set');
  const version = Number(entry.version ?? 0);
  if (version < MIN_OPSET || version > MAX_OPSET) {
    throw new OnnxImportError(`operator set ${version} is not supported (opset ${MIN_OPSET} to ${MAX_OPSET} are)`);
  }
  return version;
}

/** Throws listing every node whose op is not supported, grouped by op. */
function refuseUnsupportedOps(nodes: readonly OnnxNode[]): void {
  const unsupported = new Map<string, string[]>();
  nodes.forEach((node, index) => {
    const domain = node.domain ?? '';
    const op = node.op_type ?? '';
    if ((domain === '' || domain === 'ai.onnx') && SUPPORTED_OPS.includes(op)) return;
    const key = domain === '' || domain === 'ai.onnx' ? op : `${domain}.${op}`;
    const names = unsupported.get(key) ?? [];
    names.push(`'${node.name || `#${index}`}'`);
    unsupported.set(key, names);
  });
  if (unsupported.size > 0) {
    const list = [...unsupported].map(([op, names]) => `${op} (node${names.length > 1 ? 's' : ''} ${names.join(', ')})`).join('; ');
    throw new OnnxImportError(`unsupported ONNX ops: ${list}. Supported: ${SUPPORTED_OPS.join(', ')}`);
  }
}

class GraphImporter {
  readonly nodes: NetworkNode[] = [];
  fixedBatch: number | undefined;
  private readonly values = new Map<string, Value>();
  /** Index in `nodes` of the node producing each activation id. */
  private readonly producers = new Map<string, number>();
  /** How many node inputs and graph outputs read each ONNX value. */
  private readonly readers = new Map<string, number>();

  constructor(
    readonly opset: number,
    onnxNodes: readonly OnnxNode[],
    graphOutputs: readonly string[],
  ) {
    for (const name of [...onnxNodes.flatMap((n) => n.input), ...graphOutputs]) this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
  }

  setConstant(name: string, tensor: ConstantTensor): void {
    this.values.set(name, { kind: 'constant', tensor });
  }

  setActivation(name: string, id: string, shape: readonly number[], batch: BatchLayout): void {
    this.values.set(name, { kind: 'activation', id, shape: [...shape], batch });
  }

  /** Binds an ONNX value name to an existing value (aliases: Identity, Dropout). */
  setValue(name: string, value: Value): void {
    this.values.set(name, value);
  }

  value(name: string, where: string): Value {
    const value = this.values.get(name);
    if (value === undefined) throw new OnnxImportError(`${where} reads '${name}', which is neither an input, an initializer nor an earlier node's output`);
    return value;
  }

  /** The activation a node of this import produced under `id`. */
  activation(id: string, where: string): Activation {
    const value = this.value(id, where);
    if (value.kind !== 'activation') throw new OnnxImportError(`${where}: internal: '${id}' is not an activation`);
    return value;
  }

  importNode(node: OnnxNode, index: number): void {
    const context = new NodeContext(this, node, describeNode(node, index));
    const op = node.op_type ?? '';
    const translate = TRANSLATORS[op];
    if (translate !== undefined) return translate(this, context, op);
    if (op in TENSOR_OP_ATTRIBUTES) return this.tensorOp(context, op);
    throw new OnnxImportError(`${context.where}: unsupported op`);
  }

  /** Appends a core node producing the node's first output, whose batch is laid out as `batch`. */
  addNode(context: NodeContext, node: NetworkNode, inputShapes: readonly (readonly number[])[], batch: BatchLayout = FIRST_AXIS): void {
    let shape: number[];
    try {
      shape = nodeOutputShape(node, inputShapes);
    } catch (error) {
      throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.producers.set(node.output, this.nodes.length);
    this.nodes.push(node);
    this.setActivation(node.output, node.output, shape, batch);
  }

  /**
   * The weight node producing `value` if it can absorb a following per-output scale or bias: a dense
   * or conv node whose output nothing but the current node reads.
   */
  foldableProducer(value: Activation, onnxName: string): DenseNode | Conv2dNode | undefined {
    if (value.id !== onnxName || this.readers.get(onnxName) !== 1) return undefined;
    const index = this.producers.get(value.id);
    if (index === undefined) return undefined;
    const node = this.nodes[index];
    return node.op === 'dense' || node.op === 'conv2d' ? node : undefined;
  }

  /** Replaces a weight node by a version with scaled weights / new bias and output renamed to `output`. */
  replaceWeightNode(old: DenseNode | Conv2dNode, replacement: DenseNode | Conv2dNode, shape: readonly number[]): void {
    const index = this.producers.get(old.output);
    if (index === undefined) throw new OnnxImportError(`internal: no producer for '${old.output}'`);
    this.producers.delete(old.output);
    this.nodes[index] = replacement;
    this.producers.set(replacement.output, index);
    this.setActivation(replacement.output, replacement.output, shape, this.layoutOf(old.output));
  }

  /** The batch layout of the activation a node produced. */
  layoutOf(id: string): BatchLayout {
    const value = this.values.get(id);
    return value?.kind === 'activation' ? value.batch : FIRST_AXIS;
  }

  isUsed(name: string): boolean {
    return name !== '' && (this.readers.get(name) ?? 0) > 0;
  }

  // --- constants and aliases -------------------------------------------------------------

  constant(context: NodeContext): void {
    const attributes = context.attributes(['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'sparse_value', 'value_string', 'value_strings']);
    for (const name of ['sparse_value', 'value_string', 'value_strings']) {
      if (attributes.has(name)) throw new OnnxImportError(`${context.where}: Constant '${name}' is not supported`);
    }
    const tensor = attributes.tensor('value');
    const valueFloat = attributes.has('value_float') ? attributes.float('value_float', 0) : undefined;
    const valueFloats = attributes.floats('value_floats');
    const valueInt = attributes.has('value_int') ? attributes.int('value_int', 0) : undefined;
    const valueInts = attributes.ints('value_ints');
    const given = [tensor, valueFloat, valueFloats, valueInt, valueInts].filter((v) => v !== undefined).length;
    if (given !== 1) throw new OnnxImportError(`${context.where}: a Constant needs exactly one value attribute, it has ${given}`);
    let result: ConstantTensor;
    if (tensor !== undefined) result = tensor;
    else if (valueFloat !== undefined) result = { kind: 'float', dims: [], values: Float64Array.of(valueFloat) };
    else if (valueFloats !== undefined) result = { kind: 'float', dims: [valueFloats.length], values: Float64Array.from(valueFloats) };
    else if (valueInt !== undefined) result = { kind: 'int', dims: [], values: Float64Array.of(valueInt) };
    else result = { kind: 'int', dims: [valueInts!.length], values: Float64Array.from(valueInts!) };
    this.setConstant(context.output(0), result);
  }

  dropout(context: NodeContext): void {
    context.attributes(['ratio', 'seed']);
    const training = context.optionalInput(2);
    if (training !== undefined) {
      if (training.kind !== 'constant') throw new OnnxImportError(`${context.where}: training_mode must be a constant`);
      if (training.tensor.values.some((v) => v !== 0)) throw new OnnxImportError(`${context.where}: training_mode is true: inference graphs only`);
    }
    if (this.isUsed(context.node.output[1] ?? '')) throw new OnnxImportError(`${context.where}: the Dropout mask output is used, which inference cannot provide`);
    context.alias(context.input(0));
  }

  // --- element-wise ----------------------------------------------------------------------

  elementwise(context: NodeContext, op: 'Relu' | 'Sigmoid' | 'Tanh'): void {
    context.attributes([]);
    const x = context.input(0);
    if (x.kind === 'constant') {
      const f = op === 'Relu' ? (v: number) => Math.max(v, 0) : op === 'Sigmoid' ? (v: number) => 1 / (1 + Math.exp(-v)) : Math.tanh;
      this.setConstant(context.output(0), { kind: 'float', dims: x.tensor.dims, values: x.tensor.values.map(f) });
      return;
    }
    const kind = op === 'Relu' ? 'relu' : op === 'Sigmoid' ? 'sigmoid' : 'tanh';
    this.addNode(context, { op: kind, name: context.name, inputs: [x.id], output: context.output(0) }, [x.shape], x.batch);
  }

  softmax(context: NodeContext): void {
    const attributes = context.attributes(['axis']);
    const x = context.activationInput(0);
    const rank = fullDims(x).length;
    const axis = normalizeAxis(attributes.int('axis', this.opset >= 13 ? -1 : 1), rank, context.where);
    // before opset 13 Softmax flattens axes [axis, rank) into one; from 13 on it is one axis
    const endAxis = this.opset >= 13 ? axis + 1 : rank;
    if (x.batch.axis >= axis && x.batch.axis < endAxis) throw new OnnxImportError(`${context.where}: softmax over the batch axis (axis ${x.batch.axis}) would mix the samples`);
    this.addNode(context, { op: 'softmax', name: context.name, inputs: [x.id], output: context.output(0), axis, endAxis }, [x.shape], x.batch);
  }

  // --- weight layers ---------------------------------------------------------------------

  gemm(context: NodeContext): void {
    const attributes = context.attributes(['alpha', 'beta', 'transA', 'transB']);
    const alpha = attributes.float('alpha', 1);
    const beta = attributes.float('beta', 1);
    if (attributes.int('transA', 0) !== 0) throw new OnnxImportError(`${context.where}: transA = 1 would transpose the batch; not supported`);
    const transB = attributes.int('transB', 0) !== 0;
    const a = context.activationInput(0, 'A');
    if (fullDims(a).length !== 2 || a.batch.axis !== 0) throw new OnnxImportError(`${context.where}: A must be a batch of vectors (batch x K), got [${formatDims(fullDims(a))}]`);
    const b = context.constantInput(1, 'B (the weights)');
    if (b.dims.length !== 2) throw new OnnxImportError(`${context.where}: B must be a matrix, got dims [${b.dims.join(', ')}]`);
    const [k, n] = transB ? [b.dims[1], b.dims[0]] : [b.dims[0], b.dims[1]];
    const features = a.shape[a.shape.length - 1];
    if (k !== features) throw new OnnxImportError(`${context.where}: A has ${features} features, B expects ${k}`);
    const weights = matrix(n, k);
    for (let o = 0; o < n; o++) {
      for (let i = 0; i < k; i++) weights.data[o * k + i] = alpha * b.values[transB ? o * k + i : i * n + o];
    }
    const bias = new Float64Array(n);
    const c = context.optionalInput(2);
    if (c !== undefined) {
      if (c.kind !== 'constant') throw new OnnxImportError(`${context.where}: C (the bias) must be a constant`);
      const perOutput = biasPerOutput(c.tensor, n);
      if (perOutput === undefined) throw new OnnxImportError(`${context.where}: C of dims [${c.tensor.dims.join(', ')}] is not a bias broadcast over the batch (want [${n}], [1, ${n}] or a scalar)`);
      for (let o = 0; o < n; o++) bias[o] = beta * perOutput[o];
    }
    this.addNode(context, { op: 'dense', name: context.name, inputs: [a.id], output: context.output(0), weights, bias }, [a.shape], a.batch);
  }

  matmul(context: NodeContext): void {
    context.attributes([]);
    const a = context.input(0);
    const b = context.input(1);
    // activation x constant matrix: a weight layer (crossbars); any other product stays digital
    if (a.kind !== 'activation' || b.kind !== 'constant' || b.tensor.dims.length !== 2) return this.tensorOp(context, 'MatMul');
    const [k, n] = b.tensor.dims;
    const dims = fullDims(a);
    if (a.batch.axis === dims.length - 1 || dims[dims.length - 1] !== k) {
      throw new OnnxImportError(`${context.where}: [${formatDims(dims)}] does not end in the ${k} rows of the matrix`);
    }
    const weights = matrix(n, k);
    for (let o = 0; o < n; o++) for (let i = 0; i < k; i++) weights.data[o * k + i] = b.tensor.values[i * n + o];
    this.addNode(context, { op: 'dense', name: context.name, inputs: [a.id], output: context.output(0), weights, bias: new Float64Array(n) }, [a.shape], a.batch);
  }

  /** Conv 2-D, and 1-D as a 2-D convolution of height 1 between two reshapes. */
  conv(context: NodeContext): void {
    const written = context.attributes(['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
    const given = context.batchFirstInput(0, 'X');
    const oneD = given.shape.length === 2;
    if (!oneD && given.shape.length !== 3) throw new OnnxImportError(`${context.where}: only 1-D and 2-D convolution (N x C x L or N x C x H x W input) are supported, got per-sample shape [${given.shape.join(', ')}]`);
    const attributes = oneD ? new HeightOne(written) : written;
    const x = oneD ? this.heightOne(context, given) : given;
    const w = context.constantInput(1, 'W (the kernels)');
    if (w.dims.length !== (oneD ? 3 : 4)) throw new OnnxImportError(`${context.where}: W must be ${oneD ? 'M x C/group x k' : 'M x C/group x kH x kW'}, got dims [${w.dims.join(', ')}]`);
    const [outChannels, channelsPerGroup, kernelHeight, kernelWidth] = oneD ? [w.dims[0], w.dims[1], 1, w.dims[2]] : w.dims;
    const groups = attributes.int('group', 1);
    const inChannels = x.shape[0];
    if (!(groups >= 1) || inChannels % groups !== 0 || outChannels % groups !== 0 || channelsPerGroup !== inChannels / groups) {
      throw new OnnxImportError(`${context.where}: group ${groups} does not fit ${inChannels} input channels, ${outChannels} output channels and W dims [${w.dims.join(', ')}]`);
    }
    const kernel = pair(attributes.ints('kernel_shape') ?? [kernelHeight, kernelWidth], 'kernel_shape', context.where);
    if (kernel[0] !== kernelHeight || kernel[1] !== kernelWidth) throw new OnnxImportError(`${context.where}: kernel_shape [${kernel.join(', ')}] differs from W's ${kernelHeight} x ${kernelWidth}`);
    const window = resolveWindow(attributes, kernel, [x.shape[1], x.shape[2]], context.where);
    const bias = new Float64Array(outChannels);
    const b = context.optionalInput(2);
    if (b !== undefined) {
      if (b.kind !== 'constant' || dimsSize(b.tensor.dims) !== outChannels) throw new OnnxImportError(`${context.where}: B must be a constant of ${outChannels} values`);
      bias.set(b.tensor.values);
    }
    const weights = matrix(outChannels, channelsPerGroup * kernelHeight * kernelWidth, Float64Array.from(w.values));
    const output = oneD ? `${context.output(0)}/2d` : context.output(0);
    const node: Conv2dNode = { op: 'conv2d', name: context.name, inputs: [x.id], output, inChannels, groups, weights, bias, ...window };
    this.addNode(context, node, [x.shape]);
    if (oneD) this.dropHeight(context, output);
  }

  /**
   * 2-D ConvTranspose as the convolution it equals: the input with stride - 1 zeros between its
   * pixels (a reshape, a Pad and a reshape), padded by dilation x (kernel - 1) - pads on each side
   * (plus output_padding at the end), then a stride-1 conv2d on crossbars with every kernel flipped
   * and its input and output channels swapped within each group.
   */
  convTranspose(context: NodeContext): void {
    const attributes = context.attributes(['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides']);
    const { where } = context;
    const x = context.batchFirstInput(0, 'X');
    if (x.shape.length !== 3) throw new OnnxImportError(`${where}: only 2-D ConvTranspose (N x C x H x W input) is supported, got per-sample shape [${x.shape.join(', ')}]`);
    const autoPad = attributes.string('auto_pad', 'NOTSET');
    if (!['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(autoPad)) throw new OnnxImportError(`${where}: auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
    const w = context.constantInput(1, 'W (the kernels)');
    if (w.dims.length !== 4) throw new OnnxImportError(`${where}: W must be C x M/group x kH x kW, got dims [${w.dims.join(', ')}]`);
    const [inChannels, outPerGroup, kernelHeight, kernelWidth] = w.dims;
    const groups = attributes.int('group', 1);
    const [channels, height, width] = x.shape;
    if (!(groups >= 1) || inChannels !== channels || channels % groups !== 0) throw new OnnxImportError(`${where}: group ${groups} does not fit ${channels} input channels and W dims [${w.dims.join(', ')}]`);
    const kernel = pair(attributes.ints('kernel_shape') ?? [kernelHeight, kernelWidth], 'kernel_shape', where);
    if (kernel[0] !== kernelHeight || kernel[1] !== kernelWidth) throw new OnnxImportError(`${where}: kernel_shape [${kernel.join(', ')}] differs from W's ${kernelHeight} x ${kernelWidth}`);
    const [strideY, strideX] = pair(attributes.ints('strides') ?? [1, 1], 'strides', where);
    const [dilationY, dilationX] = pair(attributes.ints('dilations') ?? [1, 1], 'dilations', where);
    const [extraY, extraX] = pair(attributes.ints('output_padding') ?? [0, 0], 'output_padding', where);
    const outputShape = attributes.ints('output_shape');
    if (outputShape !== undefined && outputShape.length !== 2) throw new OnnxImportError(`${where}: output_shape must give the output height and width, got [${outputShape.join(', ')}]`);
    // the output size asked for (output_shape, or input x stride for SAME_*) fixes the total padding, split as the specification says
    const wanted = outputShape ?? (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? [height * strideY, width * strideX] : undefined);
    let pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (attributes.ints('pads') ?? [0, 0, 0, 0]);
    if (wanted !== undefined) {
      const natural = [strideY * (height - 1) + extraY + (kernelHeight - 1) * dilationY + 1, strideX * (width - 1) + extraX + (kernelWidth - 1) * dilationX + 1];
      // SAME_* with a kernel smaller than the stride: no negative padding (ONNX Runtime's rule; the output is then smaller than input x stride)
      const total = natural.map((size, axis) => (outputShape === undefined ? Math.max(0, size - wanted[axis]) : size - wanted[axis]));
      const [beginY, beginX] = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : t - Math.floor(t / 2)));
      pads = [beginY, beginX, total[0] - beginY, total[1] - beginX];
    }
    if ([strideY, strideX, dilationY, dilationX].some((v) => !(Number.isInteger(v) && v >= 1)) || pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || (wanted === undefined && p < 0))) {
      throw new OnnxImportError(`${where}: strides and dilations must be whole numbers >= 1 and pads 4 whole numbers >= 0`);
    }
    if (!(extraY >= 0 && extraY < Math.max(strideY, dilationY) && extraX >= 0 && extraX < Math.max(strideX, dilationX))) {
      throw new OnnxImportError(`${where}: output_padding [${extraY}, ${extraX}] must be >= 0 and smaller than the stride or the dilation`);
    }
    const zero = scalarConstant(0);
    const id = (part: string) => `${context.output(0)}/${part}`;
    let input = x;
    if (strideY > 1 || strideX > 1) {
      this.addNode(context, { op: 'reshape', name: id('pixels'), inputs: [x.id], output: id('pixels'), shape: [channels, height, 1, width, 1] }, [x.shape]);
      this.appendTensorOp(context, 'Pad', { mode: 0 }, [this.activation(id('pixels'), where), listConstant([0, 0, 0, 0, 0, 0, 0, 0, 0, strideY - 1, 0, strideX - 1]), zero], id('stuffed'));
      const stuffed = this.activation(id('stuffed'), where);
      this.addNode(context, { op: 'reshape', name: id('spread'), inputs: [stuffed.id], output: id('spread'), shape: [channels, height * strideY, width * strideX] }, [stuffed.shape]);
      input = this.activation(id('spread'), where);
    }
    // the stuffed input ends in stride - 1 zeros that the transposed convolution does not have
    const border = [
      dilationY * (kernelHeight - 1) - pads[0],
      dilationX * (kernelWidth - 1) - pads[1],
      dilationY * (kernelHeight - 1) - pads[2] - (strideY - 1) + extraY,
      dilationX * (kernelWidth - 1) - pads[3] - (strideX - 1) + extraX,
    ];
    if (border.some((b) => b !== 0)) {
      this.appendTensorOp(context, 'Pad', { mode: 0 }, [input, listConstant([0, 0, border[0], border[1], 0, 0, border[2], border[3]]), zero], id('padded'));
      input = this.activation(id('padded'), where);
    }
    const outChannels = outPerGroup * groups;
    const inPerGroup = channels / groups;
    const weights = matrix(outChannels, inPerGroup * kernelHeight * kernelWidth);
    for (let g = 0; g < groups; g++) {
      for (let m = 0; m < outPerGroup; m++) {
        for (let c = 0; c < inPerGroup; c++) {
          for (let ky = 0; ky < kernelHeight; ky++) {
            for (let kx = 0; kx < kernelWidth; kx++) {
              const source = (((g * inPerGroup + c) * outPerGroup + m) * kernelHeight + (kernelHeight - 1 - ky)) * kernelWidth + (kernelWidth - 1 - kx);
              weights.data[(((g * outPerGroup + m) * inPerGroup + c) * kernelHeight + ky) * kernelWidth + kx] = w.values[source];
            }
          }
        }
      }
    }
    const bias = new Float64Array(outChannels);
    const b = context.optionalInput(2);
    if (b !== undefined) {
      if (b.kind !== 'constant' || dimsSize(b.tensor.dims) !== outChannels) throw new OnnxImportError(`${where}: B must be a constant of ${outChannels} values`);
      bias.set(b.tensor.values);
    }
    const node: Conv2dNode = {
      op: 'conv2d', name: context.name, inputs: [input.id], output: context.output(0), inChannels: channels, groups, weights, bias,
      kernel: [kernelHeight, kernelWidth], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [dilationY, dilationX],
    };
    this.addNode(context, node, [input.shape]);
  }

  /** A 1-D input C x L as C x 1 x L for a 2-D window. */
  private heightOne(context: NodeContext, x: Activation): Activation {
    const id = `${context.output(0)}/2d-input`;
    this.addNode(context, { op: 'reshape', name: `${context.name}/2d-input`, inputs: [x.id], output: id, shape: [x.shape[0], 1, x.shape[1]] }, [x.shape]);
    return this.activation(id, context.where);
  }

  /** The node's output C x 1 x L of a 2-D window back to C x L. */
  private dropHeight(context: NodeContext, id: string): void {
    const [channels, , length] = this.activation(id, context.where).shape;
    this.addNode(context, { op: 'reshape', name: `${context.name}/1d-output`, inputs: [id], output: context.output(0), shape: [channels, length] }, [[channels, 1, length]]);
  }

  pool(context: NodeContext, op: 'MaxPool' | 'AveragePool'): void {
    const names = op === 'MaxPool'
      ? ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides']
      : ['auto_pad', 'ceil_mode', 'count_include_pad', 'dilations', 'kernel_shape', 'pads', 'strides'];
    const written = context.attributes(names);
    if (this.isUsed(context.node.output[1] ?? '')) throw new OnnxImportError(`${context.where}: the Indices output is not supported`);
    const given = context.batchFirstInput(0, 'X');
    const oneD = given.shape.length === 2;
    if (!oneD && given.shape.length !== 3) throw new OnnxImportError(`${context.where}: only 1-D and 2-D pooling (N x C x L or N x C x H x W input) are supported, got per-sample shape [${given.shape.join(', ')}]`);
    const attributes = oneD ? new HeightOne(written) : written;
    const x = oneD ? this.heightOne(context, given) : given;
    const kernelShape = attributes.ints('kernel_shape');
    if (kernelShape === undefined) throw new OnnxImportError(`${context.where}: kernel_shape is required`);
    const kernel = pair(kernelShape, 'kernel_shape', context.where);
    const window = resolveWindow(attributes, kernel, [x.shape[1], x.shape[2]], context.where);
    const explicitPads = attributes.string('auto_pad', 'NOTSET') === 'NOTSET';
    const node: NetworkNode = {
      op: op === 'MaxPool' ? 'maxpool' : 'avgpool',
      name: context.name,
      inputs: [x.id],
      output: context.output(0),
      ...window,
      ceilMode: explicitPads && attributes.int('ceil_mode', 0) !== 0,
      countIncludePad: attributes.int('count_include_pad', 0) !== 0,
    };
    const output = oneD ? `${context.output(0)}/2d` : context.output(0);
    this.addNode(context, { ...node, output }, [x.shape]);
    if (oneD) this.dropHeight(context, output);
  }

  globalAveragePool(context: NodeContext): void {
    context.attributes([]);
    const x = context.batchFirstInput(0, 'X');
    this.addNode(context, { op: 'globalavgpool', name: context.name, inputs: [x.id], output: context.output(0) }, [x.shape]);
  }

  batchNormalization(context: NodeContext): void {
    const attributes = context.attributes(this.opset < 9 ? ['epsilon', 'momentum', 'spatial'] : ['epsilon', 'momentum', 'training_mode']);
    if (attributes.int('training_mode', 0) !== 0) throw new OnnxImportError(`${context.where}: training_mode = 1: inference graphs only`);
    // before opset 9, spatial = 0 normalizes per element instead of per channel
    if (attributes.int('spatial', 1) !== 1) throw new OnnxImportError(`${context.where}: spatial = 0 (per-element statistics) is not supported`);
    if (context.node.output.slice(1).some((name) => this.isUsed(name))) throw new OnnxImportError(`${context.where}: running mean / variance outputs are not supported`);
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
    const producer = this.foldableProducer(x, context.node.input[0]);
    // the channel axis (1) is the output axis of a conv, and of a dense layer on B x F vectors
    if (producer !== undefined && (producer.op === 'conv2d' || x.shape.length === 1)) {
      const { rows, cols } = producer.weights;
      const weights = matrix(rows, cols, Float64Array.from(producer.weights.data));
      const bias = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < cols; k++) weights.data[r * cols + k] *= scale[r];
        bias[r] = producer.bias[r] * scale[r] + shift[r];
      }
      this.replaceWeightNode(producer, { ...producer, weights, bias, output: context.output(0) }, x.shape);
      return;
    }
    this.addNode(context, { op: 'affine', name: context.name, inputs: [x.id], output: context.output(0), axis: 1, scale, shift }, [x.shape]);
  }

  add(context: NodeContext): void {
    context.attributes([]);
    if (context.value(0).kind === 'filled' || context.value(1).kind === 'filled') return this.tensorOp(context, 'Add');
    const a = context.input(0);
    const b = context.input(1);
    if (a.kind === 'constant' && b.kind === 'constant') {
      const sum = broadcastAdd({ shape: a.tensor.dims, data: a.tensor.values }, { shape: b.tensor.dims, data: b.tensor.values });
      this.setConstant(context.output(0), { kind: a.tensor.kind === 'int' && b.tensor.kind === 'int' ? 'int' : 'float', dims: sum.shape, values: sum.data });
      return;
    }
    if ((a.kind === 'activation' && !isFirstAxis(a.batch)) || (b.kind === 'activation' && !isFirstAxis(b.batch))) {
      return this.tensorOp(context, 'Add');
    }
    if (a.kind === 'activation' && b.kind === 'activation') {
      this.addNode(context, { op: 'add', name: context.name, inputs: [a.id, b.id], output: context.output(0) }, [a.shape, b.shape]);
      return;
    }
    const [x, c, xName] = a.kind === 'activation' ? [a, (b as { tensor: ConstantTensor }).tensor, context.node.input[0]] : [b as Activation, a.tensor, context.node.input[1]];
    const rank = x.shape.length + 1;
    if (c.dims.length > rank || (c.dims.length === rank && c.dims[0] !== 1)) {
      throw new OnnxImportError(`${context.where}: a constant of dims [${c.dims.join(', ')}] would change the batch axis`);
    }
    const constantShape = c.dims.length === rank ? c.dims.slice(1) : [...c.dims];
    let broadcast: number[];
    try {
      broadcast = broadcastShapes(x.shape, constantShape);
    } catch (error) {
      throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (broadcast.length !== x.shape.length || broadcast.some((d, i) => d !== x.shape[i])) {
      throw new OnnxImportError(`${context.where}: the constant [${c.dims.join(', ')}] would broadcast the activation [${x.shape.join(', ')}]`);
    }
    const producer = this.foldableProducer(x, xName);
    const perOutput = producer === undefined ? undefined : biasAlongAxis(constantShape, c.values, x.shape, producer.op === 'dense' ? x.shape.length - 1 : 0);
    if (producer !== undefined && perOutput !== undefined) {
      const bias = Float64Array.from(producer.bias, (v, o) => v + perOutput[o]);
      this.replaceWeightNode(producer, { ...producer, bias, output: context.output(0) }, x.shape);
      return;
    }
    this.addNode(context, { op: 'addConstant', name: context.name, inputs: [x.id], output: context.output(0), constantShape, constant: Float64Array.from(c.values) }, [x.shape]);
  }

  // --- shapes ----------------------------------------------------------------------------

  flatten(context: NodeContext): void {
    const attributes = context.attributes(['axis']);
    const x = context.input(0);
    const dims = fullDims(x);
    // Flatten's axis is in [-r, r] for rank r: a negative one counts from r
    const written = attributes.int('axis', 1);
    const axis = written < 0 ? written + dims.length : written;
    if (!(axis >= 0 && axis <= dims.length)) throw new OnnxImportError(`${context.where}: axis ${written} is out of range [-${dims.length}, ${dims.length}] for rank ${dims.length}`);
    const flat = [product(dims.slice(0, axis)), product(dims.slice(axis))];
    if (x.kind === 'constant') {
      this.setConstant(context.output(0), { ...x.tensor, dims: flat });
      return;
    }
    this.reshapeTo(context, context.activationInput(0), flat);
  }

  reshape(context: NodeContext): void {
    const attributes = context.attributes(['allowzero']);
    const allowZero = attributes.int('allowzero', 0) !== 0;
    const x = context.input(0);
    const target = [...context.constantInput(1, 'shape').values];
    const dims = fullDims(x);
    const resolved = target.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
    if (x.kind === 'constant') {
      this.setConstant(context.output(0), { ...x.tensor, dims: inferMinusOne(resolved, dimsSize(x.tensor.dims), context.where) });
      return;
    }
    // a target written with numbers only (a model exported for one batch size) keeps the batch as its first dimension
    if (!resolved.some((d) => batchMultiple(d) !== undefined)) {
      const fixedFirst = this.fixedBatch !== undefined && resolved[0] === this.fixedBatch;
      const inferredFirst = resolved[0] === -1 && !resolved.slice(1).includes(-1);
      if (!fixedFirst && !inferredFirst) throw new OnnxImportError(`${context.where}: target shape [${formatDims(target)}] does not say which dimension holds the batch`);
      resolved[0] = SYMBOLIC_BATCH;
    }
    this.reshapeTo(context, context.activationInput(0), resolved);
  }

  /** A reshape node of activation x to `target` (full dims, the batch a multiple of SYMBOLIC_BATCH). */
  private reshapeTo(context: NodeContext, x: Activation, target: readonly number[]): void {
    const { shape, layout } = reshapeBatch(shapeAtOne(x), x.batch, target, context.where);
    const first = isFirstAxis(layout);
    const node: NetworkNode = { op: 'reshape', name: context.name, inputs: [x.id], output: context.output(0), shape: first ? shape.slice(1) : shape, ...(first ? {} : { batchAxis: layout.axis }) };
    this.addNode(context, node, [x.shape], layout);
  }

  shape(context: NodeContext): void {
    const attributes = context.attributes(['start', 'end']);
    const dims = fullDims(context.input(0));
    const clamp = (axis: number) => Math.min(Math.max(axis < 0 ? axis + dims.length : axis, 0), dims.length);
    const start = clamp(attributes.int('start', 0));
    const end = clamp(attributes.int('end', dims.length));
    const values = dims.slice(start, Math.max(start, end));
    this.setConstant(context.output(0), { kind: 'int', dims: [values.length], values: Float64Array.from(values) });
  }

  gather(context: NodeContext): void {
    if (context.input(0).kind !== 'constant' || context.input(1).kind !== 'constant') return this.tensorOp(context, 'Gather');
    const attributes = context.attributes(['axis']);
    const data = context.constantInput(0, 'data');
    const indices = context.constantInput(1, 'indices');
    const axis = normalizeAxis(attributes.int('axis', 0), data.dims.length, context.where);
    this.setConstant(context.output(0), gatherConstant(data, indices, axis, context.where));
  }

  unsqueeze(context: NodeContext): void {
    const attributes = context.attributes(this.opset >= 13 ? [] : ['axes']);
    const axes = this.opset >= 13 ? [...context.constantInput(1, 'axes').values] : attributes.ints('axes');
    if (axes === undefined) throw new OnnxImportError(`${context.where}: axes are required`);
    const x = context.input(0);
    const dims = unsqueezeDims(fullDims(x), axes, context.where);
    if (x.kind === 'constant') {
      this.setConstant(context.output(0), { ...x.tensor, dims });
      return;
    }
    this.reshapeTo(context, context.activationInput(0), dims);
  }

  concat(context: NodeContext): void {
    const attributes = context.attributes(['axis']);
    if (!attributes.has('axis')) throw new OnnxImportError(`${context.where}: axis is required`);
    if (context.node.input.some((_, i) => context.value(i).kind !== 'constant')) return this.tensorOp(context, 'Concat');
    const parts = context.node.input.map((_, i) => context.constantInput(i, 'input'));
    this.setConstant(context.output(0), concatConstants(parts, attributes.int('axis', 0), context.where));
  }

  squeeze(context: NodeContext): void {
    const attributes = context.attributes(this.opset >= 13 ? [] : ['axes']);
    const axes = this.opset >= 13 ? context.optionalInput(1) : undefined;
    const listed = this.opset >= 13 ? (axes === undefined ? undefined : [...context.constantInput(1, 'axes').values]) : attributes.ints('axes');
    const x = context.input(0);
    const dims = fullDims(x);
    const squeezed = new Set((listed ?? dims.flatMap((dim, axis) => (dim === 1 ? [axis] : []))).map((axis) => normalizeAxis(axis, dims.length, context.where)));
    for (const axis of squeezed) if (dims[axis] !== 1) throw new OnnxImportError(`${context.where}: axis ${axis} has size ${formatDim(dims[axis])}, not 1`);
    const kept = dims.filter((_, axis) => !squeezed.has(axis));
    if (x.kind === 'constant') {
      this.setConstant(context.output(0), { ...x.tensor, dims: kept });
      return;
    }
    this.reshapeTo(context, context.activationInput(0), kept);
  }

  /**
   * Split along an axis (sizes from the `split` input, from opset 13, or attribute; else equal parts,
   * the last one smaller from opset 18): one Slice per output.
   */
  split(context: NodeContext): void {
    const attributes = context.attributes(this.opset >= 18 ? ['axis', 'num_outputs'] : this.opset >= 13 ? ['axis'] : ['axis', 'split']);
    const x = context.input(0);
    const dims = fullDims(x);
    const axis = normalizeAxis(attributes.int('axis', 0), dims.length, context.where);
    const size = dims[axis];
    if (batchMultiple(size) !== undefined) throw new OnnxImportError(`${context.where}: splitting the batch axis ${axis} is not supported`);
    const given = this.opset >= 13 ? (context.node.input[1] ? [...context.constantInput(1, 'split').values] : undefined) : attributes.ints('split');
    const parts = attributes.has('num_outputs') ? attributes.int('num_outputs', 0) : context.node.output.length;
    let sizes: number[];
    if (given !== undefined) sizes = given;
    else if (this.opset >= 18) sizes = Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(Math.ceil(size / parts), size - k * Math.ceil(size / parts))));
    else if (size % parts === 0) sizes = new Array<number>(parts).fill(size / parts);
    else throw new OnnxImportError(`${context.where}: axis ${axis} of size ${size} does not split into ${parts} equal parts`);
    if (sizes.length !== context.node.output.length || sizes.some((part) => !(Number.isInteger(part) && part >= 0)) || sizes.reduce((a, b) => a + b, 0) !== size) {
      throw new OnnxImportError(`${context.where}: split sizes [${sizes.join(', ')}] do not cut axis ${axis} of size ${size} into ${context.node.output.length} outputs`);
    }
    let start = 0;
    sizes.forEach((part, k) => {
      const output = context.node.output[k];
      if (output && this.isUsed(output)) this.appendTensorOp(context, 'Slice', {}, [x, listConstant([start]), listConstant([start + part]), listConstant([axis])], output);
      start += part;
    });
  }

  /** ConstantOfShape: a constant, or a filled value when the shape holds the batch size. */
  constantOfShape(context: NodeContext): void {
    const attributes = context.attributes(['value']);
    const given = attributes.tensor('value');
    if (given !== undefined && given.values.length !== 1) throw new OnnxImportError(`${context.where}: value must hold one element, it holds ${given.values.length}`);
    const value = given?.values[0] ?? 0;
    const dims = [...context.constantInput(0, 'input (the shape)').values];
    if (dims.some((d) => !(Number.isInteger(d) && d >= 0) && batchMultiple(d) === undefined)) throw new OnnxImportError(`${context.where}: shape [${formatDims(dims)}] must be whole numbers >= 0`);
    if (dims.some((d) => batchMultiple(d) !== undefined)) {
      this.setValue(context.output(0), { kind: 'filled', value, dims });
      return;
    }
    if (dimsSize(dims) > MAX_CONSTANT_ELEMENTS) throw new OnnxImportError(`${context.where}: a constant of [${dims.join(', ')}] exceeds ${MAX_CONSTANT_ELEMENTS} elements`);
    this.setConstant(context.output(0), { kind: given?.kind ?? 'float', dims, values: new Float64Array(dimsSize(dims)).fill(value) });
  }

  // --- recurrent layers -----------------------------------------------------------------

  /**
   * LSTM, GRU or RNN: a dense node projecting every step's input (W x + Wb, on crossbars), then a
   * recurrent node reading R at every step. Y_h is taken from Y by tensor ops; Y_c is refused.
   */
  recurrent(context: NodeContext, op: RecurrentOp): void {
    const { where } = context;
    const settings = readRecurrentSettings(op, context.attributes(recurrentAttributeNames(op, this.opset)), where);
    const x = context.activationInput(0, 'X');
    const timeFirst: BatchLayout = { axis: 1, outer: 1, inner: 1 };
    const expected = settings.batchFirst ? FIRST_AXIS : timeFirst;
    const dims = fullDims(x);
    if (dims.length !== 3 || x.batch.axis !== expected.axis || x.batch.outer !== 1 || x.batch.inner !== 1) {
      throw new OnnxImportError(`${where}: X must be ${settings.batchFirst ? '[batch, time, input]' : '[time, batch, input]'} (layout ${settings.batchFirst ? 1 : 0}), got [${formatDims(dims)}]`);
    }
    const steps = settings.batchFirst ? dims[1] : dims[0];
    const inputSize = dims[2];
    const optionalConstant = (index: number, what: string) => (context.node.input[index] ? context.constantInput(index, what) : undefined);
    const weights = recurrentWeights(settings, inputSize, context.constantInput(1, 'W'), context.constantInput(2, 'R'), optionalConstant(3, 'B'), op === 'LSTM' ? optionalConstant(7, 'P') : undefined, where);
    const sequenceLengths = optionalConstant(4, 'sequence_lens');
    if (sequenceLengths !== undefined && sequenceLengths.values.some((length) => length !== steps)) {
      throw new OnnxImportError(`${where}: sequence_lens [${[...sequenceLengths.values].join(', ')}] must all be the sequence length ${steps} (sequences of different lengths are not supported)`);
    }
    const stateDims = settings.batchFirst ? [SYMBOLIC_BATCH, settings.directions, weights.hiddenSize] : [settings.directions, SYMBOLIC_BATCH, weights.hiddenSize];
    const initialHidden = this.initialState(context, 5, 'initial_h', stateDims, settings.batchFirst);
    const initialCell = op === 'LSTM' ? this.initialState(context, 6, 'initial_c', stateDims, settings.batchFirst) : undefined;
    if (op === 'LSTM' && this.isUsed(context.node.output[2] ?? '')) throw new OnnxImportError(`${where}: the last cell state Y_c is used, which the importer does not provide (Y and Y_h are)`);
    const projectionId = `${context.name}/W`;
    this.addNode(context, { op: 'dense', name: projectionId, inputs: [x.id], output: projectionId, weights: weights.input, bias: weights.inputBias }, [x.shape], x.batch);
    const gates = this.activation(projectionId, where);
    const yName = this.isUsed(context.node.output[0] ?? '') ? context.output(0) : `${context.name}/Y`;
    const inputs = [gates, initialHidden, initialCell].filter((value): value is Activation => value !== undefined);
    const node: NetworkNode = {
      op: 'recurrent',
      name: `${context.name}/R`,
      inputs: inputs.map((value) => value.id),
      output: yName,
      cell: settings.cell,
      direction: settings.direction,
      hiddenSize: weights.hiddenSize,
      batchFirst: settings.batchFirst,
      weights: weights.recurrent,
      groups: weights.groups,
      recurrentBias: weights.recurrentBias,
      ...(weights.peepholes === undefined ? {} : { peepholes: weights.peepholes }),
      activations: settings.activations,
      ...(settings.clip === undefined ? {} : { clip: settings.clip }),
      inputForget: settings.inputForget,
      linearBeforeReset: settings.linearBeforeReset,
      initialHidden: initialHidden !== undefined,
      initialCell: initialCell !== undefined,
    };
    this.addNode(context, node, inputs.map((value) => value.shape), settings.batchFirst ? FIRST_AXIS : { axis: 2, outer: 1, inner: 1 });
    if (this.isUsed(context.node.output[1] ?? '')) this.lastHiddenState(context, yName, steps, settings.direction, settings.batchFirst);
  }

  /**
   * An initial state input: absent, zeros (a constant or a batch-sized ConstantOfShape of 0: left out),
   * or an activation of dims `dims` (the batch on axis 1, or 0 when batch first).
   */
  private initialState(context: NodeContext, index: number, what: string, dims: readonly number[], batchFirst: boolean): Activation | undefined {
    if (!context.node.input[index]) return undefined;
    const value = context.value(index);
    if (value.kind === 'filled' || value.kind === 'constant') {
      const zero = value.kind === 'filled' ? value.value === 0 : value.tensor.values.every((v) => v === 0);
      if (zero) return undefined;
      throw new OnnxImportError(`${context.where}: ${what} is a constant other than zeros; only zeros or a computed state are supported`);
    }
    const batchAxis = batchFirst ? 0 : 1;
    const got = fullDims(value);
    if (value.batch.axis !== batchAxis || value.batch.outer !== 1 || value.batch.inner !== 1 || got.length !== 3 || got.some((d, i) => i !== batchAxis && d !== dims[i])) {
      throw new OnnxImportError(`${context.where}: ${what} must be [${formatDims(dims)}], got [${formatDims(got)}]`);
    }
    return value;
  }

  /** Y_h from Y: the last step of the forward direction and the first of the reverse, as tensor ops. */
  private lastHiddenState(context: NodeContext, yName: string, steps: number, direction: string, batchFirst: boolean): void {
    const directions = direction === 'bidirectional' ? 2 : 1;
    const y = this.value(yName, context.where);
    const [timeAxis, directionAxis] = batchFirst ? [1, 2] : [0, 1];
    const parts = Array.from({ length: directions }, (_, d) => {
      const t = direction === 'reverse' || d === 1 ? 0 : steps - 1;
      const id = `${context.output(1)}/${d}`;
      this.appendTensorOp(context, 'Slice', {}, [y, listConstant([t, d]), listConstant([t + 1, d + 1]), listConstant([timeAxis, directionAxis])], id);
      return this.value(id, context.where);
    });
    const joined = `${context.output(1)}/steps`;
    this.appendTensorOp(context, 'Concat', { axis: directionAxis }, parts, joined);
    const kept = fullDims(this.value(joined, context.where)).filter((_, axis) => axis !== timeAxis);
    const stateContext = new NodeContext(this, { ...context.node, output: [context.output(1)] }, context.where);
    this.reshapeTo(stateContext, this.activation(joined, context.where), kept);
  }

  // --- digital tensor ops (core's TENSOR_OPS) ----------------------------------------------

  /**
   * A tensor op of core's table: folded when every operand is constant, else a tensor-op node whose
   * per-sample output shape is found by running the op on zeros with batches of 1 and 7: it must keep
   * the batch as its first axis and not mix samples, whatever batch the network later runs (a model
   * exported with a fixed batch included).
   */
  tensorOp(context: NodeContext, type: string): void {
    if (type === 'Resize' && this.opset < 11) throw new OnnxImportError(`${context.where}: Resize before opset 11 (scales only, Upsample's rules) is not supported`);
    const spec = TENSOR_OP_ATTRIBUTES[type];
    const extra = context.node.output.slice(1).find((name) => this.isUsed(name));
    if (extra !== undefined) throw new OnnxImportError(`${context.where}: output '${extra}' is used, but only the first output of ${type} is provided`);
    const oldForm = OLD_ATTRIBUTE_FORMS[type];
    const asAttributes = oldForm !== undefined && this.opset < oldForm.until ? oldForm.attributes : {};
    let attributes: TensorOpAttributes;
    try {
      attributes = readTensorOpAttributes(context.attributes([...Object.keys(spec), ...Object.keys(asAttributes)]), { ...spec, ...asAttributes });
    } catch (error) {
      if (error instanceof OnnxImportError) throw error;
      throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const usesOldForm = oldForm !== undefined && this.opset < oldForm.until;
    if (usesOldForm && context.node.input.length > 1) {
      throw new OnnxImportError(`${context.where}: before opset ${oldForm.until}, ${type} takes one input and its ${Object.keys(oldForm.attributes).join(', ')} as attributes`);
    }
    const values = usesOldForm ? [context.input(0), ...oldForm.operands(attributes)] : this.tensorOpOperands(context, type);
    if (type === 'Resize') values[3] = resizeSizesKeepingBatch(values, context.where);
    this.appendTensorOp(context, type, attributes, values, context.output(0));
  }

  /** The tensor op `type` on `values` producing `output`: folded, or a tensor-op node (see tensorOp). */
  private appendTensorOp(context: NodeContext, type: string, attributes: TensorOpAttributes, values: readonly Value[], output: string): void {
    const op = TENSOR_OPS[type];
    if (values.length < op.arity[0] || values.length > op.arity[1]) throw new OnnxImportError(`${context.where}: takes ${op.arity[0]} to ${op.arity[1]} inputs, got ${values.length}`);
    const run = (operands: readonly Tensor[]): Tensor => {
      try {
        return op.forward(operands, attributes);
      } catch (error) {
        throw new OnnxImportError(`${context.where}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (values.every((value) => value.kind === 'constant')) {
      const result = run(values.map((value) => ({ shape: value.tensor.dims, data: value.tensor.values })));
      const integer = type === 'Cast' ? castsToInteger(typeof attributes.to === 'number' ? attributes.to : 1) : values.every((value) => value.tensor.kind === 'int');
      // integer tensors stay integers: ONNX's integer Div truncates toward zero
      this.setConstant(output, { kind: integer ? 'int' : 'float', dims: result.shape, values: integer ? result.data.map(Math.trunc) : result.data });
      return;
    }
    if (values.some((value) => value.kind === 'filled')) {
      if (values.some((value) => value.kind === 'activation')) {
        throw new OnnxImportError(`${context.where}: an input is a tensor whose size depends on the batch (a ConstantOfShape of a batch-sized shape); it may only feed recurrent layers' initial states and ops on it alone`);
      }
      this.setValue(output, foldFilled(run, values as (Filled | Extract<Value, { kind: 'constant' }>)[], context.where));
      return;
    }
    const inputs: string[] = [];
    const operands: (number | Tensor)[] = [];
    const activations: Activation[] = [];
    for (const value of values as Exclude<Value, Filled>[]) {
      if (value.kind === 'constant') {
        if (value.tensor.kind === 'int' && value.tensor.values.some((v) => batchMultiple(v) !== undefined)) {
          throw new OnnxImportError(`${context.where}: a constant input holds the batch size [${formatDims([...value.tensor.values])}], which a tensor op cannot take at run time`);
        }
        operands.push({ shape: value.tensor.dims, data: value.tensor.values });
        continue;
      }
      let index = inputs.indexOf(value.id);
      if (index < 0) {
        index = inputs.push(value.id) - 1;
        activations.push(value);
      }
      operands.push(index);
    }
    const layout = tensorOpLayout(run, operands, activations, context.where);
    const outputShape = probeOutput(run, operands, activations, 1).shape;
    const perSample = isFirstAxis(layout) ? outputShape.slice(1) : outputShape;
    const node: NetworkNode = { op: 'tensor', kind: type, name: output === context.node.output[0] ? context.name : output, inputs, output, attributes, operands, outputShape: perSample };
    this.addNode(context, node, activations.map((a) => a.shape), layout);
  }

  /** The values a tensor op reads, in order; Clip's absent min and max are -Infinity and +Infinity, Pad's absent constant_value 0. */
  private tensorOpOperands(context: NodeContext, type: string): Value[] {
    const names = context.node.input;
    return names.flatMap((name, index): Value[] => {
      if (name !== '') return [context.value(index)];
      if (type === 'Clip' && index > 0) return [scalarConstant(index === 1 ? -Infinity : Infinity)];
      if (type === 'Pad' && index === 2) return [scalarConstant(0)];
      if (type === 'Resize' && index > 0) return [listConstant([])];
      if (names.slice(index).some((later) => later !== '')) throw new OnnxImportError(`${context.where}: input ${index} is absent but a later one is given`);
      return [];
    });
  }
}

/** Inputs, outputs and attributes of the node being imported. */
class NodeContext {
  readonly name: string;

  constructor(
    private readonly importer: GraphImporter,
    readonly node: OnnxNode,
    readonly where: string,
  ) {
    this.name = node.name || node.output[0] || where;
  }

  attributes(allowed: readonly string[]): NodeAttributes {
    return new NodeAttributes(this.node, this.where, allowed);
  }

  /** Input `index` of any kind, a filled tensor included. */
  value(index: number): Value {
    const name = this.node.input[index] ?? '';
    if (name === '') throw new OnnxImportError(`${this.where}: input ${index} is missing`);
    return this.importer.value(name, this.where);
  }

  /** Input `index`, a constant or an activation. */
  input(index: number): Constant | Activation {
    const value = this.value(index);
    if (value.kind === 'filled') throw new OnnxImportError(`${this.where}: input ${index} is a tensor whose size depends on the batch (a ConstantOfShape of a batch-sized shape), which this op cannot take`);
    return value;
  }

  optionalInput(index: number): Constant | Activation | undefined {
    const name = this.node.input[index] ?? '';
    return name === '' ? undefined : this.input(index);
  }

  /** Input `index` as an activation whose batch is its first axis (convolution, pooling, normalisation). */
  batchFirstInput(index: number, what: string): Activation {
    const value = this.activationInput(index, what);
    if (!isFirstAxis(value.batch)) throw new OnnxImportError(`${this.where}: ${what} must hold the batch as its first axis; it is [${formatDims(fullDims(value))}] with the batch on axis ${value.batch.axis}`);
    return value;
  }

  activationInput(index: number, what = `input ${index}`): Activation {
    const value = this.input(index);
    if (value.kind !== 'activation') throw new OnnxImportError(`${this.where}: ${what} is a constant; constant folding of this op is not supported`);
    return value;
  }

  constantInput(index: number, what: string): ConstantTensor {
    const value = this.input(index);
    if (value.kind !== 'constant') throw new OnnxImportError(`${this.where}: ${what} must be a constant (an initializer or computed from constants)`);
    return value.tensor;
  }

  output(index: number): string {
    const name = this.node.output[index] ?? '';
    if (name === '') throw new OnnxImportError(`${this.where}: output ${index} has no name`);
    return name;
  }

  /** The node passes its input through (Identity, Dropout at inference). */
  alias(value: Value): void {
    this.importer.setValue(this.output(0), value);
  }
}

/**
 * Ops whose later inputs were attributes before opset `until` (Slice: starts, ends, axes before 10;
 * Pad: pads and value, Clip: min and max before 11): those attributes, and the constant inputs they stand for.
 */
const OLD_ATTRIBUTE_FORMS: Readonly<Record<string, { until: number; attributes: Readonly<Record<string, 'int' | 'float' | 'ints'>>; operands: (attributes: TensorOpAttributes) => Value[] }>> = {
  Slice: {
    until: 10,
    attributes: { starts: 'ints', ends: 'ints', axes: 'ints' },
    operands: (a) => ['starts', 'ends', ...(Array.isArray(a.axes) ? ['axes'] : [])].map((name) => listConstant(a[name])),
  },
  Pad: {
    until: 11,
    attributes: { pads: 'ints', value: 'float' },
    operands: (a) => [listConstant(a.pads), scalarConstant(typeof a.value === 'number' ? a.value : 0)],
  },
  Clip: {
    until: 11,
    attributes: { min: 'float', max: 'float' },
    operands: (a) => [scalarConstant(typeof a.min === 'number' ? a.min : -Infinity), scalarConstant(typeof a.max === 'number' ? a.max : Infinity)],
  },
};

/**
 * Resize's sizes with the batch size (read from Shape of the input, as PyTorch exports
 * interpolate(size=...)) written as -1, "keep this axis", which the kernel reads at any batch.
 */
function resizeSizesKeepingBatch(values: readonly Value[], where: string): Value {
  const [x, , , sizes] = values;
  if (sizes === undefined || sizes.kind !== 'constant' || !sizes.tensor.values.some((v) => batchMultiple(v) !== undefined)) return sizes ?? listConstant([]);
  const dims = fullDims(x);
  const kept = sizes.tensor.values.map((size, axis) => {
    if (batchMultiple(size) === undefined) return size;
    if (size !== dims[axis]) throw new OnnxImportError(`${where}: sizes [${formatDims([...sizes.tensor.values])}] resize the axis holding the batch`);
    return -1;
  });
  return { kind: 'constant', tensor: { ...sizes.tensor, values: kept } };
}

function scalarConstant(value: number): Value {
  return { kind: 'constant', tensor: { kind: 'float', dims: [], values: Float64Array.of(value) } };
}

function listConstant(value: number | readonly number[] | undefined): Value {
  const list = Array.isArray(value) ? value : [];
  return { kind: 'constant', tensor: { kind: 'int', dims: [list.length], values: Float64Array.from(list) } };
}

function tensorOfZeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(product(shape)) };
}

/** An activation's whole shape for a batch of one. */
function shapeAtOne(x: Activation): number[] {
  return isFirstAxis(x.batch) ? [1, ...x.shape] : [...x.shape];
}

/** Full dims of a value, the batch axis of activations a multiple of SYMBOLIC_BATCH. */
function fullDims(value: Value): number[] {
  if (value.kind === 'constant') return [...value.tensor.dims];
  if (value.kind === 'filled') return [...value.dims];
  return dimsAtSymbolicBatch(shapeAtOne(value), value.batch);
}

/** Input values of a tensor op for a batch of `batch`: activations as zeros, constants as they are. */
function probeOutput(run: (operands: readonly Tensor[]) => Tensor, operands: readonly (number | Tensor)[], activations: readonly Activation[], batch: number): Tensor {
  return run(operands.map((operand) => (typeof operand === 'number' ? tensorOfZeros(dimsAtBatch(shapeAtOne(activations[operand]), activations[operand].batch, batch)) : operand)));
}

/**
 * Where a tensor op's result holds the batch: the one axis that grows with it (found on zeros at
 * batches 1 and 7), merged with its neighbours as in the input with that many elements per sample.
 * Then, on seeded values at batch 3, each sample's result must be the op run on that sample alone:
 * an op that mixes the samples (a softmax or a cumulative sum over the batch) is refused.
 */
function tensorOpLayout(run: (operands: readonly Tensor[]) => Tensor, operands: readonly (number | Tensor)[], activations: readonly Activation[], where: string): BatchLayout {
  const [one, seven] = [1, 7].map((batch) => probeOutput(run, operands, activations, batch).shape);
  const grown = one.flatMap((dim, axis) => (seven[axis] === dim ? [] : [axis]));
  if (one.length !== seven.length || grown.length !== 1 || seven[grown[0]] !== 7 * one[grown[0]]) {
    throw new OnnxImportError(`${where}: the result does not keep one axis for the batch (the batch may be moved or merged with other axes, not reduced, split or broadcast against)`);
  }
  const axis = grown[0];
  const perSample = one[axis];
  const merges = activations.map((a) => a.batch).filter((b) => b.outer * b.inner === perSample && perSample > 1);
  const merge = merges[0] ?? { outer: 1, inner: 1 };
  if (perSample > 1 && (merges.length === 0 || merges.some((b) => b.outer !== merge.outer || b.inner !== merge.inner))) {
    throw new OnnxImportError(`${where}: the result merges the batch with ${perSample} other elements in a way the importer cannot follow`);
  }
  const layout: BatchLayout = { axis, outer: merge.outer, inner: merge.inner };
  checkSamplesApart(run, operands, activations, layout, where);
  return isFirstAxis(layout) ? FIRST_AXIS : layout;
}

/** Throws unless the op on a batch of 3 seeded inputs gives, per sample, what it gives on that sample alone. */
function checkSamplesApart(run: (operands: readonly Tensor[]) => Tensor, operands: readonly (number | Tensor)[], activations: readonly Activation[], layout: BatchLayout, where: string): void {
  const batch = 3;
  // values 0 and 1 (valid indices and conditions too), the same for every import
  const rng = createRng('onnx-import', 'sample-independence');
  const nextBit = () => (rng.uniform() < 0.5 ? 0 : 1);
  const samples = activations.map((a) => Array.from({ length: batch }, () => {
    const data = new Float64Array(product(shapeAtOne(a)));
    for (let i = 0; i < data.length; i++) data[i] = nextBit();
    return { shape: shapeAtOne(a), data };
  }));
  const whole = run(operands.map((operand) => (typeof operand === 'number' ? batchOf(samples[operand], activations[operand].batch) : operand)));
  for (let s = 0; s < batch; s++) {
    const alone = run(operands.map((operand) => (typeof operand === 'number' ? samples[operand][s] : operand)));
    const part = sampleOf(whole, layout, batch, s);
    const same = part.data.length === alone.data.length && part.data.every((v, i) => Object.is(v, alone.data[i]) || Math.abs(v - alone.data[i]) <= 1e-9 * Math.max(1, Math.abs(v)));
    if (!same) throw new OnnxImportError(`${where}: the result of a sample depends on the other samples of the batch (the op mixes the batch axis)`);
  }
}

/** A tensor op on filled tensors (and constants): run at batches 1 and 7, the result must again be one value. */
function foldFilled(run: (operands: readonly Tensor[]) => Tensor, values: readonly (Filled | Constant)[], where: string): Value {
  const [one, seven] = [1, 7].map((batch) => run(values.map((value) => (value.kind === 'constant'
    ? { shape: value.tensor.dims, data: value.tensor.values }
    : (() => {
      const dims = value.dims.map((d) => (batchMultiple(d) === undefined ? d : batchMultiple(d)! * batch));
      return { shape: dims, data: new Float64Array(product(dims)).fill(value.value) };
    })()))));
  const fill = one.data[0];
  const uniform = (t: Tensor) => t.data.every((v) => Object.is(v, fill));
  if (!uniform(one) || !uniform(seven) || one.shape.length !== seven.shape.length || one.data.length === 0) {
    throw new OnnxImportError(`${where}: the result of this op on a batch-sized constant is not one value repeated`);
  }
  const dims = one.shape.map((dim, axis) => {
    if (seven.shape[axis] === dim) return dim;
    if (seven.shape[axis] === 7 * dim) return dim * SYMBOLIC_BATCH;
    throw new OnnxImportError(`${where}: axis ${axis} of the result does not follow the batch size`);
  });
  return { kind: 'filled', value: fill, dims };
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}


function normalizeAxis(axis: number, rank: number, where: string): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!(normalized >= 0 && normalized < rank)) throw new OnnxImportError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return normalized;
}

/** dims with at most one -1 replaced so that the product is `size`. */
function inferMinusOne(dims: readonly number[], size: number, where: string): number[] {
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) throw new OnnxImportError(`${where}: more than one -1 in the target shape [${formatDims(dims)}]`);
  if (dims.some((d) => d < -1)) throw new OnnxImportError(`${where}: negative dimension in target shape [${formatDims(dims)}]`);
  if (unknown === 0) return [...dims];
  const known = product(dims.filter((d) => d !== -1));
  if (known === 0 || size % known !== 0) throw new OnnxImportError(`${where}: cannot infer -1 in [${formatDims(dims)}] for ${size} values`);
  return dims.map((d) => (d === -1 ? size / known : d));
}

function pair(values: readonly number[], name: string, where: string): [number, number] {
  if (values.length !== 2) throw new OnnxImportError(`${where}: ${name} must have 2 values (2-D), got [${values.join(', ')}]`);
  return [values[0], values[1]];
}

/** The attributes a 2-D window reads. */
type WindowAttributes = Pick<NodeAttributes, 'int' | 'ints' | 'string' | 'has'>;

/** A 1-D window's attributes read as those of a 2-D window of height 1 (kernel [1, k], pads [0, begin, 0, end]). */
class HeightOne implements WindowAttributes {
  constructor(private readonly attributes: NodeAttributes) {}

  has(name: string): boolean {
    return this.attributes.has(name);
  }

  int(name: string, fallback: number): number {
    return this.attributes.int(name, fallback);
  }

  string(name: string, fallback: string): string {
    return this.attributes.string(name, fallback);
  }

  ints(name: string): number[] | undefined {
    const values = this.attributes.ints(name);
    if (values === undefined) return undefined;
    if (name === 'pads') return values.length === 2 ? [0, values[0], 0, values[1]] : values;
    return ['kernel_shape', 'strides', 'dilations'].includes(name) && values.length === 1 ? [1, values[0]] : values;
  }
}

/** Kernel, strides, dilations and pads of a 2-D window from the ONNX attributes (auto_pad resolved). */
function resolveWindow(attributes: WindowAttributes, kernel: [number, number], input: [number, number], where: string) {
  const strides = pair(attributes.ints('strides') ?? [1, 1], 'strides', where);
  const dilations = pair(attributes.ints('dilations') ?? [1, 1], 'dilations', where);
  if ([...kernel, ...strides, ...dilations].some((v) => !(Number.isInteger(v) && v >= 1))) {
    throw new OnnxImportError(`${where}: kernel, strides and dilations must be whole numbers >= 1`);
  }
  const autoPad = attributes.string('auto_pad', 'NOTSET');
  const padsAttribute = attributes.ints('pads');
  let pads: [number, number, number, number];
  if (autoPad === 'NOTSET') {
    const given = padsAttribute ?? [0, 0, 0, 0];
    if (given.length !== 4 || given.some((p) => !(Number.isInteger(p) && p >= 0))) throw new OnnxImportError(`${where}: pads must be 4 whole numbers >= 0 (top, left, bottom, right), got [${given.join(', ')}]`);
    pads = [given[0], given[1], given[2], given[3]];
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const y: AxisPadding = samePadding(input[0], kernel[0], strides[0], dilations[0], autoPad);
    const x: AxisPadding = samePadding(input[1], kernel[1], strides[1], dilations[1], autoPad);
    pads = [y.begin, x.begin, y.end, x.end];
  } else {
    throw new OnnxImportError(`${where}: auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  }
  if (autoPad !== 'NOTSET' && padsAttribute !== undefined) throw new OnnxImportError(`${where}: pads cannot be given with auto_pad ${autoPad}`);
  return { kernel, strides, dilations, pads } as const;
}

/** A Gemm C as one value per output, if it broadcasts over the batch: dims [], [1], [n], [1, 1] or [1, n]. */
function biasPerOutput(c: ConstantTensor, n: number): Float64Array | undefined {
  const dims = c.dims.length === 2 ? (c.dims[0] === 1 ? [c.dims[1]] : undefined) : c.dims;
  if (dims === undefined || dims.length > 1) return undefined;
  const size = dims.length === 0 ? 1 : dims[0];
  if (size === n) return Float64Array.from(c.values);
  if (size === 1) return new Float64Array(n).fill(c.values[0]);
  return undefined;
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
