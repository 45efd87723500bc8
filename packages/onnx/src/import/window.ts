/**
 * 2-D windows of convolution and pooling: kernel, strides, dilations and pads read from the ONNX
 * attributes (auto_pad resolved), and a 1-D window run as a 2-D one of height 1 between two reshapes.
 */
import { type AxisPadding, samePadding } from '@xbar/core/kernels';
import type { NodeAttributes } from '../attributes.js';
import { OnnxImportError } from '../constant.js';
import type { NodeContext } from './node-context.js';
import type { Activation } from './values.js';

/** A 2-D attribute (strides, dilations...) as its two values; throws unless it has two. */
export function pair(values: readonly number[], name: string, where: string): [number, number] {
  if (values.length !== 2) throw new OnnxImportError(`${where}: ${name} must have 2 values (2-D), got [${values.join(', ')}]`);
  return [values[0], values[1]];
}

/** The attributes a 2-D window reads. */
type WindowAttributes = Pick<NodeAttributes, 'int' | 'ints' | 'string' | 'has'>;

/** A 1-D window's attributes read as those of a 2-D window of height 1 (kernel [1, k], pads [0, begin, 0, end], output_padding [0, p], output_shape [1, L]). */
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
    // ConvTranspose's: no extra output row, an output of height 1
    if (name === 'output_padding') return values.length === 1 ? [0, values[0]] : values;
    return ['kernel_shape', 'strides', 'dilations', 'output_shape'].includes(name) && values.length === 1 ? [1, values[0]] : values;
  }
}

/** Kernel, strides, dilations and pads of a 2-D window from the ONNX attributes (auto_pad resolved). */
export function resolveWindow(attributes: WindowAttributes, kernel: [number, number], input: [number, number], where: string) {
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

/**
 * Input X of a 1-D or 2-D window op (`what`, e.g. 'pooling', names it in errors) and the op's
 * attributes, both as a 2-D window's: a 1-D input reshaped to height 1 (see dropHeight for the output).
 */
export function windowInput(context: NodeContext, written: NodeAttributes, what: string): { oneD: boolean; x: Activation; attributes: WindowAttributes } {
  const given = context.batchFirstInput(0, 'X');
  const oneD = given.shape.length === 2;
  if (!oneD && given.shape.length !== 3) throw new OnnxImportError(`${context.where}: only 1-D and 2-D ${what} (N x C x L or N x C x H x W input) are supported, got per-sample shape [${given.shape.join(', ')}]`);
  const attributes = oneD ? new HeightOne(written) : written;
  const x = oneD ? heightOne(context, given) : given;
  return { oneD, x, attributes };
}

/** A 1-D input C x L as C x 1 x L for a 2-D window. */
function heightOne(context: NodeContext, x: Activation): Activation {
  const id = `${context.output(0)}/2d-input`;
  context.addNode({ op: 'reshape', name: `${context.name}/2d-input`, inputs: [x.id], output: id, shape: [x.shape[0], 1, x.shape[1]] }, [x.shape]);
  return context.graph.activation(id, context.where);
}

/** The node's output C x 1 x L of a 2-D window (of a 1-D input) back to C x L. */
export function dropHeight(context: NodeContext, id: string): void {
  const [channels, , length] = context.graph.activation(id, context.where).shape;
  context.addNode({ op: 'reshape', name: `${context.name}/1d-output`, inputs: [id], output: context.output(0), shape: [channels, length] }, [[channels, 1, length]]);
}
