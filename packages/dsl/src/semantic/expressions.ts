/**
 * A small, safe evaluator of `{expressions}`: it walks the AST (never `eval` or `Function`), knows a
 * fixed set of functions and the constant `pi`, and reports problems as diagnostics.
 */
import type { Expr, Span } from '../ast.js';
import type { DiagnosticBag } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { unitLettersProblem } from './unit-letters.js';

interface FunctionSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly apply: (args: readonly number[]) => number;
  readonly doc: string;
}

const unary = (f: (x: number) => number, doc: string): FunctionSpec => ({ minArgs: 1, maxArgs: 1, apply: (a) => f(a[0]), doc });

/** The functions an expression may call (names are case-insensitive). */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  sqrt: unary(Math.sqrt, 'square root'),
  exp: unary(Math.exp, 'e to the power x'),
  log: unary(Math.log, 'natural logarithm'),
  ln: unary(Math.log, 'natural logarithm'),
  log10: unary(Math.log10, 'decimal logarithm'),
  log2: unary(Math.log2, 'binary logarithm'),
  abs: unary(Math.abs, 'absolute value'),
  floor: unary(Math.floor, 'largest integer <= x'),
  ceil: unary(Math.ceil, 'smallest integer >= x'),
  round: unary(Math.round, 'nearest integer (halves up)'),
  sin: unary(Math.sin, 'sine (radians)'),
  cos: unary(Math.cos, 'cosine (radians)'),
  tan: unary(Math.tan, 'tangent (radians)'),
  atan: unary(Math.atan, 'arc tangent (radians)'),
  tanh: unary(Math.tanh, 'hyperbolic tangent'),
  pow: { minArgs: 2, maxArgs: 2, apply: (a) => a[0] ** a[1], doc: 'x to the power y' },
  min: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (a) => Math.min(...a), doc: 'smallest argument' },
  max: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (a) => Math.max(...a), doc: 'largest argument' },
};

/** Named constants (a `.param` of the same name takes precedence). */
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI };

/** Looks a name up; returns undefined after reporting it (or silently, if it is known to be broken). */
export type NameLookup = (name: string, span: Span) => number | undefined;

/** Evaluates `expr`; undefined if any part failed (each failure reported once). */
export function evaluate(expr: Expr, lookup: NameLookup, bag: DiagnosticBag): number | undefined {
  switch (expr.kind) {
    case 'num': {
      const problem = unitLettersProblem(expr.text, undefined);
      if (problem) {
        bag.error('E510', expr.span, problem.message, problem.hint);
        return undefined;
      }
      return expr.value;
    }
    case 'ref':
      return lookup(expr.name, expr.span);
    case 'unary': {
      const operand = evaluate(expr.operand, lookup, bag);
      if (operand === undefined) return undefined;
      return expr.op === '-' ? -operand : operand;
    }
    case 'binary': {
      const left = evaluate(expr.left, lookup, bag);
      const right = evaluate(expr.right, lookup, bag);
      if (left === undefined || right === undefined) return undefined;
      switch (expr.op) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          if (right === 0) {
            bag.error('E205', expr.right.span, 'division by zero');
            return undefined;
          }
          return left / right;
        case '^':
          return left ** right;
      }
      return undefined;
    }
    case 'call':
      return call(expr, lookup, bag);
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, lookup: NameLookup, bag: DiagnosticBag): number | undefined {
  const name = expr.name.toLowerCase();
  const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!spec) {
    const hint = didYouMean(expr.name, Object.keys(FUNCTIONS)) ?? `functions: ${Object.keys(FUNCTIONS).join(', ')}`;
    bag.error('E202', expr.nameSpan, `unknown function '${expr.name}'`, hint);
    return undefined;
  }
  if (expr.args.length < spec.minArgs || expr.args.length > spec.maxArgs) {
    const wanted = spec.maxArgs === Number.POSITIVE_INFINITY ? `at least ${spec.minArgs}` : String(spec.minArgs);
    bag.error('E203', expr.span, `${name}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${expr.args.length}`);
    return undefined;
  }
  const args: number[] = [];
  let failed = false;
  for (const arg of expr.args) {
    const value = evaluate(arg, lookup, bag);
    if (value === undefined) failed = true;
    else args.push(value);
  }
  return failed ? undefined : spec.apply(args);
}

/** Every name an expression refers to (not function names), in order. */
export function referencedNames(expr: Expr, out: { name: string; span: Span }[] = []): { name: string; span: Span }[] {
  switch (expr.kind) {
    case 'ref':
      out.push({ name: expr.name, span: expr.span });
      break;
    case 'unary':
      referencedNames(expr.operand, out);
      break;
    case 'binary':
      referencedNames(expr.left, out);
      referencedNames(expr.right, out);
      break;
    case 'call':
      for (const arg of expr.args) referencedNames(arg, out);
      break;
    case 'num':
      break;
  }
  return out;
}
