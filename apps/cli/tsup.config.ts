import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

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
  esbuildOptions(options) {
    options.conditions = ['@openclaw/source'];
    options.alias = { 'abort-controller': './src/shims/abort-controller.cjs' };
  },
  define: { __OPENCLAW_VERSION__: JSON.stringify(version) },
  banner: {
    js: ["#!/usr/bin/env node", "import { createRequire as __openclawCreateRequire } from 'node:module';", 'const require = __openclawCreateRequire(import.meta.url);'].join('\n'),
  },
});
