// The allowed import directions of the monorepo (see docs/architecture.md).
// Arrows point down the list only: a package may import exactly the packages named here.
const allowed = {
  'apps/cli': ['packages/*'],
  'extensions/*': ['packages/gateway-core'],
  'packages/channel-telegram': ['packages/gateway-core', 'packages/config'],
  'packages/channel-discord': ['packages/gateway-core', 'packages/config'],
  'packages/channel-whatsapp': ['packages/gateway-core', 'packages/config'],
  'packages/agent': ['packages/gateway-core', 'packages/state', 'packages/config'],
  'packages/gateway-core': ['packages/state', 'packages/config'],
  'packages/supervisor': ['packages/config'],
  'packages/state': ['packages/config'],
  'packages/config': [],
};

const toRegex = (glob) => glob.replace('*', '[^/]+');

// A package's public entries: src/index.ts and every other file its package.json exports
// (e.g. @openclaw/channel-whatsapp/plugin, the light entry the gateway imports).
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exportedEntries = ['packages', 'extensions'].flatMap((dir) =>
  (existsSync(join(__dirname, dir)) ? readdirSync(join(__dirname, dir)) : []).flatMap((name) => {
    const manifest = join(__dirname, dir, name, 'package.json');
    if (!existsSync(manifest)) return [];
    const exportsMap = JSON.parse(readFileSync(manifest, 'utf8')).exports ?? {};
    return Object.values(exportsMap)
      .map((target) => (typeof target === 'object' && target !== null ? target['@openclaw/source'] : undefined))
      .filter((target) => typeof target === 'string' && target.startsWith('./src/'))
      .map((target) => `^${dir}/${escapeRegex(name)}/${escapeRegex(target.slice(2))}$`);
  }),
);
const internal = '^(packages|apps|extensions)/';

const layerRules = Object.entries(allowed).map(([from, targets]) => {
  const own = from.endsWith('/*') ? '$1' : toRegex(from);
  const ok = [`^${own}/`, ...targets.map((t) => `^${toRegex(t)}/`)];
  return {
    name: `layers: ${from}`,
    comment: `${from} may import only ${targets.length ? targets.join(', ') : 'no other workspace package'}`,
    severity: 'error',
    from: { path: from.endsWith('/*') ? `^(${toRegex(from)})/` : `^${toRegex(from)}/` },
    to: { path: internal, pathNot: ok },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'public-entry-only',
      comment: 'other packages are reached through their src/index.ts, never their internals',
      severity: 'error',
      from: { path: '^(packages|apps|extensions)/([^/]+)/' },
      to: { path: '^(packages|extensions)/([^/]+)/src/(?!index\\.ts$)', pathNot: ['^$1/$2/', ...exportedEntries] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve is usually a workspace package missing from package.json',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.tsbuild|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.base.json') },
    enhancedResolveOptions: {
      conditionNames: ['@openclaw/source', 'import', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
