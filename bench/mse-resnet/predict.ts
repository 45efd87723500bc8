/**
 * Child process of mse-resnet.bench.ts: `xbar mse` on the ResNet-20 files (its flags as JSON in
 * argv[2]), in adjoint mode on every CPU, then on one thread, then in diagonal mode on one thread,
 * with this process's peak resident memory after the first (so that it is the prediction's alone,
 * its worker threads included), printed as one JSON line.
 */
import { availableParallelism } from 'node:os';
import { runCli } from '@xbar/cli';
import type { MseWorkloadSource } from '@xbar/cli';

interface MseJson {
  readonly method: { readonly tail_start: string | null };
  readonly layers: readonly { readonly name: string; readonly predicted_mse: number }[];
  readonly timing: { readonly predicted_s: number };
}

const source = JSON.parse(process.argv[2]) as MseWorkloadSource;

async function mse(mode: string, threads: number): Promise<MseJson> {
  let stdout = '';
  let stderr = '';
  const argv = ['mse', '--model', source.model!, '--netlist', source.netlist!, '--input', source.input, '--mode', mode, '--threads', String(threads), '--format', 'json', '--quiet', '--no-config'];
  const code = await runCli(argv, { cwd: source.cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  if (code !== 0) throw new Error(`xbar ${argv.join(' ')} exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as MseJson;
}

const threads = availableParallelism();
const adjoint = await mse('adjoint', threads);
const peakMegabytes = process.resourceUsage().maxRSS / 1024;
const oneThread = await mse('adjoint', 1);
const diagonal = await mse('diagonal', 1);
const byNode = (report: MseJson) => Object.fromEntries(report.layers.map((node) => [node.name, node.predicted_mse]));
process.stdout.write(
  `${JSON.stringify({
    threads,
    adjointSeconds: adjoint.timing.predicted_s,
    adjointOneThreadSeconds: oneThread.timing.predicted_s,
    diagonalSeconds: diagonal.timing.predicted_s,
    peakMegabytes,
    tailStart: adjoint.method.tail_start,
    adjoint: byNode(adjoint),
    sameBits: JSON.stringify(byNode(adjoint)) === JSON.stringify(byNode(oneThread)),
    diagonal: byNode(diagonal),
  })}\n`,
);
