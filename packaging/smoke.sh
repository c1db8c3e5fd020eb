#!/usr/bin/env bash
# Start the built bundle offscreen and check that it really works:
#  1. `mailer-gui smoke --bundle-checks`: translations and icons are in the
#     bundle; the main window opens; one test send goes through the engine to
#     the built-in demo SMTP server and lands in the demo outbox;
#  2. `mailer-gui --smoke --demo`: the GUI entry point itself, in demo mode,
#     opens the window and exits 0 once it is shown.
# Every folder it uses is temporary; nothing is sent beyond 127.0.0.1.
#
#   packaging/smoke.sh [path/to/mailer-gui]     (default dist/mailer-gui/mailer-gui)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/dist/mailer-gui/mailer-gui}
[ -x "$BIN" ] || BIN=${BIN%.exe}.exe
if [ ! -x "$BIN" ]; then
    echo "smoke: no binary at ${1:-$ROOT/dist/mailer-gui/mailer-gui}; run packaging/build.sh first" >&2
    exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export QT_QPA_PLATFORM=offscreen
export MAILER_GUI_HOME=$TMP/data          # never the operator's data folder
export XDG_CONFIG_HOME=$TMP/config        # nor their window layout and language
export XDG_DATA_HOME=$TMP/share
export XDG_CACHE_HOME=$TMP/cache
export HOME=$TMP/home
mkdir -p "$HOME"
unset MAILER_GUI_SMTP_PASSWORD || true

limit() {  # a hung binary must fail the run, not stall CI
    if command -v timeout >/dev/null 2>&1; then timeout 180 "$@"; else "$@"; fi
}

echo "smoke: $BIN smoke --bundle-checks"
if ! limit "$BIN" smoke --bundle-checks --timeout 60; then
    echo "smoke: FAILED: the self-check did not pass (see above)" >&2
    exit 1
fi

echo "smoke: $BIN --smoke --demo"
if ! limit "$BIN" --smoke --demo > "$TMP/gui.log" 2>&1; then
    cat "$TMP/gui.log" >&2
    echo "smoke: FAILED: --smoke --demo did not exit 0" >&2
    exit 1
fi
echo "smoke: bundle OK"
