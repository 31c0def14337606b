#!/usr/bin/env bash
# Regenerates every committed generated file and fails when the committed copy is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node --conditions=@openclaw/source scripts/generate.ts
if ! git diff --exit-code --stat -- packages/config/openclaw.schema.json; then
  echo "generated files are stale: run 'node --conditions=@openclaw/source scripts/generate.ts' and commit the result" >&2
  exit 1
fi
