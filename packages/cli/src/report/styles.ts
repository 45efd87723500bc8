/** The report's stylesheet (inline; no external fonts or files). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --rule: #d8dce3; --panel: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 64px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 8px; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
nav ul { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0; margin: 8px 0 0; }
nav a { color: #0b5cad; text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { text-align: right; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.table-scroll { overflow-x: auto; max-height: 420px; overflow-y: auto; }
pre { background: var(--panel); border: 1px solid var(--rule); padding: 10px 12px; overflow: auto; max-height: 480px; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.chart { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px 6px; margin: 12px 0 20px; }
.chart-canvas { position: relative; height: 360px; }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 2px; }
.error { color: #b00020; font-weight: 600; }
.warnings { color: #8a4b00; background: #fff6e5; border: 1px solid #f0d9a8; border-radius: 4px; padding: 6px 10px 6px 28px; margin: 6px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;
