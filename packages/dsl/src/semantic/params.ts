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
 * replace the written values. The definitions are ordered by Tarjan's strongly connected components
 * (iterative, linear in the definitions and their references): a component of more than one
 * parameter, or one referring to itself, is a cycle, reported once; everything else is evaluated after
 * what it depends on.
 */
export function resolveParams(
  ctx: SemanticContext,
  definitions: ReadonlyMap<string, ParamDefinition>,
  overrides: Readonly<Record<string, number>> = {},
): void {
  const overridden = new Map(Object.entries(overrides).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [key, value] of overridden) ctx.params.set(key, value);
  const keys = [...definitions.keys()].filter((key) => !overridden.has(key));
  const index = new Map(keys.map((key, i) => [key, i]));
  const edges = keys.map((key) =>
    dependencies(definitions.get(key)!.value)
      .map((d) => index.get(d.name.toLowerCase()))
      .filter((d): d is number => d !== undefined),
  );
  for (const component of stronglyConnectedComponents(edges)) {
    const cyclic = component.length > 1 || edges[component[0]].includes(component[0]);
    if (cyclic) {
      reportCycle(ctx, definitions, keys, edges, component);
      continue;
    }
    evaluateParam(ctx, keys[component[0]], definitions.get(keys[component[0]])!);
  }
}

/**
 * Tarjan's algorithm without recursion: the strongly connected components of the graph
 * `edges[v] = [w, ...]` (v refers to w), each listed once, dependencies before what depends on them.
 */
function stronglyConnectedComponents(edges: readonly (readonly number[])[]): number[][] {
  const n = edges.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const frames: { v: number; next: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (order[root] >= 0) continue;
    frames.push({ v: root, next: 0 });
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const { v } = frame;
      if (frame.next < edges[v].length) {
        const w = edges[v][frame.next++];
        if (order[w] < 0) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, next: 0 });
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], order[w]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].v;
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component.reverse());
      }
    }
  }
  return components;
}

function evaluateParam(ctx: SemanticContext, key: string, definition: ParamDefinition): void {
  if (ctx.brokenParams.has(key)) return;
  const value = ctx.number(definition.value);
  if (value === undefined) ctx.brokenParams.add(key);
  else ctx.params.set(key, value);
}

/** Names shown in a cycle's message before it is shortened. */
const CYCLE_NAMES_SHOWN = 8;

/**
 * One error for a cycle (a strongly connected component): a path around it from its first
 * definition, found by breadth-first search inside the component; every member is marked broken, so
 * that what refers to them is not reported again.
 */
function reportCycle(
  ctx: SemanticContext,
  definitions: ReadonlyMap<string, ParamDefinition>,
  keys: readonly string[],
  edges: readonly (readonly number[])[],
  component: readonly number[],
): void {
  for (const v of component) ctx.brokenParams.add(keys[v]);
  const start = Math.min(...component);
  const members = new Set(component);
  const previous = new Map<number, number>();
  const queue = [start];
  let closing = -1;
  for (let head = 0; head < queue.length && closing < 0; head++) {
    const v = queue[head];
    for (const w of edges[v]) {
      if (w === start) {
        closing = v;
        break;
      }
      if (members.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  for (let v = closing; v !== start; v = previous.get(v)!) path.splice(1, 0, v);
  const names = [...path, start].map((v) => definitions.get(keys[v])!.name);
  const shown = names.length > CYCLE_NAMES_SHOWN + 1 ? [...names.slice(0, CYCLE_NAMES_SHOWN), `... (${names.length - CYCLE_NAMES_SHOWN - 1} more)`, names.at(-1)!] : names;
  const first = definitions.get(keys[start])!;
  const others = component.length > path.length ? `; ${component.length} parameters depend on each other` : '';
  ctx.bag.error('E204', first.span, `parameter '${first.name}' depends on itself: ${shown.join(' -> ')}${others}`);
}
