import { createHash } from 'node:crypto';

/** A JSON value with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/**
 * The identity of a run for its checkpoint: SHA-256 (hex) of the netlist text and the options that
 * change results (seed, analysis selection, ...; not threads or output format, which do not). A
 * checkpoint is only resumed by a run with the same key.
 */
export function runKey(netlistText: string, options: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonicalJson({ netlist: netlistText, options })).digest('hex');
}

/** The id of one sweep point from its parameter values (order of keys does not matter). */
export function pointId(values: Readonly<Record<string, number | string>>): string {
  return canonicalJson(values);
}
