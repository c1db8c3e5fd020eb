#!/usr/bin/env bash
# Prepare this checkout on a fresh Debian machine: the system libraries Qt
# needs (and, with --test, the tools the tests call), then .venv with the app.
#
# It sets up only when something changed: a stamp in .venv records a hash of
# what the set-up depends on (pyproject.toml, this script, the translation
# sources and their build step); while it matches, a call only checks the
# Debian packages (one dpkg-query) and prints nothing. --force sets up anyway.
# What pip and the translation build print goes to .venv/setup.log, shown
# only when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_PKGS="libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 fonts-dejavu-core"
TEST_PKGS="poppler-utils desktop-file-utils appstream spamassassin dovecot-imapd postgresql"

mode=app
force=0
for arg in "$@"; do
  case "$arg" in
    --test) mode=test ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (use --test, --force)" >&2; exit 2 ;;
  esac
done
extra=""
pkgs="$QT_PKGS"
if [[ $mode == test ]]; then
  extra="[test]"
  pkgs="$QT_PKGS $TEST_PKGS"
fi

declare -A installed=()
if command -v dpkg-query >/dev/null; then
  # shellcheck disable=SC2086  # one word per package
  while read -r name status; do
    [[ $status == "install ok installed" ]] && installed[$name]=1
  done < <(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null || true)
fi
missing=()
for p in $pkgs; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
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

STAMP=.venv/.setup-stamp
LOG=.venv/setup.log
hash=$(cat pyproject.toml scripts/setup.sh mailer_gui/ui/i18n_build.py \
  resources/translations/*.ts | sha256sum | cut -d' ' -f1)
up_to_date() {
  [[ $force == 0 && -x .venv/bin/python && -f $STAMP ]] || return 1
  local have
  have=$(<"$STAMP")
  # A test set-up holds everything the app's needs.
  [[ $have == "$hash test" || $have == "$hash $mode" ]] || return 1
  local ts
  for ts in resources/translations/*.ts; do
    [[ -f ${ts%.ts}.qm ]] || return 1
  done
}
if up_to_date; then
  exit 0
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
rm -f "$STAMP"
echo "setup.sh: setting up .venv (first run, or its sources changed); log in $LOG" >&2
run() {
  if ! "$@" >>"$LOG" 2>&1; then
    echo "setup.sh: failed: $*; the end of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
}
: >"$LOG"
run .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
run .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extra"
# The compiled translations (.qm) are build products: make them for this checkout.
run .venv/bin/python -m mailer_gui.ui.i18n_build
echo "$hash $mode" >"$STAMP"
