/** Messages between the pool (parent thread) and its workers. */

/** Run one job: call `exportName` of `moduleUrl` with `args`. */
export interface JobRequest {
  /** Index of the job in its batch; echoed in the reply. */
  readonly index: number;
  /** file: URL of the job module. */
  readonly moduleUrl: string;
  /** Name of the exported job function. */
  readonly exportName: string;
  readonly args: unknown;
}

/** The outcome of one job: its result, or the message (and stack) of what it threw. */
export type JobReply =
  | { readonly index: number; readonly ok: true; readonly result: unknown }
  | { readonly index: number; readonly ok: false; readonly message: string; readonly stack: string | undefined };
