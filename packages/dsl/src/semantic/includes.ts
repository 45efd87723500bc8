/**
 * `.include PATH`: textual inclusion, as in SPICE. Paths are relative to the including file; absolute
 * paths and paths that leave the top netlist's folder are refused unless the embedder allows them.
 * Cycles, missing files, too deep nesting, too many files and too much text are reported at the
 * `.include` card. A file included a second time is skipped (with a warning). `.end` ends the file
 * it is in.
 */
import type { Card, InvalidCard, Span } from '../ast.js';
import { parseNetlist } from '../parse/parse.js';
import type { SemanticContext } from './context.js';

export interface LoadedSources {
  /** Cards of every file, includes spliced in place, `.end` and what follows removed. */
  readonly cards: Card[];
  /** Cards with syntax errors (already reported). */
  readonly invalid: InvalidCard[];
  /** Files read, in order. */
  readonly files: string[];
  /** Text of every file read, for rendering diagnostics. */
  readonly sources: Map<string, string>;
}

interface LoadState {
  readonly out: LoadedSources;
  totalBytes: number;
  /** Tokens of the files parsed so far (toward Limits.maxTokens). */
  tokens: number;
}

/** Reads and parses `topFile` and, recursively, its includes. */
export function loadSources(ctx: SemanticContext, topFile: string, topText?: string): LoadedSources {
  const out: LoadedSources = { cards: [], invalid: [], files: [], sources: new Map() };
  const state: LoadState = { out, totalBytes: 0, tokens: 0 };
  const text = topText ?? readTop(ctx, topFile);
  if (text === undefined) return out;
  state.totalBytes = text.length;
  if (text.length > ctx.limits.maxTotalBytes) {
    ctx.bag.error('E304', pointAt(topFile), `netlist is ${text.length} bytes, more than the limit of ${ctx.limits.maxTotalBytes}`);
    return out;
  }
  loadFile(ctx, state, topFile, text, [topFile]);
  return out;
}

function readTop(ctx: SemanticContext, file: string): string | undefined {
  const size = ctx.host.sizeOf(file);
  if (size !== undefined && size > ctx.limits.maxTotalBytes) {
    ctx.bag.error('E304', pointAt(file), `netlist is ${size} bytes, more than the limit of ${ctx.limits.maxTotalBytes}`);
    return undefined;
  }
  const text = ctx.host.readFile(file);
  if (text === undefined) ctx.bag.error('E301', pointAt(file), `cannot read netlist '${file}'`);
  return text;
}

function loadFile(ctx: SemanticContext, state: LoadState, file: string, text: string, stack: string[]): void {
  state.out.files.push(file);
  state.out.sources.set(file, text);
  const parsed = parseNetlist(text, file, ctx.limits, ctx.limits.maxTokens - state.tokens);
  state.tokens += parsed.tokens;
  for (const diagnostic of parsed.diagnostics) ctx.bag.add(diagnostic);
  let ended: Span | undefined;
  for (const statement of parsed.netlist.statements) {
    if (statement.kind === 'comment') continue;
    if (ended) {
      ctx.bag.warning('W101', statement.span, `text after .end is ignored`, `.end at line ${ended.line} ends ${file}`);
      break;
    }
    if (statement.kind === 'invalid') {
      state.out.invalid.push(statement);
      continue;
    }
    if (statement.keyword === 'end') {
      if (statement.items.length > 0) ctx.bag.error('E507', statement.items[0].span, '.end takes nothing after it');
      ended = statement.span;
    } else if (statement.keyword === 'include') {
      include(ctx, state, statement, stack);
    } else {
      state.out.cards.push(statement);
    }
  }
}

function include(ctx: SemanticContext, state: LoadState, card: Card, stack: string[]): void {
  const [first, ...rest] = card.items;
  if (!first || first.key !== undefined || first.value.kind !== 'string') {
    ctx.bag.error('E305', first?.span ?? card.keywordSpan, '.include needs a file path', 'write .include "models.inc" (relative to this file)');
    return;
  }
  if (rest.length > 0) ctx.bag.error('E507', rest[0].span, '.include takes one path', 'paths with blanks must be quoted');
  const span = first.value.span;
  const from = card.span.file;
  const path = ctx.checkedPath(first.value.value, span, from, 'include file');
  if (path === undefined) return;
  if (stack.includes(path)) {
    const cycle = [...stack.slice(stack.indexOf(path)), path].join(' -> ');
    ctx.bag.error('E302', span, `include cycle: ${cycle}`);
    return;
  }
  if (state.out.files.includes(path)) {
    ctx.bag.warning('W301', span, `'${first.value.value}' is already included; skipped`);
    return;
  }
  if (stack.length >= ctx.limits.maxIncludeDepth) {
    ctx.bag.error('E304', span, `includes nested deeper than ${ctx.limits.maxIncludeDepth} levels`);
    return;
  }
  if (state.out.files.length >= ctx.limits.maxFiles) {
    ctx.bag.error('E304', span, `more than ${ctx.limits.maxFiles} files included`);
    return;
  }
  const size = ctx.host.sizeOf(path);
  if (size === undefined) {
    ctx.bag.error('E301', span, `cannot find include file '${first.value.value}' (looked for '${path}')`);
    return;
  }
  if (state.totalBytes + size > ctx.limits.maxTotalBytes) {
    ctx.bag.error('E304', span, `including '${first.value.value}' (${size} bytes) exceeds the limit of ${ctx.limits.maxTotalBytes} bytes of netlist text`);
    return;
  }
  const text = ctx.host.readFile(path);
  if (text === undefined) {
    ctx.bag.error('E301', span, `cannot read include file '${first.value.value}' (looked for '${path}')`);
    return;
  }
  state.totalBytes += text.length;
  loadFile(ctx, state, path, text, [...stack, path]);
}

function pointAt(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
