import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'tsup';
import type { Options } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

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

// The CLI ships as one self-contained npm package: workspace packages and third-party
// libraries are bundled in (nothing to resolve at start-up, nothing to download at
// install). Commands are separate chunks loaded on demand so that `openclaw --version`
// reads almost nothing. Bundled CommonJS libraries get a real `require`.
export default defineConfig({
  ...libraryConfig,
  entry: { openclaw: 'src/bin.ts' },
  dts: false,
  splitting: true,
  noExternal: [/.*/],
  esbuildPlugins: [directConfigImports],
  esbuildOptions(options) {
    options.conditions = ['@openclaw/source'];
    options.alias = { 'abort-controller': './src/shims/abort-controller.cjs' };
  },
  define: { __OPENCLAW_VERSION__: JSON.stringify(version) },
  banner: {
    js: ["#!/usr/bin/env node", "import { createRequire as __openclawCreateRequire } from 'node:module';", 'const require = __openclawCreateRequire(import.meta.url);'].join('\n'),
  },
});
