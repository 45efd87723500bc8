/**
 * Token types of the `.xbar` language and the chevrotain lexer (one instance, built once).
 *
 * Comments (`*` lines and `;` tails) go to the `comments` group, out of the parser's way. A `+` or `*`
 * is a continuation mark or a comment only when it is the first non-blank character of its line.
 * After `.include`, the lexer switches to a mode where an unquoted path is one token.
 */
import { type CustomPatternMatcherReturn, Lexer, createToken, type TokenType } from 'chevrotain';
import { scanNumericMatrix } from './numeric-matrix.js';

/** True when only spaces or tabs precede `offset` on its line. */
function atLineStart(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function match(image: string): CustomPatternMatcherReturn {
  return [image];
}

export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true, label: 'end of line' });
export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });

/** `* ...` as the first non-blank character of a line: a comment line (SPICE). */
export const StarComment = createToken({
  name: 'StarComment',
  pattern: (text: string, offset: number) => {
    if (text.charCodeAt(offset) !== 42 || !atLineStart(text, offset)) return null;
    let end = offset;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    return match(text.slice(offset, end));
  },
  start_chars_hint: ['*'],
  line_breaks: false,
  group: 'comments',
});

/** `; ...`: an end-of-line comment. */
export const SemicolonComment = createToken({ name: 'SemicolonComment', pattern: /;[^\r\n]*/, group: 'comments' });

/** `+` as the first non-blank character of a line: continues the previous card. */
export const Continuation = createToken({
  name: 'Continuation',
  pattern: (text: string, offset: number) => (text.charCodeAt(offset) === 43 && atLineStart(text, offset) ? match('+') : null),
  start_chars_hint: ['+'],
  line_breaks: false,
  label: "'+' continuation",
});

export const Directive = createToken({ name: 'Directive', pattern: /\.[A-Za-z_][A-Za-z0-9_]*/, label: 'card keyword' });
/** `.include` / `.inc`: switches to the path mode for the rest of the line. */
export const Include = createToken({
  name: 'Include',
  pattern: /\.inc(?:lude)?(?![A-Za-z0-9_])/i,
  push_mode: 'includePath',
  label: "'.include'",
});

export const NumberToken = createToken({
  name: 'Number',
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z_]*/,
  label: 'number',
});
/** A large `[...]` of plain numbers, read in one pass into a typed array (numeric-matrix.ts); payload: its NumericMatrix. */
export const NumericMatrixToken = createToken({
  name: 'NumericMatrix',
  pattern: (text: string, offset: number) => {
    const matrix = scanNumericMatrix(text, offset);
    if (!matrix) return null;
    const result: CustomPatternMatcherReturn = [text.slice(offset, matrix.end)];
    result.payload = matrix;
    return result;
  },
  start_chars_hint: ['['],
  line_breaks: true,
  label: 'matrix',
});
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'name' });
/** A quoted string; the closing quote may be missing (reported by the parser, not the lexer). */
export const StringToken = createToken({ name: 'String', pattern: /"[^"\r\n]*"?|'[^'\r\n]*'?/, label: 'string' });

export const StarStar = createToken({ name: 'StarStar', pattern: /\*\*/, label: "'**'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: '/', label: "'/'" });
export const Caret = createToken({ name: 'Caret', pattern: '^', label: "'^'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: '-', label: "'-'" });
export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const LBrace = createToken({ name: 'LBrace', pattern: '{', label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: '}', label: "'}'" });

/** In path mode: an unquoted `.include` path runs to the next blank, quote or `;`. */
export const BarePath = createToken({ name: 'BarePath', pattern: /[!#-&(-:<-~\u0080-\uffff]+/, label: 'file path' });
const PathNewline = createToken({
  name: 'PathNewline',
  pattern: /\r\n|\r|\n/,
  line_breaks: true,
  pop_mode: true,
  categories: [Newline],
  label: 'end of line',
});

const mainMode: TokenType[] = [
  Newline,
  Whitespace,
  StarComment,
  SemicolonComment,
  Continuation,
  Include,
  Directive,
  NumberToken,
  Identifier,
  StringToken,
  StarStar,
  Star,
  Slash,
  Caret,
  Plus,
  Minus,
  Equals,
  Comma,
  LParen,
  RParen,
  NumericMatrixToken,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

const includePathMode: TokenType[] = [PathNewline, Whitespace, SemicolonComment, StringToken, BarePath];

/** Every token type the parser may see. */
export const allTokens: TokenType[] = [...mainMode, BarePath];

export const xbarLexer = new Lexer(
  { modes: { main: mainMode, includePath: includePathMode }, defaultMode: 'main' },
  { positionTracking: 'full', ensureOptimizations: true },
);
