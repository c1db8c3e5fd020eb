#!/usr/bin/env bash
# The lint and type gate, run by CI before the tests: ruff check, ruff format
# --check, mypy --strict on the core (with openpyxl's types), and the layer
# contracts of import-linter (pyproject.toml, [tool.importlinter]).
#
# Quiet when everything passes. Every step runs; each failing one prints what
# its tool said, and the script exits 1. Sets .venv up first (setup.sh --test,
# which installs the tools); a few seconds once the caches are warm.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test >&2 || exit 1

bin=.venv/bin
failed=0
step() {
  local name=$1 out
  shift
  if ! out=$("$@" 2>&1); then
    printf 'lint.sh: %s failed (%s):\n%s\n' "$name" "$*" "$out" >&2
    failed=1
  fi
}
step "ruff check" "$bin/ruff" check --quiet --output-format concise .
# One line a file; `ruff format --diff FILE` shows what would change.
step "ruff format" "$bin/ruff" format --check --output-format concise .
step "mypy --strict (core)" "$bin/mypy" --strict
step "import-linter" "$bin/lint-imports"
exit $failed
