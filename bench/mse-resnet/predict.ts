/**
 * Child process of mse-resnet.bench.ts: the adjoint-mode and diagonal-mode predictions of the
 * ResNet-20 setup, timed, with this process's peak resident memory (so that it is the prediction's
 * alone), printed as one JSON line.
 */
import { MseAnalyzer, idealNodeOutputs } from '@xbar/core';
import { resnetSetup } from './setup.js';

const { network, input, hardware } = resnetSetup();
const ideal = idealNodeOutputs(network, input);
const analyzer = new MseAnalyzer(hardware);
const started = performance.now();
const adjoint = analyzer.predict(input, { mode: 'adjoint', ideal });
const adjointSeconds = (performance.now() - started) / 1000;
const peakMegabytes = process.resourceUsage().maxRSS / 1024;
const diagonalStarted = performance.now();
const diagonal = analyzer.predict(input, { mode: 'diagonal', ideal });
const diagonalSeconds = (performance.now() - diagonalStarted) / 1000;
const mse = (nodes: readonly { name: string; mse: number }[]) => Object.fromEntries(nodes.map((node) => [node.name, node.mse]));
process.stdout.write(`${JSON.stringify({ adjointSeconds, diagonalSeconds, peakMegabytes, tailStart: adjoint.method.tailStart, adjoint: mse(adjoint.nodes), diagonal: mse(diagonal.nodes) })}\n`);
