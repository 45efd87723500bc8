import { ALL_SOURCES, ERROR_SOURCE_NAMES, type ErrorSourceName, type ErrorSources, errorSourceKey, errorSourceNamed, sourcesOf } from '@xbar/core';
import { usageError } from '../errors.js';

/** Column of the MSE with one error source alone: `mse_programming`, `mse_device_mean`, ... */
export function sourceColumn(source: ErrorSourceName): string {
  return `mse_${errorSourceKey(source)}`;
}

/** The per-source columns of an MSE table, in ERROR_SOURCE_NAMES order. */
export const SOURCE_COLUMNS: readonly string[] = ERROR_SOURCE_NAMES.map(sourceColumn);

/**
 * A list of error sources as written on a command line, `programming,read` (names of
 * ERROR_SOURCE_NAMES in camel or snake case, any letter case), or `all`, as switches. `what` names
 * the flag in errors.
 */
export function parseErrorSources(text: string | undefined, what: string): ErrorSources {
  if (text === undefined || text.trim().toLowerCase() === 'all') return ALL_SOURCES;
  const words = text.split(',').map((word) => word.trim()).filter((word) => word !== '');
  if (words.length === 0) throw usageError(`${what} names no error source`);
  const names = words.map((word) => {
    const name = errorSourceNamed(word);
    if (name === undefined) throw usageError(`unknown error source '${word}' in ${what}; known: ${ERROR_SOURCE_NAMES.map(errorSourceKey).join(', ')} (or all)`);
    return name;
  });
  return sourcesOf(names);
}
