#!/usr/bin/env bash
# The one set-up-and-run command: bootstraps Node >= 22.12 and the pinned pnpm into
# .tools/ when needed, installs, builds, and runs openclaw from this checkout.
# Extra arguments go to `openclaw`; with none it runs the gateway in the foreground on
# loopback (127.0.0.1, and ::1 when available) and prints the dashboard URL. Without a
# config file the built-in defaults apply (port 18789, no auth: loopback only).
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$OPENCLAW_ROOT"
pnpm turbo run build --output-logs=errors-only >&2
cli="$OPENCLAW_ROOT/apps/cli/dist/openclaw.js"
if [ "$#" -gt 0 ]; then
  exec node "$cli" "$@"
fi
exec node "$cli" gateway --bind loopback --allow-unconfigured
