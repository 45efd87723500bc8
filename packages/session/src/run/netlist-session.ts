import type { DeviceRegistry } from '@xbar/core';
import type { Design } from '@xbar/dsl';
import { OnnxNetworkCache } from '../build/onnx-network.js';
import { type SessionIo, loadNetlist } from '../netlist/load.js';
import { type FileCache, RunContext } from './context.js';
import type { StepPoint } from './sweep.js';

/** What identifies a run's netlist: enough to check it again (in another thread too). Plain data. */
export interface NetlistSource {
  /** The netlist path as given, relative to `cwd`. */
  readonly file: string;
  readonly cwd: string;
  /** Let `.include` and data paths leave the netlist's folder. */
  readonly allowOutside: boolean;
  /** A seed overriding every card's seed; undefined = the cards' own. */
  readonly seed?: number;
}

/**
 * A netlist being run: checked against a device registry, its design at any `.step` point (checked
 * once per point), and the data files and ONNX models shared by every point. `source` is kept as the
 * caller gave it (the CLI's also says whether worker threads load the project's plugins).
 */
export class NetlistSession<Source extends NetlistSource = NetlistSource> {
  private readonly files: FileCache = new Map();
  private readonly designs = new Map<string, Design>();
  private readonly onnx: OnnxNetworkCache;
  private readonly io: SessionIo;

  constructor(
    readonly source: Source,
    readonly registry: DeviceRegistry,
    io: Pick<SessionIo, 'stderr'>,
  ) {
    this.onnx = new OnnxNetworkCache(source.cwd);
    this.io = { stderr: io.stderr, cwd: source.cwd };
  }

  /** The design as written, printing its warnings (the first check of a run); errors throw XbarError (netlist errors). */
  checkWritten(): Design {
    const design = loadNetlist(this.source.file, this.io, { allowOutside: this.source.allowOutside, registry: this.registry, onnx: this.onnx });
    this.designs.set(pointKey({}), design);
    return design;
  }

  /** The design at a `.step` point (re-checked with its values, once; warnings not printed again). */
  check(point: StepPoint): Design {
    const key = pointKey(point);
    let design = this.designs.get(key);
    if (!design) {
      design = loadNetlist(this.source.file, this.io, {
        allowOutside: this.source.allowOutside,
        registry: this.registry,
        onnx: this.onnx,
        printWarnings: false,
        ...(Object.keys(point).length > 0 ? { paramOverrides: point } : {}),
      });
      this.designs.set(key, design);
    }
    return design;
  }

  /** What the analyses of one point run against. */
  context(point: StepPoint): RunContext {
    return new RunContext(this.check(point), this.source.cwd, { files: this.files, onnx: this.onnx }, this.source.seed, (overrides) => this.check({ ...point, ...overrides }));
  }
}

/** The same key for the same parameter values, whatever their order. */
function pointKey(point: StepPoint): string {
  return JSON.stringify(Object.entries(point).sort(([a], [b]) => a.localeCompare(b)));
}
