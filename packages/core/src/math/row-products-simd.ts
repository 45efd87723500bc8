import { ROW_PRODUCTS_WASM_BASE64 } from './row-products-wasm.js';

/**
 * rowProducts on WebAssembly SIMD (row-products.wat): the same sums in the same order, two outputs
 * per f64x2 instruction, about 3x the JavaScript kernel on large products. `a` is copied in by
 * blocks of rows, `b` packed in blocks of four columns, and the outputs copied out to their strides,
 * in the memory of a SimdWorkspace: the caller's (reused over its products), else one for the call.
 */

/** Products (rows x cols x depth) from which the SIMD kernel pays for its instance and copies. */
export const SIMD_MIN_PRODUCTS = 1 << 20;

/** Most bytes of WebAssembly memory one call uses by default (`a` then goes in blocks of rows). */
export const SIMD_MAX_BYTES = 256 * 2 ** 20;

const PAGE_BYTES = 65536;

/** Rows and columns of the panels the kernel runs on (64 x depth doubles each: a few hundred KB, in L2). */
const PANEL = 64;

/** The part of the WebAssembly API used here (TypeScript's ES library does not declare it; Node and browsers have it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: { readonly memory: WasmMemory; readonly gemm: Gemm } };
}
interface WasmModule {
  readonly kind?: 'module';
}
interface WasmMemory {
  grow(pages: number): number;
  readonly buffer: ArrayBuffer;
}

const wasm = (globalThis as { readonly WebAssembly?: WasmApi }).WebAssembly;

/** The compiled kernel (immutable), or undefined where WebAssembly SIMD is not available. */
const kernel: WasmModule | undefined = compileKernel();

function compileKernel(): WasmModule | undefined {
  const bytes = Uint8Array.from(atob(ROW_PRODUCTS_WASM_BASE64), (char) => char.charCodeAt(0));
  return wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : undefined;
}

/** The arguments of rowProducts: a (rows x depth), b (cols x depth), the bias, and where the outputs go. */
export type ProductArguments = [a: Float64Array, rows: number, b: Float64Array, cols: number, depth: number, bias: Float64Array | undefined, out: Float64Array, outOffset: number, rowStride: number, colStride: number];

type Gemm = (a: number, rows: number, bp: number, cols: number, depth: number, bias: number, out: number, outStride: number) => void;

/**
 * The kernel's instance and memory, owned by whoever runs many products (an analysis of one batch):
 * the memory grows to the largest product and is reused, which saves allocating and zeroing it per call.
 * Holds no result between calls.
 */
export class SimdWorkspace {
  private exports: { readonly memory: WasmMemory; readonly gemm: Gemm } | undefined;

  /** The kernel with at least `bytes` of memory (a view of it as doubles), or undefined without WebAssembly SIMD. */
  reserve(bytes: number): { readonly heap: Float64Array; readonly gemm: Gemm } | undefined {
    if (!wasm || !kernel) return undefined;
    this.exports ??= new wasm.Instance(kernel, {}).exports;
    const { memory, gemm } = this.exports;
    const pages = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) memory.grow(pages);
    return { heap: new Float64Array(memory.buffer), gemm };
  }
}

/**
 * out[outOffset + r * rowStride + c * colStride] = bias[r] + sum_k a[r, k] b[c, k] (rowProducts'
 * contract) on the SIMD kernel, in at most `maxBytes` of memory; false, with nothing written, when
 * it cannot run (no WebAssembly SIMD, or `b` and four rows do not fit).
 */
export function rowProductsSimd(...[a, rows, b, cols, depth, bias, out, outOffset, rowStride, colStride, workspace = new SimdWorkspace(), maxBytes = SIMD_MAX_BYTES]: [...ProductArguments, workspace?: SimdWorkspace, maxBytes?: number]): boolean {
  if (depth === 0) return false;
  const paddedCols = Math.ceil(cols / 4) * 4;
  const packedDoubles = paddedCols * depth;
  const perRow = depth + paddedCols + 1;
  const blockRows = Math.min(Math.ceil(rows / 4) * 4, Math.floor((maxBytes / 8 - packedDoubles) / perRow / 4) * 4);
  if (blockRows < 4) return false;
  const reserved = workspace.reserve(8 * (packedDoubles + blockRows * perRow));
  if (!reserved) return false;
  const { heap, gemm } = reserved;
  // layout (doubles): packed b, then the block's rows of a, its bias, its outputs
  for (let block = 0; block < paddedCols / 4; block++) {
    for (let j = 0; j < 4; j++) {
      const c = block * 4 + j;
      const base = block * depth * 4 + j;
      if (c < cols) for (let k = 0; k < depth; k++) heap[base + k * 4] = b[c * depth + k];
    }
  }
  const aStart = packedDoubles;
  const biasStart = aStart + blockRows * depth;
  const outStart = biasStart + blockRows;
  for (let first = 0; first < rows; first += blockRows) {
    const count = Math.min(blockRows, rows - first);
    const padded = Math.ceil(count / 4) * 4;
    heap.set(a.subarray(first * depth, (first + count) * depth), aStart);
    heap.fill(0, aStart + count * depth, aStart + padded * depth);
    for (let r = 0; r < padded; r++) heap[biasStart + r] = bias && r < count ? bias[first + r] : 0;
    // panels of PANEL rows x PANEL columns: both operands' panels stay in cache while the kernel walks them
    for (let r0 = 0; r0 < padded; r0 += PANEL) {
      const panelRows = Math.min(PANEL, padded - r0);
      for (let c0 = 0; c0 < paddedCols; c0 += PANEL) {
        const panelCols = Math.min(PANEL, paddedCols - c0);
        gemm((aStart + r0 * depth) * 8, panelRows, c0 * depth * 8, panelCols, depth, (biasStart + r0) * 8, (outStart + r0 * paddedCols + c0) * 8, paddedCols);
      }
    }
    for (let r = 0; r < count; r++) {
      const from = outStart + r * paddedCols;
      const to = outOffset + (first + r) * rowStride;
      if (colStride === 1) out.set(heap.subarray(from, from + cols), to);
      else for (let c = 0; c < cols; c++) out[to + c * colStride] = heap[from + c];
    }
  }
  return true;
}
