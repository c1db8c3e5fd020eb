#!/usr/bin/env bash
# Prepare this checkout on a fresh Debian machine: the system libraries Qt
# needs (and, with --test, the tools the tests call), then .venv with the app.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_PKGS="libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 fonts-dejavu-core"
TEST_PKGS="poppler-utils desktop-file-utils appstream"

extra=""
pkgs="$QT_PKGS"
if [[ "${1:-}" == "--test" ]]; then
  extra="[test]"
  pkgs="$QT_PKGS $TEST_PKGS"
fi

missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  if command -v apt-get >/dev/null; then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo"
    echo "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "warning: no apt-get; make sure these are installed: ${missing[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".$extra"
# The compiled translations (.qm) are build products: make them for this checkout.
.venv/bin/python -m mailer_gui.ui.i18n_build >/dev/null
