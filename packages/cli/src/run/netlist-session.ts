import type { DeviceRegistry } from '@xbar/core';
import type { Design } from '@xbar/dsl';
import { pointId } from '../checkpoint/key.js';
import { loadConfigForNetlist } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';
import { loadNetlist } from '../netlist/load.js';
import { OnnxNetworkCache } from '../netlist/onnx-network.js';
import type { CliIo } from '../program.js';
import { type FileCache, RunContext } from './context.js';
import type { StepPoint } from './sweep.js';

/** What identifies a run's netlist: enough for a worker thread to check it again. Plain data. */
export interface NetlistSource {
  /** The netlist path as given, relative to `cwd`. */
  readonly file: string;
  readonly cwd: string;
  readonly allowOutside: boolean;
  /** Read the project's xbar.config.yaml and its plugins (false with `--no-config`). */
  readonly useConfig: boolean;
  /** `--seed` (or the configuration's), overriding every card's seed; undefined = the cards' own. */
  readonly seed?: number;
}

/**
 * A netlist being run: its device registry (with the plugins of its xbar.config.yaml), its design at
 * any `.step` point (checked once per point), and the data files shared by every point.
 */
export class NetlistSession {
  private readonly files: FileCache = new Map();
  private readonly designs = new Map<string, Design>();
  private readonly onnx: OnnxNetworkCache;

  private constructor(
    readonly source: NetlistSource,
    readonly registry: DeviceRegistry,
    private readonly io: CliIo,
  ) {
    this.onnx = new OnnxNetworkCache(source.cwd);
  }

  /** Loads the configuration's plugins; diagnostics go to `io.stderr`. */
  static async open(source: NetlistSource, io: CliIo): Promise<NetlistSession> {
    const registry = await loadRegistryWithPlugins(loadConfigForNetlist(source.file, source.cwd, source.useConfig));
    return new NetlistSession(source, registry, { ...io, cwd: source.cwd });
  }

  /** The design as written, printing warnings (the first check of a run); errors end the run (exit 1). */
  checkWritten(): Design {
    const design = loadNetlist(this.source.file, this.io, { allowOutside: this.source.allowOutside, registry: this.registry, onnx: this.onnx });
    this.designs.set(pointId({}), design);
    return design;
  }

  /** The design at a `.step` point (re-checked with its values, once; warnings not printed again). */
  check(point: StepPoint): Design {
    const id = pointId(point);
    let design = this.designs.get(id);
    if (!design) {
      design = loadNetlist(this.source.file, this.io, {
        allowOutside: this.source.allowOutside,
        registry: this.registry,
        onnx: this.onnx,
        printWarnings: false,
        ...(Object.keys(point).length > 0 ? { paramOverrides: point } : {}),
      });
      this.designs.set(id, design);
    }
    return design;
  }

  /** What the analyses of one point run against. */
  context(point: StepPoint): RunContext {
    return new RunContext(this.check(point), this.source.cwd, { files: this.files, onnx: this.onnx }, this.source.seed, (overrides) => this.check({ ...point, ...overrides }));
  }
}
