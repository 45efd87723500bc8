/**
 * `.param NAME=VALUE ...`: global parameters. A value is a number, a `{expression}` or another
 * parameter's name; parameters may refer to parameters defined later. Definitions are evaluated in
 * dependency order (iteratively, so long chains cannot overflow the stack); cycles are reported.
 */
import type { Card, Item, Span, Value } from '../ast.js';
import { describeValue, type SemanticContext } from './context.js';
import { referencedNames } from './expressions.js';

interface ParamDefinition {
  readonly name: string;
  readonly value: Value;
  readonly span: Span;
}

/** Collects the definitions of every `.param` card (later definitions replace earlier ones, with a warning). */
export function collectParams(ctx: SemanticContext, cards: readonly Card[]): Map<string, ParamDefinition> {
  const definitions = new Map<string, ParamDefinition>();
  for (const card of cards) {
    if (card.items.length === 0) ctx.bag.error('E207', card.keywordSpan, '.param needs at least one NAME=VALUE');
    for (const item of card.items) {
      const definition = paramDefinition(ctx, item);
      if (!definition) continue;
      const key = definition.name.toLowerCase();
      const earlier = definitions.get(key);
      if (earlier) {
        ctx.bag.warning('W201', item.keySpan ?? item.span, `parameter '${definition.name}' is redefined; this value replaces the one at line ${earlier.span.line}${earlier.span.file === item.span.file ? '' : ` of ${earlier.span.file}`}`);
      }
      definitions.set(key, definition);
      ctx.definitions.param.set(key, { name: definition.name, span: definition.span, card });
    }
  }
  return definitions;
}

function paramDefinition(ctx: SemanticContext, item: Item): ParamDefinition | undefined {
  if (item.key === undefined) {
    const hint = item.value.kind === 'word' ? `write ${item.value.name}=VALUE` : 'write NAME=VALUE';
    ctx.bag.error('E207', item.span, `expected NAME=VALUE in .param, found ${describeValue(item.value)}`, hint);
    return undefined;
  }
  return { name: item.key, value: item.value, span: item.keySpan ?? item.span };
}

/** Names a value depends on. */
function dependencies(value: Value): { name: string; span: Span }[] {
  if (value.kind === 'word') return [{ name: value.name, span: value.span }];
  if (value.kind === 'expr') return referencedNames(value.expr);
  return [];
}

/**
 * Evaluates every definition into `ctx.params`. `overrides` (lower-case names, e.g. from `.step`)
 * replace the written values.
 */
export function resolveParams(
  ctx: SemanticContext,
  definitions: ReadonlyMap<string, ParamDefinition>,
  overrides: Readonly<Record<string, number>> = {},
): void {
  const overridden = new Map(Object.entries(overrides).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [key, value] of overridden) ctx.params.set(key, value);
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of definitions.keys()) {
    if (state.has(root) || overridden.has(root)) continue;
    // Iterative depth-first search: evaluate a parameter once all its dependencies are done.
    const stack: { key: string; deps: string[]; next: number }[] = [];
    const push = (key: string) => {
      state.set(key, 'visiting');
      const deps = dependencies(definitions.get(key)!.value)
        .map((d) => d.name.toLowerCase())
        .filter((d) => definitions.has(d) && !overridden.has(d));
      stack.push({ key, deps, next: 0 });
    };
    push(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next++];
        const depState = state.get(dep);
        if (depState === undefined) push(dep);
        else if (depState === 'visiting') reportCycle(ctx, definitions, stack.map((f) => f.key), dep);
        continue;
      }
      stack.pop();
      state.set(frame.key, 'done');
      evaluateParam(ctx, frame.key, definitions.get(frame.key)!);
    }
  }
}

function evaluateParam(ctx: SemanticContext, key: string, definition: ParamDefinition): void {
  if (ctx.brokenParams.has(key)) return;
  const value = ctx.number(definition.value);
  if (value === undefined) ctx.brokenParams.add(key);
  else ctx.params.set(key, value);
}

function reportCycle(ctx: SemanticContext, definitions: ReadonlyMap<string, ParamDefinition>, path: string[], repeated: string): void {
  const cycle = [...path.slice(path.indexOf(repeated)), repeated];
  for (const key of cycle) ctx.brokenParams.add(key);
  const first = definitions.get(repeated)!;
  const names = cycle.map((key) => definitions.get(key)!.name);
  ctx.bag.error('E204', first.span, `parameter '${first.name}' depends on itself: ${names.join(' -> ')}`);
}
