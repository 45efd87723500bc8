import type { Cell, ResultTable, SubTable } from '@xbar/session';

/** A number as text: integers as they are, others with 6 significant digits. */
function formatCell(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (Number.isInteger(cell) && Math.abs(cell) < 1e15) return String(cell);
  if (!Number.isFinite(cell)) return String(cell);
  return Number(cell.toPrecision(6)).toString();
}

/** An aligned text table: a title line, the header, a rule, then the rows (numbers right-aligned); then its DAC table. */
export function formatTable(table: ResultTable): string {
  const main = alignedTable(table.title, table.columns, table.rows);
  return table.dac ? `${main}\n${alignedTable('DAC per layer', table.dac.columns, table.dac.rows)}` : main;
}

function alignedTable(title: string, columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const table = { title, columns, rows };
  const text = table.rows.map((row) => row.map(formatCell));
  const widths = table.columns.map((column, c) => Math.max(column.length, ...text.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const numericColumns = table.columns.map((_, c) => table.rows.length > 0 && table.rows.every((row) => typeof row[c] === 'number'));
  return [
    table.title,
    line(table.columns, numericColumns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map((row) => line(row, numericColumns)),
  ].join('\n') + '\n';
}

const quoteCsv = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvCell = (value: Cell) => quoteCsv(typeof value === 'number' ? String(value) : value);

/** RFC 4180 CSV of one table: a header row, then the rows; full float precision. */
export function formatCsv(table: { readonly columns: readonly string[]; readonly rows: readonly (readonly Cell[])[] }): string {
  return [table.columns.map(quoteCsv).join(','), ...table.rows.map((row) => row.map(csvCell).join(','))].join('\n') + '\n';
}

/** Columns of the long CSV of a run (`formatLongCsv`). */
export const LONG_CSV_COLUMNS: readonly string[] = ['analysis', 'kind', 'line', 'part', 'row', 'column', 'value'];

/**
 * Every table of a run as one tidy long CSV: one record per cell, naming the analysis (1-based, in
 * netlist order), its kind and line, the part (`results`, or `dac` for the DAC table), the row (0-based)
 * and the column. One header, one shape, so any CSV reader takes it whole (pandas: pivot on `column`).
 */
export function formatLongCsv(tables: readonly ResultTable[]): string {
  const lines = [LONG_CSV_COLUMNS.join(',')];
  for (const table of tables) {
    const parts: [string, { readonly columns: readonly string[]; readonly rows: readonly (readonly Cell[])[] }][] = [['results', table], ...(table.dac ? [['dac', table.dac] as [string, SubTable]] : [])];
    for (const [part, { columns, rows }] of parts) {
      rows.forEach((row, r) => columns.forEach((column, c) => lines.push([table.index + 1, table.kind, table.line, part, r, column, row[c] ?? ''].map((value) => csvCell(value)).join(','))));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The table as a JSON-ready object: rows as objects keyed by column. */
export function tableToJson(table: ResultTable): Record<string, unknown> {
  return {
    kind: table.kind,
    index: table.index,
    line: table.line,
    title: table.title,
    columns: table.columns,
    rows: rowsToJson(table.columns, table.rows),
    ...(table.dac ? { dac: rowsToJson(table.dac.columns, table.dac.rows) } : {}),
    warnings: table.warnings,
  };
}

function rowsToJson(columns: readonly string[], rows: readonly (readonly Cell[])[]): Record<string, Cell>[] {
  return rows.map((row) => Object.fromEntries(columns.map((column, c) => [column, typeof row[c] === 'number' && !Number.isFinite(row[c]) ? String(row[c]) : row[c]])));
}

/** A file name for a table's CSV: `<index+1>-<kind>.csv`, e.g. 01-accuracy.csv; its DAC table's `01-accuracy-dac.csv`. */
export function csvFileName(table: ResultTable, part: 'results' | 'dac' = 'results'): string {
  return `${String(table.index + 1).padStart(2, '0')}-${table.kind}${part === 'dac' ? '-dac' : ''}.csv`;
}
