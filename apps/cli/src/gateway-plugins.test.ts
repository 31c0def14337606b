// Loading channel plugins from `plugins`: real files in a temp dir, imported for real.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OpenClawConfig } from '@openclaw/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadChannelPlugins } from './commands/gateway-plugins.ts';
import type { LoadedPlugins, PluginLoadOptions } from './commands/gateway-plugins.ts';

type PluginsConfig = OpenClawConfig['plugins'];
let root: string;
let options: PluginLoadOptions;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'oc-plugins-'));
  options = { configDir: join(root, 'config'), stateDir: join(root, 'state'), reservedIds: ['telegram'], importTimeoutMs: 2_000 };
  mkdirSync(options.configDir);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes `text` at `path` under the temp root (directories made as needed); returns the absolute path. */
function file(path: string, text: string): string {
  const absolute = join(root, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, text);
  return absolute;
}

const pluginSource = (id: string, exportAs = 'export default') => `${exportAs} { id: ${JSON.stringify(id)}, create: () => ({ start: async () => {}, stop: async () => {}, send: async () => ({ messageIds: [] }) }) };\n`;
const load = (config: Partial<PluginsConfig>): Promise<LoadedPlugins> => loadChannelPlugins({ enabled: true, ...config }, options);
const ids = (loaded: LoadedPlugins) => loaded.plugins.map((p) => p.plugin.id);

describe('loadChannelPlugins', () => {
  it('loads files (relative to the config dir or absolute) and directories by their package entry point', async () => {
    file('config/plugins/one.mjs', pluginSource('one'));
    const two = file('elsewhere/two.js', pluginSource('two', 'export const plugin ='));
    file('dirs/three/package.json', JSON.stringify({ type: 'module', exports: { '.': { types: './x.d.ts', '@openclaw/source': './src/x.ts', import: './dist/three.js' } } }));
    file('dirs/three/dist/three.js', pluginSource('three'));
    file('dirs/four/package.json', JSON.stringify({ type: 'module', main: 'lib/main.js' }));
    file('dirs/four/lib/main.js', pluginSource('four'));
    file('dirs/five/index.mjs', pluginSource('five'));
    const loaded = await load({ load: { paths: ['plugins/one.mjs', two, '../dirs/three', join(root, 'dirs/four'), join(root, 'dirs/five')] } });
    expect(loaded.warnings).toEqual([]);
    expect(ids(loaded)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(loaded.plugins[2]).toMatchObject({ file: join(root, 'dirs/three/dist/three.js'), where: 'plugins.load.paths[2]' });
  });

  it('loads packages named in plugins.entries from <stateDir>/extensions/node_modules, then node_modules from the config dir up', async () => {
    file('state/extensions/node_modules/@acme/sms/package.json', JSON.stringify({ name: '@acme/sms', type: 'module', exports: './index.js' }));
    file('state/extensions/node_modules/@acme/sms/index.js', pluginSource('sms'));
    file('node_modules/openclaw-fax/package.json', JSON.stringify({ name: 'openclaw-fax', type: 'module' }));
    file('node_modules/openclaw-fax/index.js', pluginSource('fax'));
    const loaded = await load({ entries: { '@acme/sms': {}, 'openclaw-fax': { enabled: true }, 'openclaw-off': { enabled: false } } });
    expect(loaded.warnings).toEqual([]);
    expect(ids(loaded)).toEqual(['sms', 'fax']);
    expect(loaded.plugins[0]?.where).toBe('plugins.entries["@acme/sms"]');
  });

  it('warns about each broken plugin, naming the entry, the problem and the fix, and loads the rest', async () => {
    file('p/good.mjs', pluginSource('good'));
    file('p/throws.mjs', "throw new Error('exploded while loading');\n");
    file('p/nothing.mjs', 'export default 42;\n');
    file('p/missing-dep.mjs', "import '@openclaw/gateway-core';\nexport default {};\n");
    file('p/empty-dir/readme.txt', '');
    file('p/unbuilt/package.json', JSON.stringify({ exports: './dist/index.js' }));
    file('p/hangs.mjs', 'await new Promise(() => {});\n');
    const paths = ['../p/good.mjs', '../p/throws.mjs', '../p/nothing.mjs', '../p/missing-dep.mjs', '../p/empty-dir', '../p/unbuilt', '../p/nope.mjs', '../p/hangs.mjs'];
    options.importTimeoutMs = 300;
    const loaded = await load({ load: { paths }, entries: { 'not-installed': {} } });
    expect(ids(loaded)).toEqual(['good']);
    const at = (i: number) => loaded.warnings.find((w) => w.path === `plugins.load.paths[${i}]`);
    expect(at(1)).toMatchObject({ message: `${join(root, 'p/throws.mjs')} could not be imported: exploded while loading`, hint: expect.stringContaining('fix the error') });
    expect(at(2)).toMatchObject({ message: expect.stringContaining('exports no channel plugin'), hint: expect.stringContaining('create()') });
    expect(at(3)).toMatchObject({ message: expect.stringContaining("'@openclaw/gateway-core'"), hint: expect.stringContaining('peer dependency') });
    expect(at(4)).toMatchObject({ message: `${join(root, 'p/empty-dir')} has no entry point` });
    expect(at(5)).toMatchObject({ message: expect.stringContaining('dist/index.js as its entry point, which does not exist'), hint: expect.stringContaining('build') });
    expect(at(6)).toMatchObject({ message: `${join(root, 'p/nope.mjs')} does not exist`, hint: expect.stringContaining("config file's directory") });
    expect(at(7)).toMatchObject({ message: expect.stringContaining('took longer than 300 ms to import') });
    expect(loaded.warnings.find((w) => w.path === 'plugins.entries.not-installed')).toMatchObject({
      message: expect.stringContaining('package "not-installed" is not installed'),
      hint: expect.stringContaining(`npm install --prefix ${join(root, 'state', 'extensions')} not-installed`),
    });
    expect(loaded.warnings).toHaveLength(8);
  });

  it('applies enabled, allow and deny, and refuses built-in and duplicate ids', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'telegram']) file(`p/${id}.mjs`, pluginSource(id));
    file('p/a-again.mjs', pluginSource('a'));
    const paths = ['a', 'b', 'c', 'd', 'telegram', 'a-again'].map((name) => join(root, `p/${name}.mjs`));
    const loaded = await load({ load: { paths }, allow: ['a', 'b', 'd', 'telegram'], deny: ['b'], entries: { d: { enabled: false }, a: { config: { x: 1 } } } });
    expect(ids(loaded)).toEqual(['a']);
    expect(loaded.warnings.map((w) => `${w.path}: ${w.message.replace(`${root}/p/`, '')}`)).toEqual([
      'plugins.load.paths[0]: a.mjs: plugins.entries.a.config is ignored: a channel plugin\'s settings live at channels.a',
      'plugins.load.paths[2]: c.mjs: plugin "c" is not in plugins.allow, so it was not loaded',
      'plugins.load.paths[4]: telegram.mjs: plugin id "telegram" is a built-in channel\'s',
      `plugins.load.paths[5]: a-again.mjs: plugin id "a" is taken by ${root}/p/a.mjs (plugins.load.paths[0])`,
    ]);
  });

  it('loads nothing when plugins.enabled is false', async () => {
    file('p/a.mjs', pluginSource('a'));
    expect(await load({ enabled: false, load: { paths: [join(root, 'p/a.mjs')] } })).toEqual({ plugins: [], warnings: [] });
  });
});
