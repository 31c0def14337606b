// Channel plugins from outside the CLI: the files, directories and packages named in
// `plugins`, loaded with import(). Every problem is a warning naming the config entry, what
// went wrong and the fix; a plugin that cannot be loaded is left out and the others carry on.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expandHome, formatConfigPath } from '@openclaw/config';
import type { OpenClawConfig } from '@openclaw/config';
import type { ChannelPlugin } from '@openclaw/gateway-core';

type PluginsConfig = OpenClawConfig['plugins'];

/** A problem for the operator: the config entry it is about, what went wrong, and the fix. */
export interface PluginWarning {
  path: string;
  message: string;
  hint?: string;
}

/** A channel plugin found through `plugins`. */
export interface ExternalPlugin {
  plugin: ChannelPlugin;
  /** The file it was imported from. */
  file: string;
  /** The config entry that named it (`plugins.load.paths[0]`, `plugins.entries["@acme/sms"]`). */
  where: string;
}

/** Options of {@link loadChannelPlugins}. */
export interface PluginLoadOptions {
  /** Relative paths in `plugins.load.paths` are resolved from here (the config file's directory). */
  configDir: string;
  /** Packages are looked up in `<stateDir>/extensions/node_modules` first. */
  stateDir: string;
  /** Ids no plugin may take: the built-in channels. */
  reservedIds: readonly string[];
  /** A module whose import takes longer is given up on (default {@link PLUGIN_LOAD_DEFAULTS}). */
  importTimeoutMs?: number;
}

/** Defaults of {@link PluginLoadOptions}. */
export const PLUGIN_LOAD_DEFAULTS = Object.freeze({ importTimeoutMs: 10_000 });

/** What {@link loadChannelPlugins} found. */
export interface LoadedPlugins {
  plugins: ExternalPlugin[];
  warnings: PluginWarning[];
}

/** Conditions of an `exports` map this loader follows, as Node's `import` does. */
const CONDITIONS = new Set(['node', 'import', 'default']);
/** An npm package name (scoped or not). */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

class LoadProblem extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/**
 * Loads the channel plugins `plugins` names: each file or directory of `plugins.load.paths`
 * (absolute, `~/…`, or relative to the config file), then each key of `plugins.entries` that
 * is no loaded plugin's id, as an installed package. A module's default export (or its
 * `plugin` export) must be a channel plugin. `plugins.enabled: false`, `deny`, `allow` and
 * `entries.<id>.enabled: false` leave plugins out. Never throws.
 */
export async function loadChannelPlugins(config: PluginsConfig | undefined, options: PluginLoadOptions): Promise<LoadedPlugins> {
  const warnings: PluginWarning[] = [];
  const found: ExternalPlugin[] = [];
  if (!config || config.enabled === false) return { plugins: found, warnings };
  const timeoutMs = options.importTimeoutMs ?? PLUGIN_LOAD_DEFAULTS.importTimeoutMs;
  const entries = config.entries ?? {};
  /** Imports what `locate` finds; `subject` (the path or package name) starts every warning about it. */
  const attempt = async (where: string, subject: string, locate: () => string): Promise<void> => {
    try {
      const file = locate();
      found.push({ plugin: await importPlugin(file, timeoutMs), file, where });
    } catch (error) {
      warnings.push(toWarning(where, subject, error));
    }
  };

  for (const [index, path] of (config.load?.paths ?? []).entries()) {
    const absolute = absolutePath(path, options.configDir);
    await attempt(formatConfigPath(['plugins', 'load', 'paths', index]), absolute, () => entryOfPath(absolute));
  }
  for (const [key, entry] of Object.entries(entries)) {
    const skip = entry.enabled === false || config.deny?.includes(key) || options.reservedIds.includes(key) || found.some((f) => f.plugin.id === key);
    if (!skip) await attempt(formatConfigPath(['plugins', 'entries', key]), `package "${key}"`, () => entryOfPackage(key, options));
  }

  const plugins: ExternalPlugin[] = [];
  for (const candidate of found) {
    const { id } = candidate.plugin;
    const setting = entries[id];
    if (config.deny?.includes(id) || setting?.enabled === false) continue;
    const warn = (message: string, hint: string) => warnings.push({ path: candidate.where, message: `${candidate.file}: ${message}`, hint });
    if (config.allow && !config.allow.includes(id)) {
      warn(`plugin "${id}" is not in plugins.allow, so it was not loaded`, `add "${id}" to plugins.allow, or remove ${candidate.where}`);
    } else if (options.reservedIds.includes(id)) {
      warn(`plugin id "${id}" is a built-in channel's`, `give the plugin another id, or remove ${candidate.where}`);
    } else if (plugins.some((p) => p.plugin.id === id)) {
      const first = plugins.find((p) => p.plugin.id === id)!;
      warn(`plugin id "${id}" is taken by ${first.file} (${first.where})`, `load only one of them, or give one another id`);
    } else {
      if (setting?.config !== undefined) {
        warn(`plugins.entries.${id}.config is ignored: a channel plugin's settings live at channels.${id}`, `move them to channels.${id}`);
      }
      plugins.push(candidate);
    }
  }
  return { plugins, warnings };
}

function absolutePath(path: string, configDir: string): string {
  const expanded = expandHome(path.trim());
  return isAbsolute(expanded) ? expanded : resolve(configDir, expanded);
}

/** The module to import for a path: the file itself, or a directory's package entry point. */
function entryOfPath(path: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new LoadProblem('does not exist', "fix the path (a relative path starts at the config file's directory), or remove it");
  }
  return isDirectory ? entryOfDirectory(path) : path;
}

/** A directory's entry: its package.json `exports` (`.`, conditions node/import/default) or `main`, else index.js / index.mjs. */
function entryOfDirectory(dir: string): string {
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    let pkg: { exports?: unknown; main?: unknown };
    try {
      pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: unknown };
    } catch (error) {
      throw new LoadProblem(`has a package.json that is not valid JSON (${error instanceof Error ? error.message : String(error)})`, `fix ${manifest}`);
    }
    const target = exportsTarget(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : undefined);
    if (target !== undefined) {
      const file = resolve(dir, target);
      if (!existsSync(file)) throw new LoadProblem(`names ${file} as its entry point, which does not exist`, `build the plugin first (e.g. npm run build in ${dir})`);
      return file;
    }
  }
  const index = ['index.js', 'index.mjs'].map((name) => join(dir, name)).find((file) => existsSync(file));
  if (index) return index;
  throw new LoadProblem('has no entry point', 'give its package.json an "exports" or "main" field, add an index.js, or name the file itself');
}

/** The target of `exports["."]` for an `import` from Node, as Node picks it (first matching condition, in order). */
function exportsTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(exportsTarget).find((target) => target !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  const map = value as Record<string, unknown>;
  if (Object.keys(map).some((key) => key.startsWith('.'))) return exportsTarget(map['.']);
  for (const [key, target] of Object.entries(map)) {
    if (!CONDITIONS.has(key)) continue;
    const resolved = exportsTarget(target);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

/** An installed package's entry: from `<stateDir>/extensions/node_modules`, else the node_modules dirs from the config dir up. */
function entryOfPackage(name: string, options: PluginLoadOptions): string {
  const installHint = `install it: npm install --prefix ${join(options.stateDir, 'extensions')} ${name}; or name its file or directory in plugins.load.paths`;
  if (!PACKAGE_NAME.test(name)) {
    throw new LoadProblem("is neither a loaded plugin's id nor a package name", 'name files and directories in plugins.load.paths; keys of plugins.entries are plugin ids or package names');
  }
  const places = [join(options.stateDir, 'extensions', 'node_modules')];
  for (let dir = options.configDir; ; dir = dirname(dir)) {
    places.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  const dir = places.map((place) => join(place, name)).find((candidate) => existsSync(join(candidate, 'package.json')));
  if (dir === undefined) throw new LoadProblem(`is not installed, and no plugin loaded from plugins.load.paths has the id "${name}" (looked in ${places[0]} and node_modules from ${options.configDir} up)`, installHint);
  return entryOfDirectory(dir);
}

/** Imports `file` and returns its channel plugin: the default export, or the export named `plugin`. */
async function importPlugin(file: string, timeoutMs: number): Promise<ChannelPlugin> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LoadProblem(`took longer than ${timeoutMs} ms to import`, 'check what the module does when it is loaded (top-level await, network calls)')), timeoutMs);
    timer.unref();
  });
  let namespace: Record<string, unknown>;
  try {
    namespace = (await Promise.race([import(pathToFileURL(file).href), timeout])) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof LoadProblem) throw error;
    throw new LoadProblem(`could not be imported: ${error instanceof Error ? error.message : String(error)}`, importHint(error, file));
  } finally {
    clearTimeout(timer);
  }
  const plugin = [namespace.default, namespace.plugin].find(isChannelPlugin);
  if (plugin) return plugin;
  throw new LoadProblem('exports no channel plugin', 'make the default export (or an export named plugin) an object with an id and a create() function; see the plugin guide, extensions/README.md');
}

function isChannelPlugin(value: unknown): value is ChannelPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { id?: unknown; create?: unknown };
  return typeof candidate.id === 'string' && typeof candidate.create === 'function';
}

function importHint(error: unknown, file: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'ERR_MODULE_NOT_FOUND' && message.includes("'@openclaw/gateway-core'")) {
    return 'the plugin imports @openclaw/gateway-core at run time: install it next to the plugin (it is a peer dependency), or import only types from it';
  }
  if (code === 'ERR_MODULE_NOT_FOUND') return `install the plugin's dependencies (npm install in ${dirname(file)})`;
  return 'fix the error in the plugin, or remove it from the config';
}

function toWarning(where: string, subject: string, error: unknown): PluginWarning {
  if (error instanceof LoadProblem) return { path: where, message: `${subject} ${error.message}`, hint: error.hint };
  return { path: where, message: `${subject}: ${error instanceof Error ? error.message : String(error)}`, hint: 'this is a bug in openclaw, please report it' };
}
