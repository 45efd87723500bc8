import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeSourceHost, checkNetlistFile } from '@xbar/dsl';
import { ExitCode, loadDefaultRegistry, silentProgress, XbarError } from '@xbar/session';
import { readRunFiles } from '../src/checkpoint/run-files.js';
import { readConfigFile } from '../src/config/load.js';
import { INTERRUPTED_EXIT_CODE, InterruptGuard } from '../src/checkpoint/interrupt.js';
import { type FileContent, canonicalJson, identityChange, pointId, runIdentity } from '../src/checkpoint/key.js';
import { CHECKPOINT_FILE_NAME, SweepCheckpoint } from '../src/checkpoint/store.js';
import { pointByPoint, runSweepPoints } from '../src/checkpoint/sweep.js';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'xbar-checkpoint-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const NETLIST = '.param g=1\n.step g list 1 2 3\n.end\n';
const runKey = (netlist: string, options: Record<string, unknown>) => runIdentity(options, new Map([['net.xbar', netlist]]));

describe('keys', () => {
  it('are independent of key order and change with the netlist or options', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(runKey(NETLIST, { seed: 1, only: 'a' })).toEqual(runKey(NETLIST, { only: 'a', seed: 1 }));
    expect(identityChange(runKey(NETLIST, { seed: 1 }), runKey(NETLIST, { seed: 2 }))).toBe('it was written with other options (seed, --allow-outside or plugins)');
    expect(identityChange(runKey(NETLIST, { seed: 1 }), runKey(`${NETLIST} `, { seed: 1 }))).toBe('net.xbar changed since it was written');
    const withData = runIdentity({}, new Map<string, FileContent>([['net.xbar', NETLIST], ['x.npy', Uint8Array.of(1, 2)]]));
    expect(identityChange(withData, runKey(NETLIST, {}))).toBe('x.npy was read by the run that wrote it and is not read now');
    expect(identityChange(runKey(NETLIST, {}), withData)).toBe('x.npy was not read by the run that wrote it');
    expect(identityChange(withData, runIdentity({}, new Map<string, FileContent>([['net.xbar', NETLIST], ['x.npy', undefined]])))).toBe('x.npy changed since it was written');
    expect(pointId({ g: 2, bits: 4 })).toBe('{"bits":4,"g":2}');
  });
});

describe('the files of a run', () => {
  it('are the netlist, its includes, its data files, the configuration file and the plugins, by the names the user knows', () => {
    mkdirSync(join(out, 'plugins'));
    writeFileSync(join(out, 'net.xbar'), '.include "models.inc"\n.weights W npy="w.npy"\n.inputs X idx="x.idx"\n.labels Y [0]\n');
    writeFileSync(join(out, 'models.inc'), '.model m ideal\n');
    writeFileSync(join(out, 'w.npy'), 'weights');
    writeFileSync(join(out, 'x.idx'), 'inputs');
    writeFileSync(join(out, 'plugins', 'dev.js'), 'export default {}');
    writeFileSync(join(out, 'xbar.config.yaml'), 'plugins:\n  - ./plugins/dev.js\n');
    const { design } = checkNetlistFile('net.xbar', { registry: loadDefaultRegistry(), host: new NodeSourceHost(out) });
    const files = readRunFiles(design, readConfigFile(join(out, 'xbar.config.yaml')), out);
    expect([...files.keys()]).toEqual(['net.xbar', 'models.inc', 'w.npy', 'x.idx', 'xbar.config.yaml', join('plugins', 'dev.js')]);
    expect(Buffer.from(files.get('w.npy')!).toString()).toBe('weights');
  });
});

describe('SweepCheckpoint', () => {
  const key = runKey(NETLIST, { seed: 1 });

  it('records points atomically and resumes them; no temporary files remain', () => {
    const first = SweepCheckpoint.open<number>(out, key, { resume: false });
    first.record('a', 1);
    first.record('b', 4);
    expect(readdirSync(out)).toEqual([CHECKPOINT_FILE_NAME]);
    const again = SweepCheckpoint.open<number>(out, key, { resume: true });
    expect([again.size, again.get('a'), again.get('b'), again.has('c')]).toEqual([2, 1, 4, false]);
    again.remove();
    expect(existsSync(join(out, CHECKPOINT_FILE_NAME))).toBe(false);
  });

  it('starts empty without --resume, and with --resume when there is no file', () => {
    SweepCheckpoint.open<number>(out, key, { resume: false }).record('a', 1);
    expect(SweepCheckpoint.open<number>(out, key, { resume: false }).size).toBe(0);
    expect(SweepCheckpoint.open<number>(join(out, 'empty'), key, { resume: true }).size).toBe(0);
  });

  it('refuses to resume a checkpoint of another netlist (usage error) or a corrupt file (runtime error)', () => {
    SweepCheckpoint.open<number>(out, key, { resume: false }).record('a', 1);
    const otherKey = runKey('.end\n', { seed: 1 });
    expect(() => SweepCheckpoint.open(out, otherKey, { resume: true })).toThrow(/cannot resume from .*checkpoint\.json: net\.xbar changed since it was written; rerun without --resume/);
    try {
      SweepCheckpoint.open(out, otherKey, { resume: true });
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(ExitCode.usage);
    }
    writeFileSync(join(out, CHECKPOINT_FILE_NAME), '{"points": ');
    expect(() => SweepCheckpoint.open(out, key, { resume: true })).toThrow(/cannot resume from .*checkpoint\.json/);
  });
});

describe('runSweepPoints with a fake Ctrl-C', () => {
  it('finishes the current point, saves it, ends with exit code 130 and a message; --resume runs only the rest', async () => {
    const key = runKey(NETLIST, {});
    const signals = new EventEmitter();
    const messages: string[] = [];
    const exits: number[] = [];
    const ran: number[] = [];
    const points = [10, 20, 30, 40];
    const sweep = (resume: boolean) => {
      const guard = new InterruptGuard({ write: (text) => messages.push(text), exit: (code) => exits.push(code), signals });
      return runSweepPoints({
        points,
        idOf: (g) => pointId({ g }),
        runPending: pointByPoint(points, (g, index) => {
          ran.push(g);
          if (!resume && index === 1) signals.emit('SIGINT'); // Ctrl-C while point 2 runs
          return g / 10;
        }),
        checkpoint: SweepCheckpoint.open<number>(out, key, { resume }),
        guard,
        progress: silentProgress,
        label: 'points',
      });
    };
    const error: unknown = await sweep(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XbarError);
    expect((error as XbarError).exitCode).toBe(INTERRUPTED_EXIT_CODE);
    expect((error as XbarError).message).toMatch(/^interrupted; 2 of 4 points saved in .*checkpoint\.json; rerun with --resume to continue$/);
    expect(ran).toEqual([10, 20]);
    expect(exits).toEqual([]);
    expect(messages.join('')).toMatch(/finishing the current point/);
    expect(signals.listenerCount('SIGINT')).toBe(0);

    expect(await sweep(true)).toEqual([1, 2, 3, 4]);
    expect(ran).toEqual([10, 20, 30, 40]);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a second Ctrl-C exits at once', () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const guard = new InterruptGuard({ write: () => {}, exit: (code) => exits.push(code), signals });
    signals.emit('SIGINT');
    expect([guard.interrupted, exits.length]).toEqual([true, 0]);
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
  });
});

describe('a real SIGINT', () => {
  it('stops a sweep process with exit code 130, keeps finished points, and --resume completes it', async () => {
    const script = fileURLToPath(new URL('./fixtures/sweep-script.ts', import.meta.url));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const run = (args: string[], interruptAfterPoint?: number) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--conditions=@xbar/source', '--import', tsx, script, out, ...args]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (interruptAfterPoint !== undefined && stdout.includes(`point ${interruptAfterPoint}\n`)) child.kill('SIGINT');
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const first = await run([], 3);
    expect(first.stderr).toContain('finishing the current point');
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/interrupted; 3 of 6 points saved in .*checkpoint\.json; rerun with --resume to continue/);
    const saved = JSON.parse(readFileSync(join(out, CHECKPOINT_FILE_NAME), 'utf8')) as { points: Record<string, unknown> };
    expect(Object.keys(saved.points)).toEqual(['{"g":1}', '{"g":2}', '{"g":3}']);

    const second = await run(['--resume']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('point 4\npoint 5\npoint 6\nresults [{"square":1},{"square":4},{"square":9},{"square":16},{"square":25},{"square":36}]\n');
  });
});
