/**
 * Parsing one file: lex it, join `+` continuation lines into logical lines (cards), parse each card
 * with the shared chevrotain parser, and convert it to the AST. Never throws: lexical and syntax
 * errors become diagnostics, and a card with an error does not stop the following cards from being
 * parsed and checked.
 */
import { type IToken, tokenMatcher } from 'chevrotain';
import type { Comment, InvalidCard, Netlist, Span, Statement } from '../ast.js';
import { DiagnosticBag, type Diagnostic } from '../diagnostics.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import {
  Continuation,
  Directive,
  Equals,
  Identifier,
  Include,
  LBrace,
  LBracket,
  LParen,
  Newline,
  RBrace,
  RBracket,
  RParen,
  StringToken,
  xbarLexer,
} from '../lex/tokens.js';
import { countTokens } from '../lex/token-count.js';
import { AstBuilder, canonicalKeyword } from './cst-to-ast.js';
import { cardParser, describeToken } from './parser.js';

export interface ParseResult {
  readonly netlist: Netlist;
  readonly diagnostics: readonly Diagnostic[];
  /** True when there was no lexical or syntax error (the formatter only prints such files). */
  readonly syntaxOk: boolean;
  /** Tokens of the text (as `countTokens` counts them), toward `Limits.maxTokens`. */
  readonly tokens: number;
}

/** One card's tokens, gathered over its continuation lines. */
interface LogicalLine {
  readonly tokens: IToken[];
  readonly firstLine: number;
  lastLine: number;
}

/**
 * Parses one file. `tokenBudget` (default `limits.maxTokens`) is how many tokens it may have: a text
 * with more is refused (E304) before it is lexed, so that its size cannot exhaust memory.
 */
export function parseNetlist(text: string, file: string, limits: Limits = DEFAULT_LIMITS, tokenBudget = limits.maxTokens): ParseResult {
  const bag = new DiagnosticBag();
  const builder = new AstBuilder(file);
  const tokens = countTokens(text, tokenBudget);
  if (tokens > tokenBudget) {
    bag.error(
      'E304',
      pointSpan(file, 1, 1, 1),
      `${file} has more than ${tokenBudget} tokens${tokenBudget < limits.maxTokens ? ' left of the limit' : ''} (limit: ${limits.maxTokens} tokens for a netlist and its includes)`,
      'store large data in .npy files (npy="..."); an inline matrix of plain numbers counts as one token',
    );
    return { netlist: { file, statements: [] }, diagnostics: bag.sorted([file]), syntaxOk: false, tokens };
  }
  const lexed = xbarLexer.tokenize(text);
  for (const error of lexed.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    const shown = [...bad].slice(0, 8).join('');
    bag.error('E101', pointSpan(file, error.line ?? 1, error.column ?? 1, error.length), `unexpected character${[...bad].length > 1 ? 's' : ''} '${shown}'`);
  }
  const lines = logicalLines(lexed.tokens, file, bag);
  const comments = (lexed.groups.comments ?? []).map(
    (token): Comment => ({ kind: 'comment', text: token.image.trimEnd(), span: builder.tokenSpan(token) }),
  );
  const statements: Statement[] = [];
  let commentIndex = 0;
  for (const line of lines) {
    while (commentIndex < comments.length && comments[commentIndex].span.line < line.firstLine) {
      statements.push(comments[commentIndex++]);
    }
    const own: Comment[] = [];
    while (commentIndex < comments.length && comments[commentIndex].span.line <= line.lastLine) {
      own.push(comments[commentIndex++]);
    }
    statements.push(parseCard(line, own, builder, bag, limits));
  }
  while (commentIndex < comments.length) statements.push(comments[commentIndex++]);
  const diagnostics = bag.sorted([file]);
  return { netlist: { file, statements }, diagnostics, syntaxOk: diagnostics.every((d) => d.severity !== 'error'), tokens };
}

/** Splits the token stream at line breaks, joining a line that starts with `+` to the card before it. */
function logicalLines(tokens: readonly IToken[], file: string, bag: DiagnosticBag): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  let atLineStart = true;
  let skippingLine = false;
  for (const token of tokens) {
    if (tokenMatcher(token, Newline)) {
      atLineStart = true;
      skippingLine = false;
      continue;
    }
    if (skippingLine) continue;
    if (token.tokenType === Continuation) {
      const previous = lines[lines.length - 1];
      if (!previous) {
        bag.error('E105', spanOf(file, token), "continuation line '+' with no card before it", 'a `+` line continues the card above it; start the file with a card such as .param');
        skippingLine = true;
      } else {
        current = previous;
        current.lastLine = token.startLine ?? current.lastLine;
      }
      atLineStart = false;
      continue;
    }
    if (atLineStart) {
      current = { tokens: [], firstLine: token.startLine ?? 1, lastLine: token.startLine ?? 1 };
      lines.push(current);
      atLineStart = false;
    }
    current!.tokens.push(token);
    current!.lastLine = token.endLine ?? current!.lastLine;
  }
  return lines;
}

function parseCard(line: LogicalLine, comments: Comment[], builder: AstBuilder, bag: DiagnosticBag, limits: Limits): Statement {
  const tokens = line.tokens;
  const first = tokens[0];
  const span = lineSpan(builder, tokens);
  const invalid = (keyword: string): InvalidCard => {
    const name = tokens[1] && tokens[1].tokenType === Identifier ? tokens[1].image : undefined;
    const keys = tokens.filter((token, i) => token.tokenType === Identifier && tokens[i + 1]?.tokenType === Equals).map((token) => token.image);
    return { kind: 'invalid', keyword, ...(name ? { name } : {}), keys, span };
  };
  if (first.tokenType !== Directive && first.tokenType !== Include) {
    reportNotACard(first, builder, bag);
    return invalid('');
  }
  const keyword = canonicalKeyword(first.image);
  if (!checkTokens(tokens, builder, bag, limits)) return invalid(keyword);
  cardParser.input = tokens;
  const cst = cardParser.card();
  const error = cardParser.errors[0];
  if (error || !cst) {
    const at = error && error.token.tokenType.name !== 'EOF' ? builder.tokenSpan(error.token) : endOfLine(builder, tokens);
    bag.error('E103', at, error?.message ?? 'syntax error', syntaxHint(tokens, error?.token));
    return invalid(keyword);
  }
  return builder.card(cst, comments);
}

function reportNotACard(first: IToken, builder: AstBuilder, bag: DiagnosticBag): void {
  const span = builder.tokenSpan(first);
  if (first.tokenType === Identifier) {
    bag.error(
      'E104',
      span,
      `'${first.image}' is not a card: every line starts with a card keyword such as .param or .model`,
      'SPICE element lines (R1 n1 n2 1k) are not part of xbar; write a comment with * or ;',
    );
  } else {
    bag.error('E104', span, `expected a card keyword such as .param at the start of the line, found ${describeToken(first)}`);
  }
}

/** Unterminated strings, too deep nesting, too long expressions: refused before parsing. */
function checkTokens(tokens: readonly IToken[], builder: AstBuilder, bag: DiagnosticBag, limits: Limits): boolean {
  let depth = 0;
  let braceStart = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const type = token.tokenType;
    if (type === StringToken) {
      const quote = token.image[0];
      if (token.image.length < 2 || token.image[token.image.length - 1] !== quote) {
        bag.error('E102', builder.tokenSpan(token), 'unterminated string', `close it with ${quote} on the same line`);
        return false;
      }
    } else if (type === LParen || type === LBracket || type === LBrace) {
      depth++;
      if (type === LBrace && braceStart < 0) braceStart = i;
      if (depth > limits.maxNesting) {
        bag.error('E903', builder.tokenSpan(token), `brackets nested deeper than ${limits.maxNesting} levels`);
        return false;
      }
    } else if (type === RParen || type === RBracket || type === RBrace) {
      depth = Math.max(0, depth - 1);
      if (type === RBrace) braceStart = -1;
    }
    if (braceStart >= 0 && i - braceStart > limits.maxExpressionTokens) {
      bag.error('E903', builder.tokenSpan(tokens[braceStart]), `expression longer than ${limits.maxExpressionTokens} tokens`);
      return false;
    }
  }
  return true;
}

function syntaxHint(tokens: readonly IToken[], at: IToken | undefined): string | undefined {
  if (!at) return undefined;
  const index = tokens.indexOf(at);
  const previous = index > 0 ? tokens[index - 1] : undefined;
  const isOperator = ['Star', 'Slash', 'Caret', 'StarStar', 'Plus', 'Minus'].includes(at.tokenType.name);
  if (isOperator && previous && previous.tokenType.name !== 'Equals') {
    return 'write arithmetic inside braces, as in SPICE: x={2*y}';
  }
  return undefined;
}

function spanOf(file: string, token: IToken): Span {
  return pointSpan(file, token.startLine ?? 1, token.startColumn ?? 1, token.image.length);
}

function pointSpan(file: string, line: number, column: number, length: number): Span {
  return { file, line, column, endLine: line, endColumn: column + Math.max(1, length) - 1 };
}

function lineSpan(builder: AstBuilder, tokens: readonly IToken[]): Span {
  const start = builder.tokenSpan(tokens[0]);
  const end = builder.tokenSpan(tokens[tokens.length - 1]);
  return { ...start, endLine: end.endLine, endColumn: end.endColumn };
}

/** The column just after the last token of the card (where a missing token was expected). */
function endOfLine(builder: AstBuilder, tokens: readonly IToken[]): Span {
  const last = builder.tokenSpan(tokens[tokens.length - 1]);
  return { file: last.file, line: last.endLine, column: last.endColumn + 1, endLine: last.endLine, endColumn: last.endColumn + 1 };
}
