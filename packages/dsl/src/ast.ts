/**
 * The syntax tree of one `.xbar` file, with source spans. It is faithful to what was written (names
 * keep their spelling, numbers keep their text, comments are kept) so that the formatter can print it
 * back; the semantic pass (`semantic/`) gives it meaning.
 *
 * A file is a list of statements: cards (a logical line starting with `.keyword`, joined across `+`
 * continuation lines) and comment lines. A card is a keyword followed by items: `name=value` pairs or
 * positional values.
 */

/** Where something is in the source: 1-based lines and columns, `endColumn` inclusive. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A comment: a `*` line or the `;` tail of a line. `text` starts with `*` or `;`. */
export interface Comment {
  readonly kind: 'comment';
  readonly text: string;
  readonly span: Span;
}

/** Arithmetic inside `{ }`. */
export type Expr = NumberExpr | RefExpr | CallExpr | UnaryExpr | BinaryExpr;

export interface NumberExpr {
  readonly kind: 'num';
  readonly value: number;
  /** As written, e.g. `10k`, `1.5e-6`, `2MEG`. */
  readonly text: string;
  readonly span: Span;
}

/** A reference to a `.param` (or the constant `pi`). */
export interface RefExpr {
  readonly kind: 'ref';
  readonly name: string;
  readonly span: Span;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly nameSpan: Span;
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

export interface BinaryExpr {
  readonly kind: 'binary';
  /** `**` is read as `^`. */
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** The value of an item. */
export type Value = NumberValue | StringValue | WordValue | ExprValue | MatrixValue | NumericMatrixValue | ListValue;

/** A number literal, with its sign: `-1.5k`. */
export interface NumberValue {
  readonly kind: 'number';
  readonly value: number;
  /** As written, including the sign. */
  readonly text: string;
  readonly span: Span;
}

/** A quoted string (or the unquoted path of an `.include`). */
export interface StringValue {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

/** A bare word: a name (of a param, model, array...) or a keyword value such as `differential`. */
export interface WordValue {
  readonly kind: 'word';
  readonly name: string;
  readonly span: Span;
}

/** `{expr}`. */
export interface ExprValue {
  readonly kind: 'expr';
  readonly expr: Expr;
  readonly span: Span;
}

/** `[...]`: numbers, `{expr}`s, names or nested matrices (rows). */
export interface MatrixValue {
  readonly kind: 'matrix';
  readonly elements: readonly (NumberValue | WordValue | ExprValue | MatrixValue)[];
  readonly span: Span;
}

/**
 * A large `[...]` of plain numbers, read by the lexer's fast path straight into a typed array
 * (lex/numeric-matrix.ts); small matrices and any with names or expressions are `MatrixValue`s.
 */
export interface NumericMatrixValue {
  readonly kind: 'numbers';
  readonly rows: number;
  readonly cols: number;
  /** Row-major values. */
  readonly data: Float64Array;
  /** The source lines, blanks normalized (the formatter prints them). */
  readonly segments: readonly string[];
  /** Set when the rows differ in length: the first row that differs (1-based) and its length. */
  readonly ragged?: { readonly row: number; readonly length: number };
  readonly span: Span;
}

/** `( ... )`: a group of items, as in `.model NAME TYPE (k=v ...)` or `models=(a b c)`. */
export interface ListValue {
  readonly kind: 'list';
  readonly items: readonly Item[];
  readonly span: Span;
}

/** `key=value`, or a positional value when `key` is absent. */
export interface Item {
  /** The key as written (keys are case-insensitive). */
  readonly key?: string;
  readonly keySpan?: Span;
  readonly value: Value;
  readonly span: Span;
}

/** A card: `.keyword item item ...`, possibly over several `+` lines. */
export interface Card {
  readonly kind: 'card';
  /** Lower-case keyword without the dot, aliases resolved (`.inc` -> `include`, `.tile` -> `array`). */
  readonly keyword: string;
  readonly keywordSpan: Span;
  readonly items: readonly Item[];
  /** Comments on the card's lines (`;` tails, `*` lines between its continuation lines). */
  readonly comments: readonly Comment[];
  readonly span: Span;
}

/**
 * A card with a syntax error (already reported). Kept so that later checks do not report the names it
 * tried to define as unknown.
 */
export interface InvalidCard {
  readonly kind: 'invalid';
  readonly keyword: string;
  /** The first word after the keyword, if any (the name a definition card would define). */
  readonly name?: string;
  /** Every name written before an `=` (the parameters a `.param` card would define). */
  readonly keys: readonly string[];
  readonly span: Span;
}

export type Statement = Card | Comment | InvalidCard;

/** One parsed file. */
export interface Netlist {
  readonly file: string;
  readonly statements: readonly Statement[];
}

/** A span covering `from` to `to`. */
export function joinSpans(from: Span, to: Span): Span {
  return { file: from.file, line: from.line, column: from.column, endLine: to.endLine, endColumn: to.endColumn };
}
