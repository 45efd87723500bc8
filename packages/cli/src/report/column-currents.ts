import type { ColumnCurrentsPlot } from './data.js';
import type { RunTable } from './from-tables.js';

/** The column currents with and without IR drop that `.mvm mode=ir` tables carry (runs without sweeps). */
export function columnCurrentsFromTables(tables: readonly RunTable[]): ColumnCurrentsPlot[] {
  return tables.flatMap((table) =>
    table.columnCurrents
      ? [
          {
            title: `Column currents of ${table.columnCurrents.description}${table.line !== undefined ? ` (.mvm mode=ir, line ${table.line})` : ''}`,
            description:
              'Raw column currents of the tile (amperes, shown in µA) through its target conductances (no device noise), ideal wires vs the array\'s wire resistances solved as a circuit; with a differential mapping, columns 2k and 2k+1 hold output k.',
            idealAmperes: table.columnCurrents.idealAmperes,
            irDropAmperes: table.columnCurrents.irDropAmperes,
          },
        ]
      : [],
  );
}
