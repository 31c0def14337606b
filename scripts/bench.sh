#!/usr/bin/env bash
# Sets up, builds, and runs every benchmark in bench/, refreshing docs/benchmarks.md.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$OPENCLAW_ROOT"
pnpm turbo run build --output-logs=errors-only
for bench in bench/*.mjs; do
  case "$bench" in bench/report.mjs) continue ;; esac
  echo "==> $bench"
  node "$bench"
done
