import type { Options } from 'tsup';

/** The one tsup configuration every library package spreads. */
export const libraryConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  dts: { compilerOptions: { composite: false, emitDeclarationOnly: false } },
  clean: true,
  sourcemap: false,
  splitting: false,
  treeshake: true,
};
