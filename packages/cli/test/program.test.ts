import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XBAR_VERSION } from '../src/version.js';
import { runXbar } from './helpers.js';

describe('xbar program', () => {
  it('prints its version, equal to the package version', async () => {
    const { code, stdout } = await runXbar(['--version']);
    expect(code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
    expect(XBAR_VERSION).toBe(pkg.version);
  });

  it('exits 2 on an unknown command, with a message and no stack trace', async () => {
    const { code, stderr } = await runXbar(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
