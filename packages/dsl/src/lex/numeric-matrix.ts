/**
 * The fast path for large inline matrices of plain numbers (`.weights W [[0.5 -0.2 ...] ...]` pasted
 * from elsewhere): one linear scan straight into a Float64Array, one token for the whole matrix,
 * instead of a token, a syntax node and an AST node per number. It takes only what it can read
 * exactly: a vector `[a b c]` or a matrix of rows `[[a b] [c d]]` whose elements are decimal numbers
 * without scale suffixes (`1.5`, `-2e-3`), separated by blanks or commas, over `+` continuation lines.
 * Anything else (names, `{expressions}`, suffixes, comments, deeper nesting) and matrices shorter
 * than FAST_MATRIX_MIN_CHARS take the ordinary path, with its diagnostics.
 */

/** Matrices shorter than this many characters take the ordinary path. */
export const FAST_MATRIX_MIN_CHARS = 4096;

/** A matrix read by the fast path. */
export interface NumericMatrix {
  /** Offset just after the closing `]`. */
  readonly end: number;
  readonly rows: number;
  /** Values per row (of the first row when the rows differ). */
  readonly cols: number;
  /** Row-major values. */
  readonly data: Float64Array;
  /** Each source line of the matrix with blanks normalized (as the formatter prints it), continuation `+` removed. */
  readonly segments: readonly string[];
  /** Set when the rows have different lengths: the first row that differs (1-based) and its length. */
  readonly ragged?: { readonly row: number; readonly length: number };
}


/**
 * The matrix starting with the `[` at `offset`, or undefined when the fast path does not apply (the
 * `[` is not where a value starts, the matrix is short, or it holds anything but plain numbers).
 * Linear in the length of the matrix.
 */
export function scanNumericMatrix(text: string, offset: number): NumericMatrix | undefined {
  const end = numericMatrixEnd(text, offset);
  return end === undefined ? undefined : readMatrix(text, offset, end);
}

/** Where the fast-path matrix starting at `offset` ends (after its `]`), without reading its values; undefined if the fast path does not apply. */
export function numericMatrixEnd(text: string, offset: number): number | undefined {
  if (text.charCodeAt(offset) !== 91 || !startsValue(text, offset)) return undefined;
  const end = matrixEnd(text, offset);
  return end === undefined || end - offset < FAST_MATRIX_MIN_CHARS ? undefined : end;
}

/** A value starts after a name or `=` (`.weights W [..`, `x=[..`), never inside a matrix or expression. */
function startsValue(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    return c === 61 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  }
  return false;
}

/**
 * Offset after the `]` closing the `[` at `offset` when everything between is numbers, blanks,
 * commas, rows and continuation line breaks, at most two levels deep; undefined otherwise.
 */
function matrixEnd(text: string, offset: number): number | undefined {
  let depth = 0;
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 91) {
      if (++depth > 2) return undefined;
      i++;
    } else if (c === 93) {
      i++;
      if (--depth === 0) return i;
    } else if (c === 10 || c === 13) {
      i = continuationAfter(text, i);
      if (i < 0) return undefined;
    } else if (isNumberCharacter(c) || c === 32 || c === 9 || c === 44) {
      i++;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Offset after `\n[ \t]*+` (a continuation line) at the line break at `i`, or -1. */
function continuationAfter(text: string, i: number): number {
  let j = text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  while (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
  return text.charCodeAt(j) === 43 ? j + 1 : -1;
}

function isNumberCharacter(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69;
}

/** Reads the values of a matrix whose characters matrixEnd has vetted; undefined on any malformed number or mixed nesting. */
function readMatrix(text: string, start: number, end: number): NumericMatrix | undefined {
  let data = new Float64Array(1024);
  let count = 0;
  const rowLengths: number[] = [];
  let depth = 0;
  let vector = false;
  let rowStart = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 91) {
      depth++;
      if (depth === 2) {
        if (vector) return undefined;
        rowStart = count;
      }
      i++;
    } else if (c === 93) {
      if (depth === 2) rowLengths.push(count - rowStart);
      depth--;
      i++;
    } else if (c === 10 || c === 13) {
      i = continuationAfter(text, i);
    } else if (c === 32 || c === 9 || c === 44) {
      i++;
    } else {
      let j = i + 1;
      while (j < end && isNumberCharacter(text.charCodeAt(j))) j++;
      // Number() reads exactly the decimal forms (and NaN for "1e", "1-2", "+", "1.2.3")
      const value = Number(text.slice(i, j));
      if (Number.isNaN(value)) return undefined;
      if (depth === 1) {
        if (rowLengths.length > 0) return undefined;
        vector = true;
      }
      if (count === data.length) {
        const grown = new Float64Array(2 * data.length);
        grown.set(data);
        data = grown;
      }
      data[count++] = value;
      i = j;
    }
  }
  if (vector) rowLengths.push(count);
  if (rowLengths.length === 0 || rowLengths[0] === 0) return undefined;
  const cols = rowLengths[0];
  const differing = rowLengths.findIndex((length) => length !== cols);
  return {
    end,
    rows: rowLengths.length,
    cols,
    data: data.slice(0, count),
    segments: normalizedSegments(text.slice(start, end)),
    ...(differing >= 0 ? { ragged: { row: differing + 1, length: rowLengths[differing] } } : {}),
  };
}

/** The matrix's source lines as the formatter prints them: one blank between items, none inside brackets. */
function normalizedSegments(source: string): string[] {
  return source.split(/\r\n|\n|\r/).map((line, k) =>
    (k === 0 ? line : line.replace(/^[ \t]*\+/, ''))
      .replace(/,/g, ' ')
      .replace(/[ \t]+/g, ' ')
      .replace(/\[ /g, '[')
      .replace(/ \]/g, ']')
      .trim(),
  );
}
