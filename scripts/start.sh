#!/usr/bin/env bash
# The one set-up-and-run command: bootstraps Node >= 22.12 and the pinned pnpm into
# .tools/ when needed, installs, builds, and runs openclaw from this checkout.
# Extra arguments go to `openclaw`; with none it runs the gateway in the foreground.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$OPENCLAW_ROOT"
pnpm turbo run build --output-logs=errors-only >&2
cli="$OPENCLAW_ROOT/apps/cli/dist/openclaw.js"
if [ "$#" -gt 0 ]; then
  exec node "$cli" "$@"
fi
if node "$cli" --help | grep -qE '^\s+gateway\b'; then
  exec node "$cli" gateway --allow-unconfigured
fi
# The gateway process is not implemented yet (see the tracker); until it is, show
# what is there: the config this checkout would run with.
echo "openclaw $(node "$cli" --version) is built. The gateway command is not implemented yet." >&2
echo "Config file: $(node "$cli" config path)" >&2
node "$cli" config validate
exec node "$cli" --help
