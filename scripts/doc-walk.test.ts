import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkScript, walkSteps } from './doc-walk.js';

const WALK = ['intro', '<!-- doc-walk -->', '```sh', 'mkdir -p out && cd out', '```', 'text', '```ts title="src/a.ts"', "export const a = 'it''s';", '```', '```sh', 'cat src/a.ts', '```', '<!-- /doc-walk -->', '```sh', 'not run', '```'].join('\n');

describe('doc walk', () => {
  it('takes the titled blocks as files and the sh blocks as commands, in order, inside the markers only', () => {
    expect(walkSteps(WALK, 'x.md')).toEqual([
      { kind: 'shell', text: 'mkdir -p out && cd out', line: 3 },
      { kind: 'file', path: 'src/a.ts', text: "export const a = 'it''s';", line: 7 },
      { kind: 'shell', text: 'cat src/a.ts', line: 10 },
    ]);
  });

  it('writes the files verbatim and runs the commands in one shell', () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-walk-test-'));
    try {
      const result = spawnSync('bash', ['-c', walkScript(walkSteps(WALK, 'x.md'), 'x.md')], { cwd: folder, encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("export const a = 'it''s';\n");
      expect(readFileSync(join(folder, 'out/src/a.ts'), 'utf8')).toBe("export const a = 'it''s';\n");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses an untitled block that is neither run nor written, and a walk without markers', () => {
    expect(() => walkSteps('<!-- doc-walk -->\n```json\n{}\n```\n<!-- /doc-walk -->', 'x.md')).toThrow("x.md:2: a 'json' block without title");
    expect(() => walkSteps('```sh\nls\n```', 'x.md')).toThrow('no ');
  });

  it('finds the outside-plugin walk of docs/device-plugins.md: the plugin, its test, its config and a netlist', () => {
    const steps = walkSteps(readFileSync(new URL('../docs/device-plugins.md', import.meta.url), 'utf8'), 'docs/device-plugins.md');
    expect(steps.flatMap((step) => (step.kind === 'file' ? [step.path] : []))).toEqual(['src/index.ts', 'test/conformance.test.ts', 'tsconfig.json', 'xbar.config.yaml', 'demo.xbar']);
    expect(steps.filter((step) => step.kind === 'shell').map((step) => step.text).join('\n')).toMatch(/npx vitest run[\s\S]*xbar run demo\.xbar/);
  });
});
