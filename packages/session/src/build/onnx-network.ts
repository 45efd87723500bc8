/**
 * The ONNX networks of a netlist (`.network NAME onnx="model.onnx"` with `.map` cards): the model
 * imported once per path, its weight nodes placed on arrays (or kept digital), and every problem
 * as a diagnostic at the card it comes from, so that `xbar check` and `xbar run` report the same
 * ones with file:line:col.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Network, isWeightNode } from '@xbar/core';
import type { Design, Diagnostic, NodePlacementDefinition, OnnxNetworkDefinition, Span } from '@xbar/dsl';
import { OnnxImportError, importOnnx } from '@xbar/onnx';

/** A model's network, or why it cannot be one. */
export type ImportedNetwork = { readonly network: Network } | { readonly problem: string };

/** ONNX models read and imported once per path (relative to `cwd`), shared by every `.step` point and analysis of a run. */
export class OnnxNetworkCache {
  private readonly imported = new Map<string, ImportedNetwork>();

  constructor(private readonly cwd: string) {}

  load(path: string): ImportedNetwork {
    let result = this.imported.get(path);
    if (!result) this.imported.set(path, (result = importFile(resolve(this.cwd, path))));
    return result;
  }
}

function importFile(file: string): ImportedNetwork {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { problem: `cannot read the model: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const { network } = importOnnx(bytes);
    if (network.wholeBatch !== undefined) {
      return { problem: `the model mixes the samples of its batch (its input fixes the batch at ${network.wholeBatch}); netlist analyses need a model that computes every sample on its own (export it with a dynamic batch axis)` };
    }
    return { network };
  } catch (error) {
    if (error instanceof OnnxImportError || error instanceof RangeError) return { problem: error.message };
    throw error;
  }
}

/** Where one weight node runs, and the card that put it there (`.map 'pattern'` or `.network`). */
export interface PlacedNode {
  readonly placement: NodePlacementDefinition;
  readonly by: string;
}

/** An ONNX network with every weight node placed; `diagnostics` holds what went wrong (errors leave nodes unplaced). */
export interface PlacedOnnxNetwork {
  readonly network: Network | undefined;
  /** Weight node name -> its placement, for every weight node that has one. */
  readonly placements: ReadonlyMap<string, PlacedNode>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Imports `definition`'s model and places its weight nodes: the first `.map` whose glob matches the
 * node's name, else the network's `array=`. A model that cannot be imported (E606), a `.map` that
 * matches no weight node (E607) and a weight node left without an array (E608) are errors; a `.map`
 * whose every node an earlier one already placed is a warning (W601).
 */
export function placeOnnxNetwork(definition: OnnxNetworkDefinition, cache: OnnxNetworkCache): PlacedOnnxNetwork {
  const imported = cache.load(definition.path);
  if ('problem' in imported) return { network: undefined, placements: new Map(), diagnostics: [diagnostic('error', 'E606', definition.pathSpan, `network '${definition.name}': ${definition.path}: ${imported.problem}`)] };
  const { network } = imported;
  const weightNodes = network.nodes.filter(isWeightNode).map((node) => node.name);
  const diagnostics: Diagnostic[] = [];
  const placements = new Map<string, PlacedNode>();
  for (const map of definition.maps) {
    const matcher = globMatcher(map.pattern);
    const matched = weightNodes.filter((name) => matcher.test(name));
    const placed = matched.filter((name) => !placements.has(name));
    if (matched.length === 0) {
      diagnostics.push(diagnostic('error', 'E607', map.span, `.map '${map.pattern}' matches no weight node of ${definition.path}`, `its weight nodes: ${listNames(weightNodes)}`));
    } else if (placed.length === 0) {
      diagnostics.push(diagnostic('warning', 'W601', map.span, `.map '${map.pattern}' has no effect: every node it matches (${listNames(matched)}) is placed by an earlier .map`, 'the first .map that matches a node places it'));
    }
    for (const name of placed) placements.set(name, { placement: map.placement, by: `.map '${map.pattern}'` });
  }
  const unplaced = weightNodes.filter((name) => !placements.has(name));
  if (definition.defaultPlacement) {
    for (const name of unplaced) placements.set(name, { placement: definition.defaultPlacement, by: `.network '${definition.name}'` });
  } else if (unplaced.length > 0) {
    diagnostics.push(
      diagnostic('error', 'E608', definition.span, `network '${definition.name}': no array for weight node${unplaced.length === 1 ? '' : 's'} ${listNames(unplaced)}`, 'give the .network card array=ARRAY for the nodes no .map places, or add .map cards for them'),
    );
  }
  return { network, placements, diagnostics };
}

/** The diagnostics of every ONNX network of `design` (see placeOnnxNetwork). */
export function onnxNetworkDiagnostics(design: Design, cache: OnnxNetworkCache): Diagnostic[] {
  return [...design.networks.values()].flatMap((definition) => (definition.kind === 'onnx' ? placeOnnxNetwork(definition, cache).diagnostics : []));
}

/** A case-insensitive matcher of a glob: `*` any run of characters (none included), `?` one character. */
export function globMatcher(pattern: string): RegExp {
  const source = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'is');
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 12).map((name) => `'${name}'`);
  return names.length > shown.length ? `${shown.join(', ')} and ${names.length - shown.length} more` : shown.join(', ');
}

function diagnostic(severity: Diagnostic['severity'], code: string, span: Span, message: string, hint?: string): Diagnostic {
  return { severity, code, message, file: span.file, line: span.line, column: span.column, ...(span.endLine === span.line ? { endColumn: span.endColumn } : {}), ...(hint ? { hint } : {}) };
}
