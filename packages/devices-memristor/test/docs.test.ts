import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDeviceDocs } from '../../../scripts/device-docs.js';

describe('docs/devices.md', () => {
  it('is generated from the parameter declarations and up to date', () => {
    const committed = readFileSync(new URL('../../../docs/devices.md', import.meta.url), 'utf8');
    // If this fails, run: npx tsx --conditions=@xbar/source scripts/generate-device-docs.ts
    expect(committed).toBe(renderDeviceDocs());
  });

  it('lists every model and preset with units and sources', () => {
    const text = renderDeviceDocs();
    for (const name of ['ideal', 'gaussian', 'rram', 'pcm', 'mtj']) expect(text).toContain(`## \`${name}\``);
    for (const preset of ['aihwkit', 'milo2021', 'wan2022', 'chen2015', 'four-state-series']) expect(text).toContain(`| \`${preset}\` |`);
    expect(text).toContain('| `gmax` | S | 0.000025 |');
  });
});
