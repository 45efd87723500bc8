/**
 * `pnpm bench [ID ...]`: runs the benchmark sections (all, or those named) in one process and writes
 * bench/RESULTS.md and bench/results.json. Results of sections not run this time are kept in
 * results.json and RESULTS.md so a partial rerun does not lose the others.
 */
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './harness.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsJsonPath = join(benchDir, 'results.json');
const resultsMdPath = join(benchDir, 'RESULTS.md');

interface StoredSection {
  readonly title: string;
  readonly markdown: string;
  readonly keys: readonly string[];
  readonly measuredAt: string;
}

interface StoredResults {
  readonly machine: string;
  readonly sections: Record<string, StoredSection>;
  readonly results: Record<string, number>;
}

function writeAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

async function loadSections(): Promise<BenchSection[]> {
  const files = readdirSync(benchDir).filter((file) => file.endsWith('.bench.ts')).sort();
  const sections: BenchSection[] = [];
  for (const file of files) {
    const module = (await import(join(benchDir, file))) as { default: BenchSection };
    sections.push(module.default);
  }
  return sections;
}

function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

async function main(): Promise<void> {
  const wanted = new Set(process.argv.slice(2));
  const sections = (await loadSections()).filter((section) => wanted.size === 0 || wanted.has(section.id));
  if (sections.length === 0) throw new Error(`no benchmark section matches ${[...wanted].join(', ')}`);
  const stored: StoredResults = existsSync(resultsJsonPath)
    ? (JSON.parse(readFileSync(resultsJsonPath, 'utf8')) as StoredResults)
    : { machine: '', sections: {}, results: {} };
  const results: Record<string, number> = { ...stored.results };
  const storedSections: Record<string, StoredSection> = { ...stored.sections };
  for (const section of sections) {
    process.stderr.write(`bench: ${section.id} ...\n`);
    const started = performance.now();
    const outcome = await section.run();
    for (const key of storedSections[section.id]?.keys ?? []) delete results[key];
    Object.assign(results, outcome.results);
    storedSections[section.id] = {
      title: section.title,
      markdown: outcome.markdown,
      keys: Object.keys(outcome.results),
      measuredAt: new Date().toISOString(),
    };
    process.stderr.write(`bench: ${section.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const machine = machineLine();
  writeAtomic(resultsJsonPath, `${JSON.stringify({ machine, sections: storedSections, results }, null, 2)}\n`);
  const ids = Object.keys(storedSections).sort();
  const markdown = [
    '# Benchmark results',
    '',
    'Regenerate everything with `pnpm bench` (or one section with `pnpm bench ID`, ids: ' + ids.map((id) => `\`${id}\``).join(', ') + ').',
    'Every ratio is measured within one run on one machine; absolute times vary between machines.',
    '',
    `Machine of the last run: ${machine}.`,
    '',
    ...ids.flatMap((id) => {
      const section = storedSections[id];
      return [`## ${section.title}`, '', `Command: \`pnpm bench ${id}\` (measured ${section.measuredAt}).`, '', section.markdown, ''];
    }),
  ].join('\n');
  writeAtomic(resultsMdPath, markdown);
  process.stderr.write(`bench: wrote ${resultsMdPath} and ${resultsJsonPath}\n`);
}

await main();
