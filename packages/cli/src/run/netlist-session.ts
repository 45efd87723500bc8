import { NetlistSession, type NetlistSource } from '@xbar/session';
import { loadConfigForNetlist } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';
import type { CliIo } from '../program.js';

/** A netlist run by the CLI: also whether the project's xbar.config.yaml and its plugins are read (false with `--no-config`). */
export interface RunSource extends NetlistSource {
  readonly useConfig: boolean;
}

/** A session on the netlist with the device registry of its project (built-in models and the plugins of its xbar.config.yaml). */
export async function openNetlistSession(source: RunSource, io: CliIo): Promise<NetlistSession<RunSource>> {
  const registry = await loadRegistryWithPlugins(loadConfigForNetlist(source.file, source.cwd, source.useConfig));
  return new NetlistSession(source, registry, io);
}
