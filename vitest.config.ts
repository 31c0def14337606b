import { defineConfig } from 'vitest/config';

// Tests run against TypeScript sources: the "@openclaw/source" export condition points
// every workspace package at its src/index.ts, so no prebuild is needed for imports.
const conditions = ['@openclaw/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openclaw/source'] } },
  test: {
    include: ['{packages,apps,extensions}/*/src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
