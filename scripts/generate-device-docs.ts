/**
 * Writes docs/devices.md from the device models' declarations (atomically: temp file, then rename).
 * Run: npx tsx --conditions=@xbar/source scripts/generate-device-docs.ts
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDeviceDocs } from './device-docs.js';

const target = fileURLToPath(new URL('../docs/devices.md', import.meta.url));
const temporary = `${target}.${process.pid}.tmp`;
writeFileSync(temporary, renderDeviceDocs());
renameSync(temporary, target);
console.log(`wrote ${target}`);
