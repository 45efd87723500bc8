/**
 * A cheap upper bound on the tokens of a text, counted before lexing so that a huge file is refused
 * before the lexer and parser allocate a token, a syntax node and an AST node for each of its words.
 * Linear, allocation-free; counts like the lexer: comment lines and `;` tails are free, a string or
 * a run of name and number characters is one token, every other visible character one token, a line
 * break one, and a large plain-number matrix (the lexer's fast path) one.
 */
import { numericMatrixEnd } from './numeric-matrix.js';

/** Tokens of `text`, counted up to `limit + 1` (a larger count stops there). */
export function countTokens(text: string, limit: number): number {
  let count = 0;
  let lineStart = true;
  let i = 0;
  while (i < text.length && count <= limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      count++;
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff) {
      i++;
      continue;
    }
    if ((c === 42 && lineStart) || c === 59) {
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    lineStart = false;
    count++;
    if (c === 34 || c === 39) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      if (text.charCodeAt(i) === c) i++;
    } else if (c === 91) {
      i = numericMatrixEnd(text, i) ?? i + 1;
    } else if (isWordCharacter(c)) {
      while (i < text.length && isWordCharacter(text.charCodeAt(i))) i++;
    } else {
      i++;
    }
  }
  return count;
}

function isWordCharacter(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}
