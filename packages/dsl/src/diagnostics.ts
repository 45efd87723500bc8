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

/**
 * Collects diagnostics, capping their number so that garbage input cannot flood the output: at most
 * `limit` are kept, errors first (every error the limit allows, then warnings), and one closing note
 * counts the rest: E904 when errors were left out, W904 when only warnings were (a valid netlist
 * with many warnings stays valid).
 */
export class DiagnosticBag {
  private readonly errors: Diagnostic[] = [];
  private readonly warnings: Diagnostic[] = [];
  /** The order in which the kept diagnostics were added (ties in position keep it). */
  private readonly order = new Map<Diagnostic, number>();
  private droppedErrors = 0;
  private droppedWarnings = 0;

  constructor(private readonly limit = MAX_DIAGNOSTICS) {}

  error(code: string, span: Span, message: string, hint?: string): void {
    this.add({ severity: 'error', code, message, ...spanFields(span), ...(hint ? { hint } : {}) });
  }

  warning(code: string, span: Span, message: string, hint?: string): void {
    this.add({ severity: 'warning', code, message, ...spanFields(span), ...(hint ? { hint } : {}) });
  }

  add(diagnostic: Diagnostic): void {
    const isError = diagnostic.severity === 'error';
    const kept = isError ? this.errors : this.warnings;
    if (kept.length >= this.limit) {
      if (isError) this.droppedErrors++;
      else this.droppedWarnings++;
      return;
    }
    kept.push(diagnostic);
    this.order.set(diagnostic, this.order.size);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  get errorCount(): number {
    return this.errors.length + this.droppedErrors;
  }

  /** Diagnostics sorted by file (in the order files were first seen), line and column, then the note on what was left out. */
  sorted(fileOrder: readonly string[] = []): Diagnostic[] {
    const rank = new Map(fileOrder.map((file, index) => [file, index]));
    const warningRoom = Math.max(0, this.limit - this.errors.length);
    const shownWarnings = this.warnings.slice(0, warningRoom);
    const hiddenWarnings = this.droppedWarnings + this.warnings.length - shownWarnings.length;
    const ordered = [...this.errors, ...shownWarnings]
      .map((d) => ({ d, index: this.order.get(d)! }))
      .sort(
        (a, b) =>
          (rank.get(a.d.file) ?? 1e9) - (rank.get(b.d.file) ?? 1e9) ||
          a.d.file.localeCompare(b.d.file) ||
          a.d.line - b.d.line ||
          a.d.column - b.d.column ||
          a.index - b.index,
      )
      .map(({ d }) => d);
    const last = ordered[ordered.length - 1];
    const at = { file: last?.file ?? '', line: last?.line ?? 1, column: 1 };
    if (this.droppedErrors > 0) {
      const warnings = hiddenWarnings > 0 ? ` and ${plural(hiddenWarnings, 'warning')}` : '';
      ordered.push({ severity: 'error', code: 'E904', message: `too many diagnostics: ${plural(this.droppedErrors, 'more error')}${warnings} not shown`, ...at });
    } else if (hiddenWarnings > 0) {
      ordered.push({ severity: 'warning', code: 'W904', message: `${plural(hiddenWarnings, 'more warning')} not shown`, ...at });
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

/** Widest source line shown; a longer line is shown as a window of this width around the caret. */
const SHOWN_LINE_WIDTH = 120;
/** Characters shown before the caret in a window. */
const WINDOW_LEAD = 40;

/** Renders one diagnostic: header line, source line (or a window of it around the caret), caret line, hint. */
export function renderDiagnostic(diagnostic: Diagnostic, sources: SourceTexts = new Map(), lines?: SourceLines): string {
  const { file, line, column, severity, code, message, hint } = diagnostic;
  const out = [`${file}:${line}:${column}: ${severity}[${code}]: ${message}`];
  const text = sources.get(file);
  const sourceLine = text === undefined ? undefined : (lines ?? new SourceLines(text)).line(line);
  if (sourceLine !== undefined) {
    const gutter = String(line);
    const pad = ' '.repeat(gutter.length);
    const endColumn = Math.max(column, diagnostic.endColumn ?? column);
    const from = sourceLine.length > SHOWN_LINE_WIDTH ? Math.max(0, Math.min(column - 1 - WINDOW_LEAD, sourceLine.length - SHOWN_LINE_WIDTH)) : 0;
    const to = Math.min(sourceLine.length, from + SHOWN_LINE_WIDTH);
    const before = from > 0 ? '…' : '';
    const after = to < sourceLine.length ? '…' : '';
    const shown = [...sourceLine.slice(from, to).replace(/\t/g, ' ')].map((c) => (isControlCharacter(c) ? '?' : c)).join('');
    const caretStart = before.length + Math.min(Math.max(0, column - 1 - from), shown.length);
    const width = Math.max(1, Math.min(endColumn - 1, to - 1) - Math.max(column - 1, from) + 1);
    out.push(` ${gutter} | ${before}${shown}${after}`.trimEnd());
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
  const indexes = new Map<string, SourceLines>();
  const linesOf = (file: string): SourceLines | undefined => {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new SourceLines(text)));
    return index;
  };
  const errors = diagnostics.filter((d) => d.severity === 'error' && d.code !== 'E904').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning' && d.code !== 'W904').length;
  const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${diagnostics.some((d) => d.code === 'E904' || d.code === 'W904') ? ' shown' : ''}`;
  return `${diagnostics.map((d) => renderDiagnostic(d, sources, linesOf(d.file))).join('\n\n')}\n\n${summary}\n`;
}

/** The lines of a text, found once (offsets of their starts), so that rendering many diagnostics stays linear. */
export class SourceLines {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.starts.push(i + 1);
    }
  }

  /** The 1-based `line` without its line break, or undefined past the end. */
  line(line: number): string | undefined {
    if (line < 1 || line > this.starts.length) return undefined;
    const start = this.starts[line - 1];
    let end = line < this.starts.length ? this.starts[line] : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** C0 controls and DEL, shown as `?` in a quoted source line so that they cannot move the terminal's cursor. */
function isControlCharacter(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
