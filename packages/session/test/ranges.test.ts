import { describe, expect, it } from 'vitest';
import { splitTrials } from '../src/run/ranges.js';

describe('splitTrials', () => {
  it('covers every trial once, in order, with near-equal ranges', () => {
    expect(splitTrials(10, 3)).toEqual([
      { first: 0, count: 4 },
      { first: 4, count: 3 },
      { first: 7, count: 3 },
    ]);
    expect(splitTrials(2, 5)).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
    ]);
    expect(splitTrials(0, 4)).toEqual([]);
  });
});
