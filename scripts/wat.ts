import wabtModule from 'wabt';

/** WebAssembly text (with SIMD) to its binary, by wabt. */
export async function compileWat(text: string): Promise<Uint8Array> {
  const wabt = await wabtModule();
  const parsed = wabt.parseWat('module.wat', text, { simd: true });
  try {
    return Uint8Array.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}
