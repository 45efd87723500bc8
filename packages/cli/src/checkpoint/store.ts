import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeError, usageError } from '@xbar/session';
import { writeFileAtomic } from '../io/atomic-write.js';
import { type RunIdentity, identityChange } from './key.js';

/** Name of the checkpoint file in the output folder. */
export const CHECKPOINT_FILE_NAME = 'checkpoint.json';

/** The checkpoint file's content. */
interface CheckpointContent<T> {
  readonly format: 'xbar-checkpoint';
  readonly version: 2;
  /** What the points were computed from. */
  readonly identity: RunIdentity;
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
    readonly identity: RunIdentity,
    private readonly points: Map<string, T>,
  ) {}

  /**
   * The checkpoint of the run `identity` in `outFolder`. With `resume`, the finished points of an
   * earlier run are loaded (none if there is no file); a checkpoint of another identity (a file read
   * by the run changed, or an option) is refused (usage error, naming what changed), a corrupt one is
   * a runtime error. Without `resume`, the run starts empty
   * and overwrites any earlier checkpoint at its first finished point.
   */
  static open<T>(outFolder: string, identity: RunIdentity, options: { resume: boolean }): SweepCheckpoint<T> {
    const path = join(outFolder, CHECKPOINT_FILE_NAME);
    if (!options.resume || !existsSync(path)) return new SweepCheckpoint<T>(path, identity, new Map());
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw runtimeError(`cannot resume from ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isCheckpoint<T>(content)) throw runtimeError(`cannot resume from ${path}: not an xbar checkpoint (version 2)`);
    const change = identityChange(content.identity, identity);
    if (change !== undefined) {
      throw usageError(`cannot resume from ${path}: ${change}; rerun without --resume to start over, or choose another --out folder`);
    }
    return new SweepCheckpoint<T>(path, identity, new Map(Object.entries(content.points)));
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
    const content: CheckpointContent<T> = { format: 'xbar-checkpoint', version: 2, identity: this.identity, points: Object.fromEntries(this.points) };
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

function isCheckpoint<T>(value: unknown): value is CheckpointContent<T> {
  const isObject = (x: unknown): x is object => typeof x === 'object' && x !== null;
  if (!isObject(value)) return false;
  const content = value as Partial<CheckpointContent<T>>;
  const identity = content.identity;
  return content.format === 'xbar-checkpoint' && content.version === 2 && isObject(content.points) && isObject(identity) && typeof identity.options === 'string' && isObject(identity.files);
}
