/** Node version managers whose binaries should not be baked into a service. */
export type VersionManager = 'nvm' | 'fnm' | 'volta' | 'asdf' | 'mise' | 'nodenv' | 'n' | 'pnpm';

/** A finding of {@link detectVersionManagerNode}. */
export interface VersionManagerNode {
  manager: VersionManager;
  /** Why this path is fragile, for a `doctor` warning. */
  reason: string;
  /** What to do instead, as one operator-facing sentence. */
  suggestion: string;
  /** System locations of node that survive upgrades; the caller checks which exist. */
  stableCandidates: readonly string[];
}

/** Where distribution packages, NodeSource and the official tarballs put node. */
export const STABLE_NODE_PATHS: readonly string[] = Object.freeze(['/usr/bin/node', '/usr/local/bin/node']);

const VERSIONED = 'it points at one installed version, which disappears when that version is uninstalled or upgraded';

// Ordered: fnm's multishell paths also contain "node-versions"-like segments of other tools.
const PATTERNS: readonly { manager: VersionManager; test: RegExp; reason: string }[] = [
  { manager: 'fnm', test: /\/fnm_multishells\//, reason: 'it is a per-shell symlink that fnm deletes when the shell exits' },
  { manager: 'fnm', test: /\/fnm\/node-versions\/|\/\.fnm\//, reason: VERSIONED },
  { manager: 'nvm', test: /\/\.nvm\/versions\/node\//, reason: VERSIONED },
  { manager: 'volta', test: /\/\.volta\//, reason: 'volta picks the node version per project and its shims need VOLTA_HOME' },
  { manager: 'asdf', test: /\/\.asdf\/(installs\/nodejs|shims)\//, reason: 'asdf resolves the version from .tool-versions files the service does not see' },
  { manager: 'mise', test: /\/mise\/(installs\/node|shims)\//, reason: VERSIONED },
  { manager: 'nodenv', test: /\/\.nodenv\/(versions|shims)\//, reason: VERSIONED },
  { manager: 'pnpm', test: /\/pnpm\/nodejs\//, reason: VERSIONED },
  { manager: 'n', test: /\/n\/versions\/node\//, reason: VERSIONED },
];

/**
 * Whether `nodePath` belongs to a version manager (e.g. `~/.nvm/versions/node/v24.1.0/bin/node`),
 * which breaks the service on the next node update; undefined for a system node.
 */
export function detectVersionManagerNode(nodePath: string): VersionManagerNode | undefined {
  const path = nodePath.replaceAll('\\', '/');
  const hit = PATTERNS.find((pattern) => pattern.test.test(path));
  if (hit === undefined) return undefined;
  return {
    manager: hit.manager,
    reason: `${nodePath} is managed by ${hit.manager}: ${hit.reason}`,
    suggestion:
      'install node system-wide (your distribution or NodeSource, giving /usr/bin/node), then run `openclaw gateway install --force` from a shell where `which node` prints it',
    stableCandidates: STABLE_NODE_PATHS,
  };
}
