/**
 * Diagnostics: every problem the netlist language finds is a `Diagnostic` with a file, a line and a
 * column (1-based), never an exception. `renderDiagnostic` prints one the way compilers do:
 *
 *     net.xbar:3:11: error[E401]: unknown device type 'rram2'
 *      3 | .model r1 rram2 (gmax=1u)
 *        |           ^^^^^
 *        = hint: registered device types: gaussian, ideal
 */
import type { Span } from './ast.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable code, e.g. `E401` (errors) or `W202` (warnings); listed in docs/language.md. */
  readonly code: string;
  /** One sentence: what is wrong, with the offending name or value. */
  readonly message: string;
  /** File as the source host names it (the top netlist as given, includes resolved from it). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly column: number;
  /** 1-based column of the last character on `line` (inclusive), when the problem spans several. */
  readonly endColumn?: number;
  /** How to fix it: a nearest-match suggestion, the allowed range, the registered names... */
  readonly hint?: string;
}

/** Largest number of diagnostics kept per check; the rest are counted in one final note. */
export const MAX_DIAGNOSTICS = 200;

/** Collects diagnostics, capping their number so that garbage input cannot flood the output. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private dropped = 0;

  constructor(private readonly limit = MAX_DIAGNOSTICS) {}

  error(code: string, span: Span, message: string, hint?: string): void {
    this.add({ severity: 'error', code, message, ...spanFields(span), ...(hint ? { hint } : {}) });
  }

  warning(code: string, span: Span, message: string, hint?: string): void {
    this.add({ severity: 'warning', code, message, ...spanFields(span), ...(hint ? { hint } : {}) });
  }

  add(diagnostic: Diagnostic): void {
    if (this.items.length >= this.limit) {
      this.dropped++;
      return;
    }
    this.items.push(diagnostic);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length + this.dropped;
  }

  /** Diagnostics sorted by file (in the order files were first seen), line and column. */
  sorted(fileOrder: readonly string[] = []): Diagnostic[] {
    const rank = new Map(fileOrder.map((file, index) => [file, index]));
    const ordered = this.items
      .map((d, index) => ({ d, index }))
      .sort(
        (a, b) =>
          (rank.get(a.d.file) ?? 1e9) - (rank.get(b.d.file) ?? 1e9) ||
          a.d.file.localeCompare(b.d.file) ||
          a.d.line - b.d.line ||
          a.d.column - b.d.column ||
          a.index - b.index,
      )
      .map(({ d }) => d);
    if (this.dropped > 0) {
      const last = ordered[ordered.length - 1];
      ordered.push({
        severity: 'error',
        code: 'E904',
        message: `too many diagnostics: ${this.dropped} more not shown`,
        file: last?.file ?? '',
        line: last?.line ?? 1,
        column: 1,
      });
    }
    return ordered;
  }
}

function spanFields(span: Span): Pick<Diagnostic, 'file' | 'line' | 'column' | 'endColumn'> {
  const endColumn = span.endLine === span.line && span.endColumn > span.column ? span.endColumn : undefined;
  return { file: span.file, line: span.line, column: span.column, ...(endColumn ? { endColumn } : {}) };
}

/** Source texts by file name, for rendering the offending lines. */
export type SourceTexts = ReadonlyMap<string, string>;

/** Renders one diagnostic: header line, source line, caret line, hint. */
export function renderDiagnostic(diagnostic: Diagnostic, sources: SourceTexts = new Map()): string {
  const { file, line, column, severity, code, message, hint } = diagnostic;
  const out = [`${file}:${line}:${column}: ${severity}[${code}]: ${message}`];
  const text = sources.get(file);
  const sourceLine = text === undefined ? undefined : lineOf(text, line);
  if (sourceLine !== undefined) {
    const gutter = String(line);
    const pad = ' '.repeat(gutter.length);
    const shown = [...sourceLine.replace(/\t/g, ' ')].map((c) => (isControlCharacter(c) ? '?' : c)).join('');
    const width = Math.max(1, (diagnostic.endColumn ?? column) - column + 1);
    const caretStart = Math.min(column - 1, shown.length);
    out.push(` ${gutter} | ${shown}`.trimEnd());
    out.push(` ${pad} | ${' '.repeat(caretStart)}${'^'.repeat(width)}`);
    if (hint) out.push(` ${pad} = hint: ${hint}`);
  } else if (hint) {
    out.push(`  = hint: ${hint}`);
  }
  return out.join('\n');
}

/** Renders every diagnostic, separated by blank lines, followed by a one-line summary. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: SourceTexts = new Map()): string {
  if (diagnostics.length === 0) return '';
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return `${diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n\n')}\n\n${summary}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The 1-based `line` of `text` without its line break, or undefined past the end. */
function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let current = 1; current < line; current++) {
    const next = nextBreak(text, start);
    if (next < 0) return undefined;
    start = next + (text[next] === '\r' && text[next + 1] === '\n' ? 2 : 1);
  }
  const end = nextBreak(text, start);
  return text.slice(start, end < 0 ? text.length : end);
}

function nextBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

/** C0 controls and DEL, shown as `?` in a quoted source line so that they cannot move the terminal's cursor. */
function isControlCharacter(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
