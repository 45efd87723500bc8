import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

describe('xbar devices', () => {
  it('prints every registered model as JSON objects with name and params', async () => {
    const { code, stdout } = await runXbar(['devices', '--format', 'json']);
    expect(code).toBe(0);
    const models = JSON.parse(stdout) as { name: string; params: { name: string; unit: string; default: number; min: number; max: number }[] }[];
    const names = models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['ideal', 'gaussian', 'rram', 'pcm', 'mtj']));
    const gaussian = models.find((m) => m.name === 'gaussian')!;
    expect(gaussian.params.find((p) => p.name === 'sigma_prog')).toMatchObject({ unit: 'S', default: 0, min: 0 });
  });

  it('shows one model in detail as a table', async () => {
    const { code, stdout } = await runXbar(['devices', 'gaussian']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sigma_read\s+S\s+0\s+\[0, 1\]/);
    expect(stdout).toMatch(/presets:\n {2}memse:/);
  });

  it('exits 2 and lists the known models for an unknown name', async () => {
    const { code, stderr } = await runXbar(['devices', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown device model 'nope'; registered models: .*gaussian/);
  });

  it("suggests the nearest model name (xbar devices rrm)", async () => {
    const { code, stderr } = await runXbar(['devices', 'rrm']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown device model 'rrm'; did you mean 'rram'\?; registered models: /);
  });

  it('lists the built-in models, and names the failing plugin, when a plugin does not load', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'xbar-devices-'));
    writeFileSync(join(folder, 'xbar.config.yaml'), 'plugins:\n  - ./missing.js\n');
    const { code, stdout, stderr } = await runXbar(['devices', '--format', 'json'], folder);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { name: string }[]).map((model) => model.name)).toEqual(expect.arrayContaining(['ideal', 'gaussian', 'rram']));
    expect(stderr).toMatch(/warning: .*xbar.config.yaml:2:\d+: plugin file not found: .*missing\.js; its models are not listed/);
  });
});
