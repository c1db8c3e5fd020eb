#!/usr/bin/env bash
# Start Mailer desktop (sets itself up on first run). Without arguments it
# opens the demo: a built-in local mail catcher, a sample campaign, small
# limits; no message leaves the machine. Pass your own arguments otherwise,
# e.g. `scripts/start.sh --data-dir ~/mailer` or `scripts/start.sh status`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
if (( $# == 0 )); then
  set -- --demo
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  # Say so only when the window would open; a CLI command (status, run,
  # --help ...) opens none, though some (a PDF report) still use Qt offscreen.
  if ! .venv/bin/python -c 'import sys; from mailer_gui.__main__ import _wants_cli
sys.exit(0 if _wants_cli(sys.argv[1:]) else 1)' "$@"; then
    echo "start.sh: no display found (DISPLAY/WAYLAND_DISPLAY unset); running offscreen." \
         "Run it in a desktop session to see the window." >&2
  fi
  export QT_QPA_PLATFORM=offscreen
fi
exec .venv/bin/mailer-gui "$@"
