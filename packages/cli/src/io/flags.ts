import { usageError } from '@xbar/session';

/** The value of a required option; a usage error when it is missing or empty. */
export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw usageError(`missing required option ${flag}`);
  return value;
}

/** `--threads N`: a whole number in [1, 1024]; undefined when not given. */
export function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const threads = Number(text);
  if (!/^\d+$/.test(text.trim()) || threads < 1 || threads > 1024) throw usageError(`--threads must be a whole number in [1, 1024], got '${text}'`);
  return threads;
}
