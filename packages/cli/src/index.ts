export { runCli, buildProgram, type CliIo, type CliCommand } from './program.js';
export { ExitCode, XbarError } from '@xbar/session';
export { writeFileAtomic } from './io/atomic-write.js';
export { type MseWorkload, type MseWorkloadSource, loadMseWorkload } from './commands/mse-jobs.js';
