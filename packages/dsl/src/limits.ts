/**
 * Size limits. A netlist is untrusted input: everything it asks for is bounded, and requests beyond
 * these limits are refused with a diagnostic before anything is allocated. Embedders may lower or
 * raise them through `CheckOptions.limits`.
 */
export interface Limits {
  /** Largest rows or cols of one array (tile). */
  readonly maxArrayDimension: number;
  /** Largest rows x cols of one array (tile), in cells. */
  readonly maxArrayCells: number;
  /** Largest number of elements of one inline matrix. */
  readonly maxMatrixElements: number;
  /** Largest Monte-Carlo runs or trials of one analysis. */
  readonly maxTrials: number;
  /** Largest number of points of one `.step` sweep or of an optimization. */
  readonly maxSweepPoints: number;
  /** Deepest nesting of brackets `( [ {` in one card. */
  readonly maxNesting: number;
  /** Longest `{expression}`, in tokens. */
  readonly maxExpressionTokens: number;
  /** Deepest chain of `.include`s. */
  readonly maxIncludeDepth: number;
  /** Most files read for one netlist (the top file and its includes). */
  readonly maxFiles: number;
  /** Largest total size of the files read, in bytes (UTF-16 code units of the text). */
  readonly maxTotalBytes: number;
  /**
   * Most tokens of all the files read together (words, numbers, punctuation, line breaks; a large
   * plain-number matrix counts as one): counted before parsing, so that no text makes the parser
   * allocate more than about 0.6 KB per token times this.
   */
  readonly maxTokens: number;
  /** Longest file path a netlist may write (`.include`, `npy=`...), in characters (PATH_MAX on Linux). */
  readonly maxPathLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxArrayDimension: 65_536,
  maxArrayCells: 2 ** 24,
  maxMatrixElements: 2 ** 22,
  maxTrials: 10_000_000,
  maxSweepPoints: 100_000,
  maxNesting: 64,
  maxExpressionTokens: 10_000,
  maxIncludeDepth: 16,
  maxFiles: 256,
  maxTotalBytes: 64 * 1024 * 1024,
  maxTokens: 2 ** 19,
  maxPathLength: 4096,
};
