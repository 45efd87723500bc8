import { describe, expect, it } from 'vitest';
import { parseEngineeringNumber } from '../src/index.js';
import { check, codes } from './helpers.js';

const DAY = 86_400;
const YEAR = 365.25 * DAY;

const arrayWith = (readtime: string) => `.model m ideal\n.array xb rows=4 cols=4 model=m readtime=${readtime}\n`;
const readTime = (readtime: string) => check(arrayWith(readtime)).design.arrays.get('xb')?.config.readTimeSeconds;

describe('time units', () => {
  // Before: every one of these read as 1 s (SPICE ignores letters that are not a scale suffix),
  // and 1min as 1 ms (m = milli).
  it.each([
    ['1s', 1],
    ['1min', 60],
    ['2h', 7200],
    ['1d', DAY],
    ['1day', DAY],
    ['3days', 3 * DAY],
    ['1w', 7 * DAY],
    ['2weeks', 14 * DAY],
    ['1y', YEAR],
    ['1year', YEAR],
    ['10years', 10 * YEAR],
    ['1H', 3600],
    ['1.5e1min', 900],
    ['1ms', 1e-3],
    ['10us', 10e-6],
    ['1meg', 1e6],
    ['3600', 3600],
  ])('readtime=%s is %d s', (text, seconds) => {
    expect(readTime(text)).toBeCloseTo(seconds, 9);
    expect(codes(arrayWith(text))).toEqual([]);
  });

  it('reads time words in .options, .param, {expressions} and .step values', () => {
    const result = check(`.param tread=1week
.options readtime={2*1h}
.model m ideal
.array a rows=4 cols=4 model=m
.array b rows=4 cols=4 model=m readtime=tread
.weights W [[1] [2] [3] [4]]
.inputs X [[1 2 3 4]]
.step tread list 1h 1d 1y
.mse array=b weights=W inputs=X time={tread/2}
`);
    expect(result.diagnostics).toEqual([]);
    expect(result.design.options.readTimeSeconds).toBe(7200);
    expect(result.design.params.get('tread')).toBe(7 * DAY);
    expect(result.design.arrays.get('b')!.config.readTimeSeconds).toBe(7 * DAY);
    expect([...result.design.sweeps[0].values]).toEqual([3600, DAY, YEAR]);
  });

  it('marks time words in the parsed number', () => {
    expect(parseEngineeringNumber('2h')).toMatchObject({ value: 7200, timeUnit: true, suffix: '' });
    expect(parseEngineeringNumber('2ms')).toMatchObject({ value: 2e-3, timeUnit: false, suffix: 'm', unit: 's' });
  });

  it('warns that a bare m on a time is milli, not minutes', () => {
    expect(codes(arrayWith('5m'))).toEqual(['W203']);
    expect(check(arrayWith('5m')).diagnostics[0].hint).toContain('5min');
    expect(codes(arrayWith('5ms'))).toEqual([]);
  });
});

describe('letters after a number', () => {
  it.each([
    ['readtime=1hour', 'readtime'],
    ['readtime=1mins', 'readtime'],
    ['readtime=1kohm', 'readtime'],
    ['readtime=1mil', 'readtime'],
    ['vread=0.2volt', undefined],
    ['vread=0.2V', undefined],
    ['vread=200mV', undefined],
    ['vread=1h', 'vread'],
    ['rwire=1kohms', undefined],
    ['rwire=1kfoo', 'rwire'],
    ['gmax=100uS', undefined],
    ['gmax=100uohm', 'gmax'],
    ['adc_fullscale=1mA', undefined],
    ['adc_fullscale=1mV', 'adc_fullscale'],
    ['dac_bits=8bits', 'dac_bits'],
    ['dac_bits=8', undefined],
  ])('%s', (option, refused) => {
    const result = check(`.model m ideal\n.array xb rows=4 cols=4 model=m ${option}\n`);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (refused === undefined) {
      expect(errors).toEqual([]);
    } else {
      expect(errors.map((d) => d.code)).toEqual(['E510']);
      expect(errors[0].hint).toMatch(/allowed/);
    }
  });

  it('names the allowed suffixes of a time', () => {
    const [error] = check(arrayWith('1hour')).diagnostics;
    expect(error).toMatchObject({ code: 'E510', line: 2, message: "unknown unit 'hour' after the number '1hour' (a value in seconds (s))" });
    expect(error.hint).toContain('min, h, d/day, w/week, y/year');
  });

  it('checks device parameters against their unit', () => {
    expect(codes('.model m rram (gmax=50uS)\n')).toEqual([]);
    expect(codes('.model m rram (gmax=50u ron=10kohm)\n')).toEqual([]);
    expect(codes('.model m rram (ron=10kS)\n')).toEqual(['E510']);
    expect(codes('.model m rram (nu=0.05h)\n')).toEqual(['E510']);
  });

  it('accepts any unit word where the quantity is unknown, and refuses unknown words there too', () => {
    expect(codes('.param g=100uS r=10kohm v=0.2V t=1h\n')).toEqual([]);
    expect(codes('.param g=100uQ\n')).toEqual(['E510']);
    expect(codes('.param g={2*100uQ}\n')).toEqual(['E510']);
    expect(codes('.weights W [[1x 2]]\n')).toEqual(['E510']);
  });
});
