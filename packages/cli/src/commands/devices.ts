import { type Command, Option } from 'commander';
import type { DeviceModel, ParamSpec } from '@xbar/core';
import { nearestMatch } from '@xbar/dsl';
import { usageError } from '@xbar/session';
import type { CliCommand, CliIo } from '../program.js';
import { NO_CONFIG_HELP, loadProjectConfig } from '../config/load.js';
import { loadRegistryWithPlugins } from '../config/plugins.js';

/** One model as `xbar devices --format json` prints it (a stable contract for scripts). */
interface DeviceDescription {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly {
    readonly name: string;
    readonly unit: string;
    readonly default: number;
    readonly min: number;
    readonly max: number;
    readonly integer: boolean;
    readonly doc: string;
    readonly source: string | null;
  }[];
  readonly presets: readonly { readonly name: string; readonly doc: string; readonly source: string; readonly values: Readonly<Record<string, number>> }[];
}

function describeModel(model: DeviceModel): DeviceDescription {
  return {
    name: model.name,
    summary: model.summary,
    params: model.params.map((spec: ParamSpec) => ({
      name: spec.name,
      unit: spec.unit,
      default: spec.default,
      min: spec.min,
      max: spec.max,
      integer: spec.integer ?? false,
      doc: spec.doc,
      source: spec.source ?? null,
    })),
    presets: model.presets.map((preset) => ({ name: preset.name, doc: preset.doc, source: preset.source, values: preset.values })),
  };
}

function renderText(models: readonly DeviceDescription[], detailed: boolean): string {
  if (!detailed) {
    const width = Math.max(...models.map((m) => m.name.length));
    return models.map((m) => `${m.name.padEnd(width)}  ${m.summary}${m.presets.length ? ` (presets: ${m.presets.map((p) => p.name).join(', ')})` : ''}`).join('\n') + '\n';
  }
  return models
    .map((m) => {
      const rows = m.params.map((p) => [p.name, p.unit, String(p.default), `[${p.min}, ${p.max}]${p.integer ? ' integer' : ''}`, p.doc]);
      const header = ['parameter', 'unit', 'default', 'range', 'description'];
      const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
      const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
      const presets = m.presets.map((p) => `  ${p.name}: ${p.doc} [${p.source}] ${Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      return [`${m.name}: ${m.summary}`, '', line(header), ...rows.map(line), ...(presets.length ? ['', 'presets:', ...presets] : [])].join('\n');
    })
    .join('\n\n') + '\n';
}

/**
 * `xbar devices [NAME] [--format text|json]`: the registered device models, built in and from the
 * plugins of the nearest xbar.config.yaml (from the current folder upwards).
 */
export const devicesCommand: CliCommand = {
  register(program: Command, io: CliIo) {
    program
      .command('devices')
      .description('list the registered device models and presets with their parameters, units, defaults and ranges')
      .argument('[name]', 'show one model in detail')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--no-config', NO_CONFIG_HELP)
      .action(async (name: string | undefined, options: { format: 'text' | 'json'; config: boolean }) => {
        // a plugin that fails to load is named on stderr; the others and the built-in models are still listed
        const registry = await loadRegistryWithPlugins(loadProjectConfig(io.cwd, options.config), (error) =>
          io.stderr(`xbar: warning: ${error.message}; its models are not listed\n`),
        );
        if (name !== undefined && !registry.has(name)) {
          const nearest = nearestMatch(name, registry.names());
          throw usageError(`unknown device model '${name}'${nearest ? `; did you mean '${nearest}'?` : ''}; registered models: ${registry.names().join(', ')}`);
        }
        const models = (name === undefined ? registry.list() : [registry.get(name)]).map(describeModel);
        io.stdout(options.format === 'json' ? `${JSON.stringify(models, null, 2)}\n` : renderText(models, name !== undefined));
      });
  },
};
