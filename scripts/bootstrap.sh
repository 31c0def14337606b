# shellcheck shell=bash
# Sourced by scripts/start.sh and scripts/test.sh. Makes sure this checkout has a
# Node >= 22.12 and the pinned pnpm on PATH, then installs the workspace.
# Everything it fetches comes from the npm registry and lands in .tools/ (gitignored).

OPENCLAW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPENCLAW_NODE_VERSION=24.21.0
OPENCLAW_PNPM_VERSION=12.21.0

node_is_new_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

node_package_for_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "bootstrap: unsupported OS $(uname -s); install Node >= 22.12 yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo "bootstrap: unsupported CPU $(uname -m); install Node >= 22.12 yourself" >&2; return 1 ;;
  esac
  echo "node-${os}-${arch}"
}

if ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: npm is not on PATH; install Node.js and npm first" >&2
  return 1 2>/dev/null || exit 1
fi

if ! node_is_new_enough; then
  node_dir="$OPENCLAW_ROOT/.tools/node"
  if ! "$node_dir/node_modules/.bin/node" --version 2>/dev/null | grep -qx "v$OPENCLAW_NODE_VERSION"; then
    pkg="$(node_package_for_platform)" || { return 1 2>/dev/null || exit 1; }
    echo "bootstrap: node $(node --version 2>/dev/null || echo none) is older than 22.12; fetching $pkg@$OPENCLAW_NODE_VERSION into .tools/node" >&2
    npm install --prefix "$node_dir" --ignore-scripts --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "$pkg@$OPENCLAW_NODE_VERSION" >&2
  fi
  export PATH="$node_dir/node_modules/.bin:$PATH"
fi

pnpm_dir="$OPENCLAW_ROOT/.tools/pnpm"
if ! "$pnpm_dir/bin/pnpm" --version 2>/dev/null | grep -qx "$OPENCLAW_PNPM_VERSION"; then
  echo "bootstrap: installing pnpm@$OPENCLAW_PNPM_VERSION into .tools/pnpm" >&2
  npm install --global --prefix "$pnpm_dir" --no-audit --no-fund --loglevel=error "pnpm@$OPENCLAW_PNPM_VERSION" >&2
fi
export PATH="$pnpm_dir/bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1

(cd "$OPENCLAW_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2) || {
  echo "bootstrap: pnpm install failed" >&2
  return 1 2>/dev/null || exit 1
}
