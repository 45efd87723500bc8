import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The source of chart.js's UMD bundle (`chart.js/dist/chart.umd.min.js`, which defines `window.Chart`
 * with every chart type, scale and plugin registered), for inlining into the report. The subpath is
 * not in chart.js's package exports, so it is found next to the package's resolved main file. The
 * trailing source-map comment is removed (the map is not shipped in the report).
 */
export function chartJsSource(): string {
  if (cached === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    const text = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
    cached = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  }
  return cached;
}
