import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runXbar } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'xbar-idx-'));
const FASHION = '/usr/share/datasets/fashion-mnist';

interface JsonResults {
  analyses: { kind: string; rows: Record<string, number>[] }[];
}

/** A netlist running the chosen images through one output of seeded random weights on an ideal 784-row array. */
function pixelSumNetlist(images: string, labels: string, first: number, count: number): string {
  return [
    '.model exact ideal (gmin=0)',
    '.array big rows=784 cols=2 model=exact dac_range=1',
    '.weights ONES random rows=784 cols=1 dist=uniform scale=1 seed=1',
    `.inputs X idx="${images}" first=${first} count=${count} gain={1/255}`,
    `.labels Y idx="${labels}" first=${first} count=${count}`,
    '.mvm array=big weights=ONES inputs=X mode=ideal',
  ].join('\n');
}

const mnist = join(root, 'examples', 'data', 'mnist');

/** Runs a netlist written into the temporary folder; data paths are relative to it (hence --allow-outside). */
async function runNetlist(name: string, text: string, ...flags: string[]) {
  const path = join(folder, name);
  writeFileSync(path, text);
  return runXbar(['run', path, '--quiet', '--allow-outside', ...flags], root);
}

describe('idx= data sources', () => {
  it('reads items [first, first + count) of the committed MNIST test set (gzip), scaled by gain', async () => {
    const text = pixelSumNetlist(relative(folder, join(mnist, 't10k-images-idx3-ubyte.gz')), relative(folder, join(mnist, 't10k-labels-idx1-ubyte.gz')), 8000, 3);
    const { code, stdout, stderr } = await runNetlist('mnist.xbar', text, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as JsonResults).analyses[0].rows;
    expect(rows).toHaveLength(3);
    // the same images decoded here: sum of pixel/255 times the (seeded) random weights is not needed;
    // it is enough that three different images give three different, finite, bounded outputs
    const outputs = rows.map((row) => Number(row.y0));
    expect(new Set(outputs).size).toBe(3);
    for (const y of outputs) expect(Math.abs(y)).toBeLessThan(784);
  });

  it('refuses items beyond the end of the file, naming it', async () => {
    const text = pixelSumNetlist(relative(folder, join(mnist, 't10k-images-idx3-ubyte.gz')), relative(folder, join(mnist, 't10k-labels-idx1-ubyte.gz')), 9999, 5);
    const { code, stderr } = await runNetlist('range.xbar', text);
    expect(code).toBe(3);
    expect(stderr).toMatch(/t10k-images-idx3-ubyte\.gz: items \[9999, 10004\) asked for, the file holds 10000/);
  });

  // Debian's dataset-fashion-mnist package (CI installs it); the same IDX format as MNIST.
  it.skipIf(!existsSync(FASHION) && !process.env.CI)("reads Fashion-MNIST from Debian's dataset-fashion-mnist package", async () => {
    const text = pixelSumNetlist(relative(folder, `${FASHION}/t10k-images-idx3-ubyte.gz`), relative(folder, `${FASHION}/t10k-labels-idx1-ubyte.gz`), 0, 4);
    const { code, stdout, stderr } = await runNetlist('fashion.xbar', text, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as JsonResults).analyses[0].rows).toHaveLength(4);
  });
});

describe('gzip-compressed IDX files are inflated no further than their header declares', () => {
  const header = (dims: number[]) => {
    const bytes = new Uint8Array(4 + 4 * dims.length);
    bytes.set([0, 0, 0x08, dims.length]);
    dims.forEach((dim, k) => new DataView(bytes.buffer).setUint32(4 + 4 * k, dim, false));
    return bytes;
  };
  const run = async (name: string, gz: Uint8Array) => {
    writeFileSync(join(folder, name), gz);
    writeFileSync(join(folder, `${name}.xbar`), `.labels Y idx="${name}"\n.model m ideal\n.array a rows=4 cols=4 model=m\n.weights W [[1] [2] [3] [4]]\n.inputs X [[1 2 3 4]]\n.accuracy net=n inputs=X labels=Y\n.network n\n.layer l weights=W array=a\n.endnetwork\n`);
    return runXbar(['run', join(folder, `${name}.xbar`)]);
  };

  it('refuses a small file that inflates to far more (a gzip bomb), without inflating it all', async () => {
    // 4 labels declared, then 64 MiB of zeros in a second gzip member: about 64 kB on disk
    const bomb = Buffer.concat([gzipSync(Buffer.concat([header([4]), Buffer.from([0, 1, 2, 3])])), gzipSync(Buffer.alloc(64 * 2 ** 20))]);
    expect(bomb.length).toBeLessThan(200_000);
    const result = await run('bomb.gz', bomb);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/bomb\.gz: inflates to more than the 12 bytes its IDX header declares/);
  });

  it('refuses a header that declares more than xbar reads before inflating', async () => {
    const result = await run('huge.gz', gzipSync(header([2 ** 16, 2 ** 16])));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/huge\.gz: its IDX header declares 4294967308 bytes, more than the 1073741824 xbar reads/);
  });
});
