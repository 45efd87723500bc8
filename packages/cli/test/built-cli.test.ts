import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built command, as a user runs it (`pnpm build` comes before `pnpm test`, in CI too): what only
// shows from `dist`, such as loading a TypeScript plugin without xbar's own TypeScript runner.
const root = join(import.meta.dirname, '..', '..', '..');
const main = join(root, 'packages', 'cli', 'dist', 'main.js');
const built = existsSync(main);

function xbar(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!built && !process.env.CI)('the built xbar command', () => {
  const fefet = join(root, 'examples', 'plugins', 'fefet');

  it('runs the FeFET plugin example, whose plugin is TypeScript (was: Unknown file extension ".ts")', () => {
    const run = xbar(['run', 'examples/plugins/fefet/fefet.xbar', '--format', 'json'], root);
    expect(run.stderr).not.toMatch(/error|Unknown file extension/);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { analyses: unknown[] }).analyses.length).toBeGreaterThan(0);
  });

  it('lists the plugin with the built-in models in the plugin folder (was: nothing)', () => {
    const devices = xbar(['devices', '--format', 'json'], fefet);
    expect(devices.code).toBe(0);
    const names = (JSON.parse(devices.stdout) as { name: string }[]).map((model) => model.name);
    expect(names).toEqual(expect.arrayContaining(['fefet', 'ideal', 'gaussian', 'rram', 'pcm', 'mtj']));
  });

  it('takes paths relative to the folder pnpm was started in (pnpm xbar runs in the workspace root)', () => {
    // what `pnpm xbar check fefet.xbar` run in the plugin folder passes to the root script
    const check = xbar(['check', 'fefet.xbar'], root, { npm_lifecycle_event: 'xbar', INIT_CWD: fefet });
    expect(check.stdout).toMatch(/fefet\.xbar: no errors/);
    expect(check.code).toBe(0);
  });
});
