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

/** A sweep plot over the time after programming (x in seconds) as a retention plot (log x). */
export function retentionFromSweep(plot: SweepPlot): RetentionPlot {
  return { title: plot.title, metricLabel: plot.metricLabel, ...(plot.metricScale ? { metricScale: plot.metricScale } : {}), series: plot.series };
}
