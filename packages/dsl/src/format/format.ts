/**
 * The canonical printer (`xbar fmt`). It keeps what the author chose (names as spelled, numbers as
 * written, comments, where cards are broken over `+` lines, single blank lines between cards) and
 * normalizes the rest: lower-case keywords with aliases resolved, single spaces between items, no
 * spaces around `=`, quoted paths, `{expressions}` with minimal parentheses and spaces around
 * `+ - * /`, one `+ ` continuation per source line that held part of the card.
 *
 * parse(format(x)) has the same AST as parse(x) (ignoring spans); format is idempotent. Files with
 * syntax errors are not formatted.
 */
import type { Card, Comment, Expr, Item, Statement, Value } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseNetlist } from '../parse/parse.js';

export interface FormatResult {
  /** The canonical text, or undefined if the file has syntax errors. */
  readonly text?: string;
  /** Syntax errors (and warnings) found while parsing. */
  readonly diagnostics: readonly Diagnostic[];
  /** True if the canonical text differs from the input. */
  readonly changed: boolean;
}

export function formatNetlist(text: string, file = 'netlist.xbar'): FormatResult {
  const parsed = parseNetlist(text, file);
  if (!parsed.syntaxOk) return { diagnostics: parsed.diagnostics, changed: false };
  const formatted = printStatements(parsed.netlist.statements);
  return { text: formatted, diagnostics: parsed.diagnostics, changed: formatted !== text };
}

/** Prints parsed statements (comments and cards) in canonical form. */
export function printStatements(statements: readonly Statement[]): string {
  const out: string[] = [];
  let previousEnd = 0;
  for (const statement of statements) {
    if (statement.kind === 'invalid') continue;
    if (out.length > 0 && statement.span.line > previousEnd + 1) out.push('');
    if (statement.kind === 'comment') out.push(statement.text);
    else out.push(...printCard(statement));
    previousEnd = statement.span.endLine;
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Builds the output lines of one card, breaking wherever the source moved to a new line. */
class CardPrinter {
  readonly lines: string[] = [];
  private current = '';
  private sourceLine: number;
  private pendingSpace = false;
  private commentIndex = 0;

  constructor(
    firstLine: number,
    private readonly comments: readonly Comment[],
  ) {
    this.sourceLine = firstLine;
  }

  /** Appends `piece` that comes from `line`; `space`: separate it from what precedes on the line. */
  emit(piece: string, line: number, space: boolean): void {
    if (line > this.sourceLine) {
      this.breakTo(line);
      this.current += piece;
    } else {
      this.current += (space && this.pendingSpace ? ' ' : '') + piece;
    }
    this.pendingSpace = true;
  }

  /** No space before the next piece (after an opening bracket). */
  glue(): void {
    this.pendingSpace = false;
  }

  private breakTo(line: number): void {
    this.flushComments(line);
    this.lines.push(this.current);
    this.current = '+ ';
    this.sourceLine = line;
    this.pendingSpace = false;
  }

  /**
   * Comments before `line`: a `;` comment on the current line goes at its end; others get a line of
   * their own (`+ ; text` for `;` comments, so that they stay part of the card).
   */
  private flushComments(before: number): void {
    while (this.commentIndex < this.comments.length && this.comments[this.commentIndex].span.line < before) {
      const comment = this.comments[this.commentIndex++];
      if (comment.span.line === this.sourceLine && comment.text.startsWith(';')) {
        this.current += ` ${comment.text}`;
      } else {
        this.lines.push(this.current);
        this.current = comment.text.startsWith(';') ? `+ ${comment.text}` : comment.text;
        this.sourceLine = comment.span.line;
      }
    }
  }

  finish(): string[] {
    this.flushComments(Number.POSITIVE_INFINITY);
    this.lines.push(this.current);
    // A `*` line after the card's last item belongs to the card only if a `+` line follows it.
    if (this.current.startsWith('*')) this.lines.push('+');
    return this.lines;
  }
}

function printCard(card: Card): string[] {
  const printer = new CardPrinter(card.keywordSpan.line, card.comments);
  printer.emit(`.${card.keyword}`, card.keywordSpan.line, false);
  for (const item of card.items) printItem(printer, item);
  return printer.finish();
}

function printItem(printer: CardPrinter, item: Item): void {
  if (item.key === undefined) {
    printValue(printer, item.value, true);
    return;
  }
  printer.emit(`${item.key}=`, item.keySpan!.line, true);
  printer.glue();
  printValue(printer, item.value, false);
}

function printValue(printer: CardPrinter, value: Value, space: boolean): void {
  const line = value.span.line;
  switch (value.kind) {
    case 'number':
      printer.emit(value.text, line, space);
      return;
    case 'string':
      printer.emit(quote(value.value), line, space);
      return;
    case 'word':
      printer.emit(value.name, line, space);
      return;
    case 'expr':
      printer.emit(`{${printExpr(value.expr)}}`, line, space);
      return;
    case 'matrix':
      printer.emit('[', line, space);
      printer.glue();
      for (const element of value.elements) printValue(printer, element, true);
      printer.glue();
      printer.emit(']', value.span.endLine, false);
      return;
    case 'numbers':
      value.segments.forEach((segment, k) => {
        if (segment !== '') printer.emit(segment, line + k, k === 0 ? space : true);
      });
      return;
    case 'list':
      printer.emit('(', line, space);
      printer.glue();
      for (const item of value.items) printItem(printer, item);
      printer.glue();
      printer.emit(')', value.span.endLine, false);
      return;
  }
}

function quote(text: string): string {
  return text.includes('"') ? `'${text}'` : `"${text}"`;
}

/** Binding strength: + - 1, * / 2, unary 3, ^ 4, atoms 5. */
function precedence(expr: Expr): number {
  if (expr.kind === 'binary') return expr.op === '+' || expr.op === '-' ? 1 : expr.op === '^' ? 4 : 2;
  if (expr.kind === 'unary') return 3;
  return 5;
}

/** Prints an expression with the fewest parentheses that parse back to the same tree. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'num':
      return expr.text;
    case 'ref':
      return expr.name;
    case 'call':
      return `${expr.name}(${expr.args.map(printExpr).join(', ')})`;
    case 'unary': {
      const operand = printExpr(expr.operand);
      return `${expr.op}${precedence(expr.operand) < 3 ? `(${operand})` : operand}`;
    }
    case 'binary': {
      if (expr.op === '^') {
        const base = precedence(expr.left) === 5 ? printExpr(expr.left) : `(${printExpr(expr.left)})`;
        return `${base}^${printExponent(expr.right)}`;
      }
      const p = precedence(expr);
      const left = precedence(expr.left) < p ? `(${printExpr(expr.left)})` : printExpr(expr.left);
      const right = precedence(expr.right) <= p ? `(${printExpr(expr.right)})` : printExpr(expr.right);
      return `${left} ${expr.op} ${right}`;
    }
  }
}

/** An exponent is signs then an atom, possibly followed by `^` and another exponent (right-associative). */
function printExponent(expr: Expr): string {
  if (isSignedAtom(expr)) return printExpr(expr);
  if (expr.kind === 'binary' && expr.op === '^' && isSignedAtom(expr.left)) return `${printExpr(expr.left)}^${printExponent(expr.right)}`;
  return `(${printExpr(expr)})`;
}

function isSignedAtom(expr: Expr): boolean {
  if (expr.kind === 'unary') return isSignedAtom(expr.operand);
  return precedence(expr) === 5;
}
