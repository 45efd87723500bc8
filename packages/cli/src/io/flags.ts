import { usageError } from '@xbar/session';

/** The value of a required option; a usage error when it is missing or empty. */
export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw usageError(`missing required option ${flag}`);
  return value;
}
