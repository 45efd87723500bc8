import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeError, usageError } from '../exit-codes.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** Name of the checkpoint file in the output folder. */
export const CHECKPOINT_FILE_NAME = 'checkpoint.json';

/** The checkpoint file's content. */
interface CheckpointContent<T> {
  readonly format: 'xbar-checkpoint';
  readonly version: 1;
  /** `runKey` of the netlist text and options. */
  readonly key: string;
  /** Result of every finished point, by point id. */
  readonly points: Record<string, T>;
}

/**
 * The finished points of a sweep, kept in `<out>/checkpoint.json`. Each `record` rewrites the file
 * atomically (temporary file, then rename), so an interrupted run leaves either the previous or the
 * new checkpoint, never a torn one. Results must be JSON values.
 */
export class SweepCheckpoint<T> {
  private constructor(
    /** Absolute path of checkpoint.json. */
    readonly path: string,
    readonly key: string,
    private readonly points: Map<string, T>,
  ) {}

  /**
   * The checkpoint of the run `key` in `outFolder`. With `resume`, the finished points of an earlier
   * run are loaded (none if there is no file); a checkpoint of another netlist or other options is
   * refused (usage error), a corrupt one is a runtime error. Without `resume`, the run starts empty
   * and overwrites any earlier checkpoint at its first finished point.
   */
  static open<T>(outFolder: string, key: string, options: { resume: boolean }): SweepCheckpoint<T> {
    const path = join(outFolder, CHECKPOINT_FILE_NAME);
    if (!options.resume || !existsSync(path)) return new SweepCheckpoint<T>(path, key, new Map());
    let content: CheckpointContent<T>;
    try {
      content = JSON.parse(readFileSync(path, 'utf8')) as CheckpointContent<T>;
    } catch (error) {
      throw runtimeError(`cannot resume from ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (content?.format !== 'xbar-checkpoint' || content.version !== 1 || typeof content.points !== 'object' || content.points === null) {
      throw runtimeError(`cannot resume from ${path}: not an xbar checkpoint (version 1)`);
    }
    if (content.key !== key) {
      throw usageError(
        `cannot resume: ${path} was written for a different netlist or different options; ` +
          'rerun without --resume to start over, or choose another --out folder',
      );
    }
    return new SweepCheckpoint<T>(path, key, new Map(Object.entries(content.points)));
  }

  /** Number of finished points. */
  get size(): number {
    return this.points.size;
  }

  has(pointId: string): boolean {
    return this.points.has(pointId);
  }

  /** The result of a finished point. */
  get(pointId: string): T | undefined {
    return this.points.get(pointId);
  }

  /** Adds a finished point and writes the checkpoint file atomically. */
  record(pointId: string, result: T): void {
    this.points.set(pointId, result);
    const content: CheckpointContent<T> = { format: 'xbar-checkpoint', version: 1, key: this.key, points: Object.fromEntries(this.points) };
    try {
      writeFileAtomic(this.path, `${JSON.stringify(content)}\n`);
    } catch (error) {
      throw runtimeError(`cannot write the checkpoint ${this.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Deletes the checkpoint file (after the run's outputs are written). */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}
