/**
 * The entry of the ONNX import: checks the model (opset, supported ops, one float, integer or bool
 * graph input with a batch first), binds initializers and the input, runs each node's handler from
 * the table (integer-valued activations checked and followed, integers.ts), and collects the graph
 * outputs into a core Network. A graph that cannot be imported per sample (an op mixes the samples,
 * a constant spans the batch axis) but fixes its batch size is imported again as that one whole
 * batch (Network.wholeBatch).
 */
import type { Network } from '@xbar/core';
import { describeNode } from '../attributes.js';
import { FIRST_AXIS, formatDims, isFirstAxis } from '../batch-layout.js';
import { type ConstantTensor, OnnxImportError, decodeTensor } from '../constant.js';
import { type OnnxGraph, type OnnxModel, type OnnxNode, decodeOnnxModel } from '../model.js';
import { OnnxDataType } from '../schema.js';
import { GraphImporter } from './graph-importer.js';
import { checkIntegerInputs, isIntegerType, markIntegerOutputs } from './integers.js';
import { NodeContext } from './node-context.js';
import { SUPPORTED_OPS, handlerOf } from './table.js';
import { appendTensorOp } from './tensor-node.js';
import { fullDims } from './values.js';

export { SUPPORTED_OPS };

/** ONNX operator set versions (default domain) the importer accepts. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 22;

/** The result of importing an ONNX model. */
export interface ImportedModel {
  readonly network: Network;
  /**
   * Each weight node's name -> the ONNX tensor its weights come from, input 1 of its Gemm, MatMul,
   * Conv or ConvTranspose (an initializer in a PyTorch export); for LSTM, GRU and RNN nodes, W for
   * the input projection `<name>/W` and R for the recurrent node `<name>/R`.
   */
  readonly weightInitializers: ReadonlyMap<string, string>;
  /** Operator set version of the default domain. */
  readonly opset: number;
  /** producer_name and producer_version of the model, e.g. "pytorch 1.13.0". */
  readonly producer: string;
}

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
  const initializers = graph.initializer.map((initializer): [string, ConstantTensor] => {
    const name = initializer.name ?? '';
    const tensor = decodeTensor(initializer, `initializer '${name}'`);
    const bad = tensor.values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new OnnxImportError(`initializer '${name}': element ${bad} is ${tensor.values[bad]}; weights and other initializers must be finite`);
    return [name, tensor];
  });
  const input = graphInput(graph, new Set(initializers.map(([name]) => name)));
  let imported: ImportedGraph;
  try {
    imported = importGraph(graph, opset, initializers, input, undefined);
  } catch (error) {
    // a graph that mixes the samples of a fixed batch runs as that one whole batch
    if (!(error instanceof OnnxImportError) || input.fixedBatch === undefined) throw error;
    imported = importWholeBatch(graph, opset, initializers, input, input.fixedBatch, error);
  }
  const producer = [model.producer_name, model.producer_version].filter((part) => part).join(' ');
  return { ...imported, opset, producer };
}

type ImportedGraph = Pick<ImportedModel, 'network' | 'weightInitializers'>;

type GraphInput = ReturnType<typeof graphInput>;

/** The graph imported as one whole batch of `batch` samples, or `refusal` (the per-sample import's error) if that fails too. */
function importWholeBatch(graph: OnnxGraph, opset: number, initializers: readonly [string, ConstantTensor][], input: GraphInput, batch: number, refusal: OnnxImportError): ImportedGraph {
  try {
    return importGraph(graph, opset, initializers, input, batch);
  } catch (error) {
    if (error instanceof OnnxImportError) throw refusal;
    throw error;
  }
}

/** The nodes of the graph translated, per sample or (`wholeBatch`) as one whole batch. */
function importGraph(graph: OnnxGraph, opset: number, initializers: readonly [string, ConstantTensor][], input: GraphInput, wholeBatch: number | undefined): ImportedGraph {
  const { inputName, inputShape, fixedBatch, integer } = input;
  const importer = new GraphImporter(opset, fixedBatch, wholeBatch, graph.node, graph.output.map((o) => o.name ?? ''));
  for (const [name, tensor] of initializers) importer.setConstant(name, tensor);
  importer.setActivation(inputName, inputName, inputShape, FIRST_AXIS, { integer, batchSize: wholeBatch });
  graph.node.forEach((node, index) => importNode(importer, node, index));
  const outputs = graph.output.map((output) => {
    const name = output.name ?? '';
    const value = importer.value(name, `graph output '${name}'`);
    // a whole batch's output may be a constant (the Shape of its input)
    if (value.kind === 'constant' && wholeBatch !== undefined) return importer.constantOutput(name, value.tensor);
    if (value.kind !== 'activation') throw new OnnxImportError(`graph output '${name}' is a constant: nothing to compute`);
    // in a whole batch the outputs are whole tensors, whatever axis holds the samples
    if (wholeBatch === undefined && !isFirstAxis(value.batch)) throw new OnnxImportError(`graph output '${name}' has the batch on axis ${value.batch.axis} of [${formatDims(fullDims(value))}]; graph outputs must be batch first`);
    return value.id;
  });
  const network: Network = { inputName, inputShape, nodes: importer.nodes, outputs, ...(wholeBatch === undefined ? {} : { wholeBatch }) };
  const weightNodes = new Set(importer.nodes.map((node) => node.name));
  return { network, weightInitializers: new Map([...importer.weightInitializers].filter(([name]) => weightNodes.has(name))) };
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

/** Float types of a graph input, taken as float64 values. */
const FLOAT_INPUTS: readonly number[] = [OnnxDataType.FLOAT, OnnxDataType.DOUBLE, OnnxDataType.FLOAT16, OnnxDataType.BFLOAT16];

/**
 * The graph's one non-constant input: a batch (batch x features...), every axis but the batch
 * fixed, of floats, or of integers or bools (`integer`: its ONNX data type), held as float64.
 */
function graphInput(graph: OnnxGraph, initializerNames: ReadonlySet<string>): { inputName: string; inputShape: number[]; fixedBatch: number | undefined; integer: number | undefined } {
  const inputs = graph.input.filter((input) => !initializerNames.has(input.name ?? ''));
  if (inputs.length !== 1) {
    throw new OnnxImportError(`the graph must have exactly one non-constant input, it has ${inputs.length}${inputs.length > 0 ? `: ${inputs.map((i) => i.name).join(', ')}` : ''}`);
  }
  const input = inputs[0];
  const inputName = input.name ?? '';
  const tensorType = input.type?.tensor_type;
  if (tensorType === undefined) throw new OnnxImportError(`graph input '${inputName}' is not a tensor`);
  const type = tensorType.elem_type ?? 0;
  const integer = isIntegerType(type) ? type : undefined;
  if (!FLOAT_INPUTS.includes(type) && integer === undefined) {
    throw new OnnxImportError(`graph input '${inputName}' must be float32, float64, float16, bfloat16, an integer type or bool, it is data type ${type}`);
  }
  const dims = tensorType.shape?.dim ?? [];
  if (dims.length < 1) throw new OnnxImportError(`graph input '${inputName}' must be a batch (batch x features..., or a batch of scalars), it is a scalar`);
  const inputShape = dims.slice(1).map((dim, i) => {
    const size = Number(dim.dim_value ?? 0);
    if (!(size > 0)) throw new OnnxImportError(`graph input '${inputName}': dimension ${i + 1} must be a fixed size (only the batch may be symbolic)`);
    return size;
  });
  const fixedBatch = dims[0].dim_value !== undefined && dims[0].dim_value > 0 ? Number(dims[0].dim_value) : undefined;
  return { inputName, inputShape, fixedBatch, integer };
}

/**
 * Translates one ONNX node by its op's handler; integer arithmetic as the float op followed by a
 * Cast to the integer type (truncation and wrap-around, see integers.ts).
 */
function importNode(importer: GraphImporter, node: OnnxNode, index: number): void {
  const where = describeNode(node, index);
  const context = new NodeContext(importer, node, where);
  const op = node.op_type ?? '';
  const handle = handlerOf(op);
  if (handle === undefined) throw new OnnxImportError(`${context.where}: unsupported op`);
  const integer = checkIntegerInputs(context, op);
  if (integer?.wrapped) {
    const output = context.output(0);
    const unwrapped = `${output}/before-cast`;
    handle(new NodeContext(importer, { ...node, name: unwrapped, output: [unwrapped] }, where), op);
    appendTensorOp(context, 'Cast', { to: integer.type }, [importer.value(unwrapped, where)], output);
  } else {
    handle(context, op);
  }
  markIntegerOutputs(context, integer?.type);
}
