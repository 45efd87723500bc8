import type { RetentionPlot, SweepPlot } from './data.js';
import type { SweepAxis } from './from-tables.js';

/**
 * Whether a `.step` sweeps the time after programming: its parameter's name contains `time`, or the
 * netlist uses it in a `time=` or `readtime=` value (e.g. `.step tread ...` with `time={tread}`).
 * Only the netlist's own text is searched (not its `.include`d files).
 */
export function isTimeSweep(sweep: SweepAxis, netlistText: string): boolean {
  const name = sweep.param.toLowerCase();
  if (name.includes('time')) return true;
  const param = name.replace(/[^a-z0-9_]/g, (c) => `\\${c}`);
  const use = new RegExp(`\\b(?:read)?time\\s*=\\s*(?:\\{[^}\\n]*\\b${param}\\b[^}\\n]*\\}|${param}\\b)`, 'i');
  return use.test(netlistText);
}

/**
 * Sweep plots over the time after programming (x in seconds) as retention plots (log x). Plots of the
 * same metric, found the same way, share one chart (e.g. raw and drift-compensated arrays, or several
 * cards' models), their series named after their card.
 */
export function retentionPlots(plots: readonly SweepPlot[]): RetentionPlot[] {
  const groups = new Map<string, SweepPlot[]>();
  for (const plot of plots) {
    const key = `${plot.metricLabel}\u0000${plot.note ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), plot]);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    const shared = group.length > 1;
    return {
      title: shared ? `${first.metricLabel} vs time after programming: ${group.map((plot) => plot.label ?? plot.title).join(', ')}` : first.title,
      metricLabel: first.metricLabel,
      ...(first.metricScale ? { metricScale: first.metricScale } : {}),
      series: group.flatMap((plot) => plot.series.map((series) => (shared ? { ...series, name: `${series.name} (${plot.label ?? plot.title})` } : series))),
      ...(first.note !== undefined ? { note: first.note } : {}),
    };
  });
}
