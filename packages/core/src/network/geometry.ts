/**
 * Window geometry of convolutions and pooling along one spatial axis (ONNX Conv / MaxPool /
 * AveragePool conventions, which PyTorch follows).
 */

/** Padding of one spatial axis: elements added before and after the input. */
export interface AxisPadding {
  readonly begin: number;
  readonly end: number;
}

/** Extent of a dilated kernel: (kernel - 1) * dilation + 1 input elements. */
function dilatedSpan(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

/**
 * Output length of a window sliding over `input` elements with explicit padding:
 * floor((input + begin + end - span) / stride) + 1, or with `ceilMode` the ceiling, dropping a last
 * window that would start in the end padding (PyTorch's rule, also ONNX Runtime's).
 */
export function windowOutputSize(input: number, kernel: number, stride: number, dilation: number, padding: AxisPadding, ceilMode = false): number {
  const span = dilatedSpan(kernel, dilation);
  const room = input + padding.begin + padding.end - span;
  if (room < 0) {
    throw new RangeError(`a kernel spanning ${span} does not fit an input of ${input} with padding ${padding.begin} + ${padding.end}`);
  }
  let size = (ceilMode ? Math.ceil(room / stride) : Math.floor(room / stride)) + 1;
  if (ceilMode && (size - 1) * stride >= input + padding.begin) size--;
  return size;
}

/**
 * Padding of ONNX auto_pad SAME_UPPER / SAME_LOWER: the output has ceil(input / stride) elements and the
 * total padding is split evenly, the odd element at the end (SAME_UPPER) or the beginning (SAME_LOWER).
 */
export function samePadding(input: number, kernel: number, stride: number, dilation: number, mode: 'SAME_UPPER' | 'SAME_LOWER'): AxisPadding {
  const output = Math.ceil(input / stride);
  const total = Math.max(0, (output - 1) * stride + dilatedSpan(kernel, dilation) - input);
  const small = Math.floor(total / 2);
  return mode === 'SAME_UPPER' ? { begin: small, end: total - small } : { begin: total - small, end: small };
}
