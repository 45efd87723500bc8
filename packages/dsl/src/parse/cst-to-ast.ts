/**
 * Turns the chevrotain CST of one card into the typed AST of `ast.ts`. The CST groups children by
 * name, so mixed sequences (matrix elements, operators) are put back in source order by offset.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type {
  BinaryOperator,
  Card,
  Comment,
  Expr,
  ExprValue,
  Item,
  ListValue,
  MatrixValue,
  NumericMatrixValue,
  NumberValue,
  Span,
  Value,
  WordValue,
} from '../ast.js';
import { joinSpans } from '../ast.js';
import { parseEngineeringNumber } from '../lex/numbers.js';
import type { NumericMatrix } from '../lex/numeric-matrix.js';

/** Card keywords that are other spellings of a canonical one. */
export const KEYWORD_ALIASES: Readonly<Record<string, string>> = { inc: 'include', tile: 'array' };

export function canonicalKeyword(image: string): string {
  const word = image.replace(/^\./, '').toLowerCase();
  return KEYWORD_ALIASES[word] ?? word;
}

export class AstBuilder {
  constructor(private readonly file: string) {}

  tokenSpan(token: IToken): Span {
    return {
      file: this.file,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
      endLine: token.endLine ?? token.startLine ?? 1,
      endColumn: token.endColumn ?? token.startColumn ?? 1,
    };
  }

  private nodeSpan(node: CstNode): Span {
    const location = node.location;
    return {
      file: this.file,
      line: location?.startLine ?? 1,
      column: location?.startColumn ?? 1,
      endLine: location?.endLine ?? 1,
      endColumn: location?.endColumn ?? 1,
    };
  }

  card(node: CstNode, comments: readonly Comment[]): Card {
    const keywordToken = (tokensOf(node, 'Directive')[0] ?? tokensOf(node, 'Include')[0]);
    return {
      kind: 'card',
      keyword: canonicalKeyword(keywordToken.image),
      keywordSpan: this.tokenSpan(keywordToken),
      items: nodesOf(node, 'item').map((item) => this.item(item)),
      comments,
      span: this.nodeSpan(node),
    };
  }

  private item(node: CstNode): Item {
    const value = this.value(nodesOf(node, 'value')[0]);
    const key = tokensOf(node, 'key')[0];
    if (!key) return { value, span: value.span };
    const keySpan = this.tokenSpan(key);
    return { key: key.image, keySpan, value, span: joinSpans(keySpan, value.span) };
  }

  private value(node: CstNode): Value {
    const children = node.children;
    if (children.Identifier) return this.word(children.Identifier[0] as IToken);
    if (children.signedNumber) return this.signedNumber(children.signedNumber[0] as CstNode);
    if (children.String) {
      const token = children.String[0] as IToken;
      return { kind: 'string', value: token.image.slice(1, -1), span: this.tokenSpan(token) };
    }
    if (children.BarePath) {
      const token = children.BarePath[0] as IToken;
      return { kind: 'string', value: token.image, span: this.tokenSpan(token) };
    }
    if (children.braced) return this.braced(children.braced[0] as CstNode);
    if (children.NumericMatrix) return this.numericMatrix(children.NumericMatrix[0] as IToken);
    if (children.matrix) return this.matrix(children.matrix[0] as CstNode);
    return this.list(children.list[0] as CstNode);
  }

  private word(token: IToken): WordValue {
    return { kind: 'word', name: token.image, span: this.tokenSpan(token) };
  }

  private signedNumber(node: CstNode): NumberValue {
    const number = tokensOf(node, 'Number')[0];
    const sign = tokensOf(node, 'Minus')[0] ?? tokensOf(node, 'Plus')[0];
    const magnitude = parseEngineeringNumber(number.image).value;
    const negative = sign?.image === '-';
    const span = this.tokenSpan(number);
    return {
      kind: 'number',
      value: negative ? -magnitude : magnitude,
      text: `${sign?.image ?? ''}${number.image}`,
      span: sign ? joinSpans(this.tokenSpan(sign), span) : span,
    };
  }

  private braced(node: CstNode): ExprValue {
    return { kind: 'expr', expr: this.expr(nodesOf(node, 'expr')[0]), span: this.nodeSpan(node) };
  }

  private matrix(node: CstNode): MatrixValue {
    const elements = inSourceOrder(node, ['matrix', 'signedNumber', 'braced', 'Identifier']).map((element) => {
      if (!isNode(element)) return this.word(element);
      if (element.name === 'matrix') return this.matrix(element);
      if (element.name === 'signedNumber') return this.signedNumber(element);
      return this.braced(element);
    });
    return { kind: 'matrix', elements, span: this.nodeSpan(node) };
  }

  private numericMatrix(token: IToken): NumericMatrixValue {
    const { rows, cols, data, segments, ragged } = token.payload as NumericMatrix;
    return { kind: 'numbers', rows, cols, data, segments, ...(ragged ? { ragged } : {}), span: this.tokenSpan(token) };
  }

  private list(node: CstNode): ListValue {
    return { kind: 'list', items: nodesOf(node, 'item').map((item) => this.item(item)), span: this.nodeSpan(node) };
  }

  private expr(node: CstNode): Expr {
    return this.leftFold(node, 'term', ['Plus', 'Minus'], (child) => this.term(child));
  }

  private term(node: CstNode): Expr {
    return this.leftFold(node, 'unary', ['Star', 'Slash'], (child) => this.unary(child));
  }

  private leftFold(node: CstNode, operandName: string, operatorNames: string[], convert: (child: CstNode) => Expr): Expr {
    const operands = nodesOf(node, operandName).map(convert);
    const operators = inSourceOrder(node, operatorNames) as IToken[];
    let result = operands[0];
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i];
      result = { kind: 'binary', op: operatorOf(operators[i - 1]), left: result, right, span: joinSpans(result.span, right.span) };
    }
    return result;
  }

  private unary(node: CstNode): Expr {
    return this.withSigns(node, this.power(nodesOf(node, 'power')[0]));
  }

  private withSigns(node: CstNode, operand: Expr): Expr {
    const signs = inSourceOrder(node, ['Minus', 'Plus']) as IToken[];
    let result = operand;
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = signs[i];
      result = { kind: 'unary', op: sign.image === '-' ? '-' : '+', operand: result, span: joinSpans(this.tokenSpan(sign), result.span) };
    }
    return result;
  }

  private power(node: CstNode): Expr {
    const base = this.primary(nodesOf(node, 'primary')[0]);
    const exponents = nodesOf(node, 'exponent').map((exponent) => this.withSigns(exponent, this.primary(nodesOf(exponent, 'primary')[0])));
    if (exponents.length === 0) return base;
    // Right-associative: a ^ b ^ c = a ^ (b ^ c).
    let result = exponents[exponents.length - 1];
    for (let i = exponents.length - 2; i >= 0; i--) {
      const left = exponents[i];
      result = { kind: 'binary', op: '^', left, right: result, span: joinSpans(left.span, result.span) };
    }
    return { kind: 'binary', op: '^', left: base, right: result, span: joinSpans(base.span, result.span) };
  }

  private primary(node: CstNode): Expr {
    const number = tokensOf(node, 'Number')[0];
    if (number) return { kind: 'num', value: parseEngineeringNumber(number.image).value, text: number.image, span: this.tokenSpan(number) };
    const name = tokensOf(node, 'Identifier')[0];
    if (name) {
      const args = nodesOf(node, 'callArgs')[0];
      if (!args) return { kind: 'ref', name: name.image, span: this.tokenSpan(name) };
      return {
        kind: 'call',
        name: name.image,
        args: nodesOf(args, 'expr').map((arg) => this.expr(arg)),
        nameSpan: this.tokenSpan(name),
        span: joinSpans(this.tokenSpan(name), this.nodeSpan(args)),
      };
    }
    return this.expr(nodesOf(node, 'expr')[0]);
  }
}

function operatorOf(token: IToken): BinaryOperator {
  return token.image === '**' ? '^' : (token.image as BinaryOperator);
}

function isNode(element: CstElement): element is CstNode {
  return 'children' in element;
}

function tokensOf(node: CstNode, name: string): IToken[] {
  return (node.children[name] ?? []) as IToken[];
}

function nodesOf(node: CstNode, name: string): CstNode[] {
  return (node.children[name] ?? []) as CstNode[];
}

function offsetOf(element: CstElement): number {
  return isNode(element) ? (element.location?.startOffset ?? 0) : element.startOffset;
}

/** The children named `names`, merged in source order. */
function inSourceOrder(node: CstNode, names: readonly string[]): CstElement[] {
  const present = names.filter((name) => node.children[name]);
  if (present.length === 1) return node.children[present[0]];
  return present.flatMap((name) => node.children[name]).sort((a, b) => offsetOf(a) - offsetOf(b));
}
