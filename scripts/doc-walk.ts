/**
 * Runs a documentation walk-through exactly as written: between `<!-- doc-walk -->` and
 * `<!-- /doc-walk -->` in a Markdown file, every fenced block with a title (```ts title="src/index.ts")
 * is written to that path, relative to the shell's folder at that point, and every untitled `sh`
 * block is run, all in order in one bash shell (so `cd` and variables carry over), starting in the
 * repository root. Any other untitled block there is refused: the walk must not contain text it does
 * not run.
 *
 * The shell gets a private temporary root: TMPDIR (so `mktemp -d` makes a fresh folder under it) and
 * npm's global prefix (so `npm install --global` does not touch the machine's), with that prefix's
 * bin folder first on the PATH. The root is removed afterwards unless `--keep` is given.
 *
 *   tsx scripts/doc-walk.ts docs/device-plugins.md [--keep]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const START_MARKER = '<!-- doc-walk -->';
const END_MARKER = '<!-- /doc-walk -->';
const HEREDOC_END = 'XBAR_DOC_WALK_END_OF_FILE';

/** One step of a walk: a file to write or shell commands to run, with the Markdown line it starts on. */
export type WalkStep = { readonly kind: 'file'; readonly path: string; readonly text: string; readonly line: number } | { readonly kind: 'shell'; readonly text: string; readonly line: number };

/** The steps of the walk in `markdown` (see the file comment); `source` names the file in errors. */
export function walkSteps(markdown: string, source: string): WalkStep[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === START_MARKER);
  const end = lines.findIndex((line) => line.trim() === END_MARKER);
  if (start < 0 || end < start) throw new Error(`${source}: no '${START_MARKER}' ... '${END_MARKER}' section`);
  const steps: WalkStep[] = [];
  for (let index = start + 1; index < end; index++) {
    const open = /^```(\w*)(?:\s+title="([^"]+)")?\s*$/.exec(lines[index]);
    if (!open) continue;
    const [, language, title] = open;
    const close = lines.findIndex((line, at) => at > index && /^```\s*$/.test(line));
    if (close < 0 || close > end) throw new Error(`${source}:${index + 1}: code block not closed inside the walk`);
    const text = lines.slice(index + 1, close).join('\n');
    if (title !== undefined) {
      if (text.split('\n').includes(HEREDOC_END)) throw new Error(`${source}:${index + 1}: file contains the line ${HEREDOC_END}`);
      steps.push({ kind: 'file', path: title, text, line: index + 1 });
    } else if (language === 'sh') {
      steps.push({ kind: 'shell', text, line: index + 1 });
    } else {
      throw new Error(`${source}:${index + 1}: a '${language || 'plain'}' block without title="PATH" inside the walk (only sh blocks run; other blocks are files)`);
    }
    index = close;
  }
  return steps;
}

/** The bash script that performs `steps` in order. */
export function walkScript(steps: readonly WalkStep[], source: string): string {
  const parts = ['set -euo pipefail'];
  for (const step of steps) {
    parts.push(`echo "=== ${source}:${step.line}" >&2`);
    if (step.kind === 'shell') {
      parts.push('set -x', step.text, 'set +x');
    } else {
      const quoted = `'${step.path.replaceAll("'", "'\\''")}'`;
      parts.push(`mkdir -p "$(dirname ${quoted})"`, `cat > ${quoted} <<'${HEREDOC_END}'`, step.text, HEREDOC_END);
    }
  }
  return parts.join('\n') + '\n';
}

function main(args: readonly string[]): number {
  const markdownPath = args.find((arg) => !arg.startsWith('--'));
  if (markdownPath === undefined) {
    console.error('usage: tsx scripts/doc-walk.ts FILE.md [--keep]');
    return 2;
  }
  const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const steps = walkSteps(readFileSync(resolve(markdownPath), 'utf8'), markdownPath);
  const root = mkdtempSync(join(tmpdir(), 'xbar-doc-walk-'));
  const prefix = join(root, 'npm-global');
  mkdirSync(join(root, 'tmp'));
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  try {
    const result = spawnSync('bash', ['-c', walkScript(steps, markdownPath)], {
      cwd: repositoryRoot,
      stdio: 'inherit',
      env: { ...process.env, TMPDIR: join(root, 'tmp'), npm_config_prefix: prefix, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
    });
    if (result.error) throw result.error;
    const code = result.status ?? 1;
    console.error(code === 0 ? `${markdownPath}: the walk ran (${steps.length} steps)` : `${markdownPath}: the walk failed (exit ${code})`);
    return code;
  } finally {
    if (args.includes('--keep')) console.error(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
