import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'tsup';
import type { Options } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Builtins: the bundle takes them with `require`, never with `import`. For an ESM import
// of a builtin Node builds a module namespace, which reads every export, lazy getters
// included: `import { createServer } from 'node:http'` loads undici and web streams (for
// `http.WebSocket`), `node:crypto` loads WebCrypto, `node:fs` fs/promises; megabytes of RSS
// in the idle gateway for code nothing calls. So each imported builtin is a small module
// that requires it and exports its data properties, and of its getters only those in
// GETTERS_READ (imported by name by bundled libraries; cheap; a build error names any other
// getter imported). Not esbuild's own interop for `require`: that copies every property,
// with a getter closure each, into a namespace object per importing module (about 1 MB in
// the gateway). Except for `process`, whose stdin/stdout getters libraries import and which
// must run only when used.
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const GETTERS_READ: Readonly<Record<string, readonly string[]>> = {
  fs: ['promises', 'ReadStream', 'WriteStream'],
  net: ['BlockList', 'SocketAddress'],
  async_hooks: ['AsyncLocalStorage'],
};
const VIA_REQUIRE_INTEROP = new Set(['process']);
// Lazily loaded data properties: reading util's loads worker_threads and more.
const NOT_READ: Readonly<Record<string, readonly string[]>> = { util: ['parseArgs', 'diff', 'setTraceSigInt'] };
function builtinShim(name: string): string {
  const builtin = process.getBuiltinModule(name) as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(builtin).filter((key) => {
    if (key === 'default' || !/^[A-Za-z_$][\w$]*$/.test(key) || NOT_READ[name]?.includes(key)) return false;
    return Object.getOwnPropertyDescriptor(builtin, key)?.get === undefined || (GETTERS_READ[name]?.includes(key) ?? false);
  });
  return [
    `const builtin = require(${JSON.stringify(`node:${name}`)});`,
    'export default builtin;',
    ...names.map((key, i) => `const e${i} = builtin.${key}; export { e${i} as ${key} };`),
  ].join('\n');
}
// ws requires https, tls and zlib for its client and its compression, which a gateway that
// serves uncompressed WebSockets never uses: bundled CommonJS code gets those on first use.
const ON_FIRST_USE = new Set(['https', 'tls', 'zlib']);
const requireBuiltins: Plugin = {
  name: 'require-builtins',
  setup(build) {
    build.onResolve({ filter: /^[a-z_/:]+$/ }, ({ path, kind, namespace }) => {
      const name = path.replace(/^node:/, '');
      if (!(builtins.has(name) || path.startsWith('node:')) || namespace !== 'file') return undefined;
      if (kind !== 'require-call') return { path: name, namespace: 'builtin-shim' };
      return ON_FIRST_USE.has(name) ? { path: name, namespace: 'builtin-on-first-use' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-shim' }, ({ path }) => ({
      contents: VIA_REQUIRE_INTEROP.has(path) ? `module.exports = require(${JSON.stringify(`node:${path}`)});` : builtinShim(path),
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, ({ path }) => ({
      contents: `let loaded; const load = () => (loaded ??= require(${JSON.stringify(`node:${path}`)}));
module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });`,
      loader: 'js',
    }));
  },
};

// Imports of `@openclaw/config` go straight to the module that defines each name. esbuild
// gives an entry point every file that a file it reaches imports, re-exports included, so
// through the package's index every command (and the long-running gateway) reached, and
// loaded, zod and the config schema. Now only code that calls loadConfig & co. loads them.
// Statements it cannot map (a name the index does not re-export) are left as they are.
const CONFIG_INDEX = resolve(import.meta.dirname, '../../packages/config/src/index.ts');
function configOrigins(): Map<string, string> {
  const origins = new Map<string, string>();
  for (const [, names = '', from = ''] of readFileSync(CONFIG_INDEX, 'utf8').matchAll(/^export \{([^}]*)\} from '(\.[^']+)';/gm)) {
    for (const name of names.split(',').map((n) => n.trim())) if (name) origins.set(name, resolve(dirname(CONFIG_INDEX), from));
  }
  return origins;
}
const directConfigImports: Plugin = {
  name: 'direct-config-imports',
  setup(build) {
    const origins = configOrigins();
    build.onLoad({ filter: /\/(packages|apps)\/[^/]+\/src\/.*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source.replace(/^import \{([^}]*)\} from '@openclaw\/config';$/gm, (statement, specifiers: string) => {
        const byModule = new Map<string, string[]>();
        for (const specifier of specifiers.split(',').map((s) => s.trim())) {
          if (!specifier || specifier.startsWith('type ')) continue;
          const module = origins.get(specifier.split(/\s+as\s+/)[0] ?? '');
          if (module === undefined) return statement;
          byModule.set(module, [...(byModule.get(module) ?? []), specifier]);
        }
        return [...byModule].map(([module, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(module)};`).join(' ');
      });
      return { contents, loader: 'ts' };
    });
  },
};

// Output in ASCII only. esbuild escapes every other character in code but keeps comments as
// they are, and one "…" in a comment makes V8 hold the whole chunk's source as UTF-16, twice
// its size: 0.8 MB instead of 0.4 MB for the gateway's chunk. Only comments can still hold
// such characters here, so escaping them changes nothing else.
const asciiOutput: NonNullable<Options['plugins']>[number] = {
  name: 'ascii-output',
  renderChunk(code) {
    return { code: code.replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) };
  },
};

// The CLI ships as one self-contained npm package: workspace packages and third-party
// libraries are bundled in (nothing to resolve at start-up, nothing to download at
// install). Commands are separate chunks loaded on demand so that `openclaw --version`
// reads almost nothing. Bundled CommonJS libraries get a real `require`.
export default defineConfig({
  ...libraryConfig,
  // config-child: the process in which `openclaw gateway` validates its config.
  entry: { openclaw: 'src/bin.ts', 'config-child': 'src/config-child.ts' },
  dts: false,
  splitting: true,
  noExternal: [/.*/],
  // `node:` imports reach requireBuiltins instead of being marked external first.
  removeNodeProtocol: false,
  esbuildPlugins: [requireBuiltins, directConfigImports],
  plugins: [asciiOutput],
  esbuildOptions(options) {
    options.conditions = ['@openclaw/source'];
    options.alias = { 'abort-controller': './src/shims/abort-controller.cjs' };
  },
  define: { __OPENCLAW_VERSION__: JSON.stringify(version) },
  banner: {
    js: ["#!/usr/bin/env node", "import { createRequire as __openclawCreateRequire } from 'node:module';", 'const require = __openclawCreateRequire(import.meta.url);'].join('\n'),
  },
});
