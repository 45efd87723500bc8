import { type ZlibOptions, constants, gunzipSync } from 'node:zlib';

/** Largest IDX file, inflated, that xbar reads (the MNIST training images are 47 MB). */
export const MAX_IDX_BYTES = 2 ** 30;

/** Compressed bytes inflated to read the IDX header of a gzip file (the header is at most 1 KiB inflated). */
const HEADER_PROBE_BYTES = 4096;

/**
 * The IDX bytes of a gzip-compressed IDX file, inflated no further than the size its header declares
 * (4 + 4 x rank bytes of header, then the product of the dimensions): a small file that inflates to
 * gigabytes (a gzip bomb) is refused as soon as it passes that size, and a header that declares more
 * than MAX_IDX_BYTES is refused before anything is inflated. Errors name the file.
 */
export function gunzipIdx(bytes: Uint8Array, path: string): Uint8Array {
  // a prefix of the stream, flushed as far as it goes, holds the header
  const head = inflateBounded(bytes.subarray(0, HEADER_PROBE_BYTES), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 2 ** 24 }, () => `${path}: its first ${HEADER_PROBE_BYTES} bytes inflate to more than 16 MiB (a gzip bomb, not an IDX file)`);
  const declared = declaredIdxBytes(head, path);
  if (declared > MAX_IDX_BYTES) throw new RangeError(`${path}: its IDX header declares ${declared} bytes, more than the ${MAX_IDX_BYTES} xbar reads`);
  return inflateBounded(bytes, { maxOutputLength: Math.max(declared, 1) }, () => `${path}: inflates to more than the ${declared} bytes its IDX header declares`);
}

/** gunzipSync that stops at `maxOutputLength` with the RangeError `tooLarge()`; other failures (a corrupt stream) pass through. */
function inflateBounded(bytes: Uint8Array, options: ZlibOptions, tooLarge: () => string): Uint8Array {
  try {
    return gunzipSync(bytes, options);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE') throw new RangeError(tooLarge(), { cause: error });
    throw error;
  }
}

/** Header plus data bytes an IDX header declares; the header must be complete in `head`. */
function declaredIdxBytes(head: Uint8Array, path: string): number {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) throw new RangeError(`${path} is not an IDX file (it must start with two zero bytes, a type byte and a rank byte)`);
  const rank = head[3];
  const headerLength = 4 + 4 * rank;
  if (head.length < headerLength) throw new RangeError(`${path} ends inside its IDX header`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let elements = 1;
  for (let k = 0; k < rank; k++) elements *= view.getUint32(4 + 4 * k, false);
  return headerLength + elements;
}
