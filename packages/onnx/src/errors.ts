/** A model the importer cannot read or does not support; the message names the node or tensor and the problem. */
export class OnnxImportError extends Error {
  override readonly name = 'OnnxImportError';
}
