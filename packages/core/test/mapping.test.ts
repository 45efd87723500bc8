import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CrossbarLayer,
  type MappingConfig,
  crossbarConfig,
  idealDevice,
  mapWeights,
  matrix,
  multiplyByTranspose,
  readBackWeights,
  tileMapping,
} from '../src/index.js';
import { maxAbsDifference, randomMatrix } from './helpers.js';


const device = idealDevice.create({ gmin: 1e-6, gmax: 100e-6 });
const schemes: MappingConfig[] = [
  { scheme: 'differential', scale: 'layer', clipFraction: 1, statesPerCell: 4, cellsPerWeight: 1 },
  { scheme: 'differential', scale: 'column', clipFraction: 1, statesPerCell: 4, cellsPerWeight: 1 },
  { scheme: 'offset', scale: 'layer', clipFraction: 1, statesPerCell: 4, cellsPerWeight: 1 },
  { scheme: 'offset', scale: 'column', clipFraction: 1, statesPerCell: 4, cellsPerWeight: 1 },
];

describe('weight mapping round trip', () => {
  for (const mapping of schemes) {
    it(`${mapping.scheme} with a per-${mapping.scale} scale reads back W within float rounding`, () => {
      const w = randomMatrix(13, 37, 1, 0.3);
      const mapped = mapWeights(w, mapping, device.states);
      const back = readBackWeights(mapped);
      expect(maxAbsDifference(back.data, w.data)).toBeLessThan(1e-12);
      for (const g of mapped.targets) {
        expect(g).toBeGreaterThanOrEqual(device.states.minSiemens);
        expect(g).toBeLessThanOrEqual(device.states.maxSiemens);
      }
    });
  }

  it('N-ary slicing reads back weights on its grid exactly and others within half a step', () => {
    const statesPerCell = 4;
    const cellsPerWeight = 3;
    const codes = statesPerCell ** cellsPerWeight - 1; // 63
    const w = matrix(5, 64);
    for (let i = 0; i < w.data.length; i++) w.data[i] = ((i % 127) - 63) / codes; // every code, both signs
    const mapping: MappingConfig = { scheme: 'nary', scale: 'layer', clipFraction: 1, statesPerCell, cellsPerWeight };
    const back = readBackWeights(mapWeights(w, mapping, device.states));
    expect(maxAbsDifference(back.data, w.data)).toBeLessThan(1e-12);

    const off = randomMatrix(7, 20, 2);
    const mappedOff = mapWeights(off, mapping, device.states);
    const step = mappedOff.weightScale[0] / codes;
    expect(maxAbsDifference(readBackWeights(mappedOff).data, off.data)).toBeLessThanOrEqual(step / 2 + 1e-12);
    expect(maxAbsDifference(readBackWeights(mappedOff).data, mappedOff.mappedWeights.data)).toBeLessThan(1e-12);
  });

  it('N-ary digit cells sit exactly on the N uniform device levels', () => {
    const leveled = idealDevice.create({ gmin: 0, gmax: 30e-6, levels: 4 });
    const w = randomMatrix(6, 9, 3);
    const mapping = mapWeights(w, { scheme: 'nary', scale: 'column', clipFraction: 1, statesPerCell: 4, cellsPerWeight: 2 }, leveled.states);
    const levels = Array.from(leveled.states.levels!);
    for (const g of mapping.targets) expect(levels).toContain(g);
  });

  it('clips weights beyond clipFraction x max|W| and uses the window for the rest', () => {
    const w = matrix(1, 3, [1, -0.5, 0.25]);
    const mapped = mapWeights(w, { ...schemes[0], clipFraction: 0.5 }, device.states);
    readBackWeights(mapped).data.forEach((value, i) => expect(value).toBeCloseTo([0.5, -0.5, 0.25][i], 12));
    expect(mapped.targets[0]).toBeCloseTo(device.states.maxSiemens, 18);
  });

  it('property: differential and offset round trips hold for arbitrary matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 81, maxLength: 81 }),
        (rows, cols, schemeIndex, values) => {
          const w = matrix(rows, cols, values.slice(0, rows * cols));
          const mapped = mapWeights(w, schemes[schemeIndex], device.states);
          if (!mapped.targets.every((g) => g >= device.states.minSiemens && g <= device.states.maxSiemens)) return false;
          const back = readBackWeights(mapped);
          const scale = Math.max(...Array.from(w.data, Math.abs));
          // weights of subnormal size (below 1e-290) lose their bits in the gain (scale / window) underflow
          return maxAbsDifference(back.data, w.data) <= 1e-12 * scale + (scale < 1e-290 ? scale : 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('maps weights of any magnitude to finite targets inside the window (subnormal scales included)', () => {
    for (const tiny of [5e-324, 1e-310, 1e-300]) {
      for (const mapping of schemes) {
        const mapped = mapWeights(matrix(1, 3, [0, tiny, -tiny]), mapping, device.states);
        for (const g of mapped.targets) expect(g >= device.states.minSiemens && g <= device.states.maxSiemens).toBe(true);
      }
    }
  });
});

describe('tiling', () => {
  const cases: [MappingConfig, number, number][] = [
    [schemes[0], 7, 6],
    [schemes[2], 5, 4],
    [{ scheme: 'nary', scale: 'layer', clipFraction: 1, statesPerCell: 3, cellsPerWeight: 2 }, 8, 10],
    [schemes[1], 64, 64],
  ];
  for (const [mapping, rows, cols] of cases) {
    it(`${mapping.scheme} on ${rows}x${cols} arrays with remainders equals the untiled product`, () => {
      const w = randomMatrix(11, 23, 4);
      const x = randomMatrix(5, 23, 5);
      const layer = CrossbarLayer.create(w, crossbarConfig({ device, rows, cols, mapping }));
      const expected = multiplyByTranspose(x, layer.mappedWeights());
      const y = layer.idealForward(x);
      expect(maxAbsDifference(y.data, expected.data)).toBeLessThan(1e-12);
      for (const tile of layer.tiled.tiles) {
        expect(tile.rowCount).toBeLessThanOrEqual(rows);
        expect(tile.cols).toBeLessThanOrEqual(cols);
      }
    });
  }

  it('places each channel whole on one tile and one reference column per offset tile', () => {
    const w = randomMatrix(10, 9, 6);
    const tiled = tileMapping(mapWeights(w, schemes[2], device.states), 4, 4);
    expect(tiled.rowTiles).toBe(3); // 9 inputs over 4 rows: 4 + 4 + 1
    expect(tiled.columnTiles).toBe(4); // 10 outputs, 3 per tile (one column is the reference)
    for (const tile of tiled.tiles) {
      expect(tile.referenceColumn).toBe(tile.cols - 1);
      for (let i = 0; i < tile.rowCount; i++) expect(tile.targets[i * tile.cols + tile.referenceColumn]).toBeCloseTo(50.5e-6, 18);
    }
  });

  it('refuses an array too narrow for one channel', () => {
    const w = randomMatrix(2, 2, 7);
    expect(() => tileMapping(mapWeights(w, schemes[0], device.states), 4, 1)).toThrow(/cannot hold one channel/);
    expect(() => tileMapping(mapWeights(w, schemes[0], device.states), 0, 4)).toThrow(/array rows/);
  });
});
