import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The CLI ships as one npm package: workspace packages are bundled in, third-party
// libraries stay dependencies. Commands are separate chunks loaded on demand so that
// `openclaw --version` reads almost nothing.
export default defineConfig({
  ...libraryConfig,
  entry: { openclaw: 'src/bin.ts' },
  dts: false,
  splitting: true,
  noExternal: [/^@openclaw\//],
  esbuildOptions(options) {
    options.conditions = ['@openclaw/source'];
  },
  define: { __OPENCLAW_VERSION__: JSON.stringify(version) },
  banner: { js: '#!/usr/bin/env node' },
});
