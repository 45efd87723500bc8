/** Direct (loop-per-output, no im2col) reference convolution and pooling for the tests, NCHW. */

export interface Nchw {
  readonly shape: readonly [number, number, number, number];
  readonly data: Float64Array;
}

export interface WindowSpec {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly pads: [number, number, number, number];
  readonly dilations: [number, number];
}

function outSize(input: number, kernel: number, stride: number, begin: number, end: number, dilation: number, ceil: boolean): number {
  const span = (kernel - 1) * dilation + 1;
  let size = (ceil ? Math.ceil((input + begin + end - span) / stride) : Math.floor((input + begin + end - span) / stride)) + 1;
  if (ceil && (size - 1) * stride >= input + begin) size--;
  return size;
}

export function referenceConv(x: Nchw, weights: readonly number[], outChannels: number, kernel: [number, number], bias: readonly number[], window: WindowSpec, groups: number): Nchw {
  const [batch, channels, height, width] = x.shape;
  const perGroup = channels / groups;
  const outH = outSize(height, kernel[0], window.strides[0], window.pads[0], window.pads[2], window.dilations[0], false);
  const outW = outSize(width, kernel[1], window.strides[1], window.pads[1], window.pads[3], window.dilations[1], false);
  const out = new Float64Array(batch * outChannels * outH * outW);
  for (let b = 0; b < batch; b++)
    for (let m = 0; m < outChannels; m++) {
      const g = Math.floor(m / (outChannels / groups));
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++) {
          let sum = bias[m] ?? 0;
          for (let c = 0; c < perGroup; c++)
            for (let ky = 0; ky < kernel[0]; ky++)
              for (let kx = 0; kx < kernel[1]; kx++) {
                const y = oy * window.strides[0] - window.pads[0] + ky * window.dilations[0];
                const xx = ox * window.strides[1] - window.pads[1] + kx * window.dilations[1];
                if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
                const input = x.data[((b * channels + g * perGroup + c) * height + y) * width + xx];
                sum += input * weights[((m * perGroup + c) * kernel[0] + ky) * kernel[1] + kx];
              }
          out[((b * outChannels + m) * outH + oy) * outW + ox] = sum;
        }
    }
  return { shape: [batch, outChannels, outH, outW], data: out };
}

export function referencePool(x: Nchw, kind: 'max' | 'avg', window: WindowSpec, ceil: boolean, countIncludePad: boolean): Nchw {
  const [batch, channels, height, width] = x.shape;
  const outH = outSize(height, window.kernel[0], window.strides[0], window.pads[0], window.pads[2], window.dilations[0], ceil);
  const outW = outSize(width, window.kernel[1], window.strides[1], window.pads[1], window.pads[3], window.dilations[1], ceil);
  const out = new Float64Array(batch * channels * outH * outW);
  for (let p = 0; p < batch * channels; p++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++) {
        const taps: number[] = [];
        let padded = 0;
        for (let ky = 0; ky < window.kernel[0]; ky++)
          for (let kx = 0; kx < window.kernel[1]; kx++) {
            const y = oy * window.strides[0] - window.pads[0] + ky * window.dilations[0];
            const xx = ox * window.strides[1] - window.pads[1] + kx * window.dilations[1];
            const inPadded = y >= -window.pads[0] && y < height + window.pads[2] && xx >= -window.pads[1] && xx < width + window.pads[3];
            if (inPadded) padded++;
            if (y >= 0 && y < height && xx >= 0 && xx < width) taps.push(x.data[(p * height + y) * width + xx]);
          }
        const sum = taps.reduce((a, v) => a + v, 0);
        out[(p * outH + oy) * outW + ox] = kind === 'max' ? Math.max(...taps) : sum / (countIncludePad ? padded : taps.length);
      }
  return { shape: [batch, channels, outH, outW], data: out };
}
