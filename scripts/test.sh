#!/usr/bin/env bash
# The one test command: sets up (Node >= 22.12 and the pinned pnpm, bootstrapped into
# .tools/ when missing), builds, runs every check and every test, and ends with the
# line "N passed, N failed". Exit status is non-zero when anything failed.
set -uo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" || exit 1
cd "$OPENCLAW_ROOT" || exit 1

# The gateway tests hold 1,000 connections (2,000 descriptors in one process).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

passed=0
failed=0
failures=()

step() {
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

step "build" pnpm turbo run build --output-logs=errors-only
step "package checks (publint, attw)" pnpm turbo run check:package --output-logs=errors-only
step "lint and layering" pnpm run --silent lint
step "typecheck" pnpm run --silent typecheck
step "generated files are fresh" bash scripts/check-generated.sh

mkdir -p .turbo
report=.turbo/vitest-report.json
rm -f "$report"
printf '\n==> vitest\n'
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report"
vitest_status=$?
if [ -f "$report" ]; then
  read -r vp vf < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrors||0))' "$(pwd)/$report")
  passed=$((passed + vp))
  failed=$((failed + vf))
  if [ "$vitest_status" -ne 0 ] && [ "$vf" -eq 0 ]; then
    failed=$((failed + 1))
    failures+=("vitest exited $vitest_status")
  fi
else
  failed=$((failed + 1))
  failures+=("vitest produced no report (exit $vitest_status)")
fi

if [ ${#failures[@]} -gt 0 ]; then
  printf '\nfailed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
