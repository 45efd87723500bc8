import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROW_PRODUCTS_WASM_BASE64 } from '../packages/core/src/math/row-products-wasm.js';
import { compileWat } from './wat.js';

describe('pnpm wasm', () => {
  it('the committed WebAssembly of rowProducts is the compile of row-products.wat (run pnpm wasm after editing it)', async () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'packages', 'core', 'src', 'math', 'row-products.wat'), 'utf8');
    expect(Buffer.from(await compileWat(text)).toString('base64')).toBe(ROW_PRODUCTS_WASM_BASE64);
  });
});
