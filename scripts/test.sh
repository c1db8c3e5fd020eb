#!/usr/bin/env bash
# Run every test (sets itself up on first run). Extra arguments go to pytest,
# e.g. `scripts/test.sh -m slow` for the long stress tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test >&2
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -q "$@"
