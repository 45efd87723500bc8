export { runCli, buildProgram, type CliIo, type CliCommand } from './program.js';
export { ExitCode, CliError } from './exit-codes.js';
export { writeFileAtomic } from './io/atomic-write.js';
