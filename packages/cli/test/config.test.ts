import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '@xbar/session';
import { runXbar } from './helpers.js';
import { findConfigFile } from '../src/config/find.js';
import { loadConfigForNetlist } from '../src/config/load.js';
import { resolveRunSettings } from '../src/config/options.js';
import { loadRegistryWithPlugins } from '../src/config/plugins.js';
import { EMPTY_CONFIG, parseConfig } from '../src/config/schema.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'xbar-config-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(relative: string, text: string): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The message and exit code of what `run` throws. */
function failure(run: () => unknown): { message: string; exitCode: unknown } {
  try {
    run();
  } catch (error) {
    return { message: (error as Error).message, exitCode: (error as { exitCode?: unknown }).exitCode };
  }
  throw new Error('expected an error');
}

describe('findConfigFile', () => {
  it('finds the nearest file upward from the netlist folder', () => {
    const top = write('proj/xbar.config.yaml', '');
    const inner = write('proj/sub/xbar.config.yaml', '');
    mkdirSync(join(root, 'proj/sub/deeper/still'), { recursive: true });
    expect(findConfigFile(join(root, 'proj/sub/deeper/still'))).toBe(inner);
    expect(findConfigFile(join(root, 'proj'))).toBe(top);
  });

  it('stops at a folder holding .git (using a config file in that folder) and finds nothing beyond', () => {
    write('xbar.config.yaml', ''); // above the repository: must not be used
    mkdirSync(join(root, 'repo/.git'), { recursive: true });
    mkdirSync(join(root, 'repo/examples'), { recursive: true });
    expect(findConfigFile(join(root, 'repo/examples'))).toBeUndefined();
    const atRepoRoot = write('repo/xbar.config.yaml', '');
    expect(findConfigFile(join(root, 'repo/examples'))).toBe(atRepoRoot);
  });

  it("stops at the user's home folder (using a config file there) without .git: a config above it is never loaded", () => {
    write('xbar.config.yaml', ''); // above home, e.g. /tmp or /home
    mkdirSync(join(root, 'home/me/Downloads/study'), { recursive: true });
    expect(findConfigFile(join(root, 'home/me/Downloads/study'), join(root, 'home/me'))).toBeUndefined();
    const atHome = write('home/me/xbar.config.yaml', '');
    expect(findConfigFile(join(root, 'home/me/Downloads/study'), join(root, 'home/me'))).toBe(atHome);
  });

  it('loadConfigForNetlist gives the empty configuration without a file, and with useConfig false (--no-config)', () => {
    write('b/xbar.config.yaml', 'defaults:\n  seed: 3\n');
    write('b/net.xbar', '.end\n');
    expect(loadConfigForNetlist('b/net.xbar', root, true).defaults.seed).toBe(3);
    expect(loadConfigForNetlist('b/net.xbar', root, false)).toBe(EMPTY_CONFIG);
    mkdirSync(join(root, '.git'));
    write('a/net.xbar', '.end\n');
    expect(loadConfigForNetlist('a/net.xbar', root, true)).toBe(EMPTY_CONFIG);
  });
});

describe('parseConfig', () => {
  it('reads defaults and plugins; a relative out is taken from the file folder', () => {
    const path = join(root, 'cfg', 'xbar.config.yaml');
    const config = parseConfig('defaults:\n  seed: 7\n  threads: 2\n  format: csv\n  out: results\nplugins:\n  - xbar-fefet\n  - ./plugins/my.js\n', path);
    expect(config.defaults).toEqual({ seed: 7, threads: 2, format: 'csv', out: join(root, 'cfg', 'results') });
    expect(config.plugins.map((p) => [p.specifier, p.where])).toEqual([
      ['xbar-fefet', `${path}:7:5`],
      ['./plugins/my.js', `${path}:8:5`],
    ]);
  });

  it('accepts an empty file and empty sections', () => {
    expect(parseConfig('', '/x/xbar.config.yaml')).toEqual({ path: '/x/xbar.config.yaml', defaults: {}, plugins: [] });
    expect(parseConfig('# nothing\ndefaults:\nplugins:\n', '/x/xbar.config.yaml').plugins).toEqual([]);
  });

  const bad: [string, string, string][] = [
    ['unknown top-level key', 'defaults:\n  seed: 1\nplugin:\n  - a\n', "c.yaml:3:1: unknown top-level key 'plugin'; expected one of: defaults, plugins"],
    ['unknown default', 'defaults:\n  sed: 1\n', "c.yaml:2:3: unknown key in defaults 'sed'; expected one of: seed, threads, format, out"],
    ['non-integer seed', 'defaults:\n  seed: 1.5\n', 'c.yaml:2:9: defaults.seed must be an integer in [0, 4294967295], got 1.5'],
    ['seed as text', 'defaults:\n  seed: "12"\n', 'c.yaml:2:9: defaults.seed must be an integer in [0, 4294967295], got "12"'],
    ['zero threads', 'defaults:\n  threads: 0\n', 'c.yaml:2:12: defaults.threads must be an integer >= 1, got 0'],
    ['unknown format', 'defaults:\n  format: xml\n', 'c.yaml:2:11: defaults.format must be one of table, json, csv, got "xml"'],
    ['plugins not a list', 'plugins: foo\n', "c.yaml:1:10: 'plugins' must be a list of package names or paths"],
    ['plugin not a string', 'plugins:\n  - 12\n', 'c.yaml:2:5: a plugin must be a package name or a path, got 12'],
    ['not a mapping', '- a\n- b\n', 'c.yaml:1:1: the configuration must be a mapping with keys defaults, plugins'],
    ['duplicate key', 'defaults:\n  seed: 1\n  seed: 2\n', 'c.yaml:3:3: Map keys must be unique'],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with file:line:column (usage error)`, () => {
      const error = failure(() => parseConfig(text, 'c.yaml'));
      expect(error.message).toBe(message);
      expect(error.exitCode).toBe(ExitCode.usage);
    });
  }

  it('reports YAML syntax errors at their line', () => {
    const error = failure(() => parseConfig('defaults:\n  seed: [1, 2\n', 'c.yaml'));
    expect(error.message).toMatch(/^c\.yaml:3:1: /);
  });
});

describe('resolveRunSettings', () => {
  const config = parseConfig('defaults:\n  seed: 7\n  format: json\n  out: from-config\n', '/proj/xbar.config.yaml');
  it('takes flags over the configuration over built-in defaults', () => {
    const settings = resolveRunSettings({ seed: 3, out: 'mine' }, config, '/work');
    expect(settings).toMatchObject({ seed: 3, format: 'json', out: '/work/mine' });
    expect(settings.threads).toBeGreaterThanOrEqual(1);
    expect(settings.sources).toEqual({ seed: 'flag', threads: 'default', format: 'config', out: 'flag' });
    expect(resolveRunSettings({}, config, '/work')).toMatchObject({ seed: 7, format: 'json', out: '/proj/from-config' });
    expect(resolveRunSettings({ threads: 1 }, EMPTY_CONFIG, '/work')).toMatchObject({ seed: undefined, threads: 1, format: 'table', out: undefined });
  });
});

describe('plugins', () => {
  /** A plugin written as plain JavaScript, with a ContainerModule-shaped export binding one model. */
  const pluginSource = (exportLine: string, name = 'tempcell') => `
const DEVICE_MODEL = Symbol.for('xbar.DeviceModel');
const model = {
  name: '${name}', summary: 'a test cell', params: [], presets: [],
  create() { throw new Error('not used'); },
};
const module = { id: 987654, load(options) { options.bind(DEVICE_MODEL).toConstantValue(model); } };
${exportLine}
`;

  it('loads a plugin by path (TypeScript, real ContainerModule) and adds its models to the CLI registry', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/fefet-plugin.ts', import.meta.url));
    const path = write('xbar.config.yaml', `plugins:\n  - ${fixture}\n`);
    const registry = await loadRegistryWithPlugins(loadConfigForNetlist(join(root, 'net.xbar'), root, true));
    expect(path).toContain(root);
    expect(registry.names()).toEqual(expect.arrayContaining(['fefet', 'gaussian', 'ideal', 'mtj', 'pcm', 'rram']));
  });

  it('loads a package by name from node_modules (exports import condition) and a default export', async () => {
    write('node_modules/@lab/xbar-cells/package.json', JSON.stringify({ name: '@lab/xbar-cells', type: 'module', exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' } } }));
    write('node_modules/@lab/xbar-cells/esm/index.js', pluginSource('export default module;'));
    write('proj/plugin.mjs', pluginSource('export const devicesModule = module;', 'othercell'));
    write('proj/xbar.config.yaml', 'plugins:\n  - "@lab/xbar-cells"\n  - ./plugin.mjs\n');
    const registry = await loadRegistryWithPlugins(loadConfigForNetlist('proj/net.xbar', root, true));
    expect(registry.has('tempcell')).toBe(true);
    expect(registry.has('othercell')).toBe(true);
  });

  it('refuses a plugin without a ContainerModule export, naming what to export', async () => {
    write('bad.mjs', pluginSource('export const somethingElse = module; export const version = 1;'));
    const path = write('xbar.config.yaml', 'plugins:\n  - ./bad.mjs\n');
    const run = loadRegistryWithPlugins(loadConfigForNetlist('net.xbar', root, true));
    await expect(run).rejects.toThrow(`${path}:2:5: plugin './bad.mjs' exports no device ContainerModule; export one as \`devicesModule\``);
    await expect(run).rejects.toMatchObject({ exitCode: ExitCode.usage });
  });

  it('refuses a missing package, a missing file, and a model name that is taken', async () => {
    write('xbar.config.yaml', 'plugins:\n  - xbar-no-such-plugin\n');
    await expect(loadRegistryWithPlugins(loadConfigForNetlist('net.xbar', root, true))).rejects.toThrow(/plugin package 'xbar-no-such-plugin' not found/);
    write('xbar.config.yaml', 'plugins:\n  - ./nope.js\n');
    await expect(loadRegistryWithPlugins(loadConfigForNetlist('net.xbar', root, true))).rejects.toThrow(/plugin file not found: .*nope\.js/);
    write('dup.mjs', pluginSource('export default module;', 'gaussian'));
    write('xbar.config.yaml', 'plugins:\n  - ./dup.mjs\n');
    await expect(loadRegistryWithPlugins(loadConfigForNetlist('net.xbar', root, true))).rejects.toThrow(
      "plugin './dup.mjs': a device model named 'gaussian' is already registered",
    );
  });
});

describe('--no-config: an untrusted folder checked and run without its plugin code', () => {
  it('run, check and devices load no plugin and no defaults with --no-config, and do without it', async () => {
    const marker = join(root, 'plugin-ran');
    // a plugin whose import leaves a mark (what untrusted code could do anything in place of)
    write('untrusted/evil.mjs', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default { id: 1, load() {} };\n`);
    write('untrusted/xbar.config.yaml', 'defaults:\n  format: json\nplugins:\n  - ./evil.mjs\n');
    write('untrusted/net.xbar', '.model m ideal\n.array a rows=2 cols=2 model=m\n.weights W [[1 0] [0 1]]\n.inputs X [[1 2]]\n.mvm array=a weights=W inputs=X mode=ideal\n');
    const folder = join(root, 'untrusted');
    for (const argv of [['run', 'net.xbar', '--quiet'], ['check', 'net.xbar'], ['devices']]) {
      const result = await runXbar([...argv, '--no-config'], folder);
      expect(result.code, argv.join(' ')).toBe(0);
      expect(existsSync(marker), argv.join(' ')).toBe(false);
      if (argv[0] === 'run') expect(result.stdout).toMatch(/^\.mvm/); // a table: defaults.format of the config not used
    }
    const trusted = await runXbar(['check', 'net.xbar'], folder);
    expect(trusted.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
