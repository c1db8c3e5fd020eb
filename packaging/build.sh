#!/usr/bin/env bash
# Build the one-folder bundle dist/mailer-gui/ with PyInstaller (Linux here;
# the same steps on macOS and, in Git Bash, on Windows: see packaging/README.md).
#
#   packaging/build.sh            # venv in build/packaging-venv, bundle in dist/mailer-gui
#
# Environment: PYTHON (interpreter for a new venv, default python3),
# MAILER_BUILD_VENV (reuse this venv), MAILER_DIST_DIR (default dist/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=${MAILER_BUILD_VENV:-$ROOT/build/packaging-venv}
WORK=$ROOT/build/pyinstaller
DIST=${MAILER_DIST_DIR:-$ROOT/dist}
START=$(date +%s)

step() { printf '\n==> %s (%ss)\n' "$1" "$(( $(date +%s) - START ))"; }

if [ -x "$VENV/bin/python" ]; then
    PY=$VENV/bin/python
elif [ -x "$VENV/Scripts/python.exe" ]; then
    PY=$VENV/Scripts/python.exe
else
    step "creating the build venv $VENV"
    "$PYTHON" -m venv "$VENV"
    PY=$VENV/bin/python
    [ -x "$PY" ] || PY=$VENV/Scripts/python.exe
fi

# A non-editable install would replace a developer's editable one.
if "$PY" -m pip show mailer-gui 2>/dev/null | grep -qi '^Editable project location'; then
    echo "build.sh: $VENV has mailer-gui installed in editable mode (a development venv);" \
         "use a separate venv (unset MAILER_BUILD_VENV)" >&2
    exit 1
fi

step "installing build tools and the app's dependencies"
"$PY" -m pip install --quiet --disable-pip-version-check \
    "pyinstaller>=6.10" "setuptools>=77" wheel "PySide6-Essentials>=6.6"

# Install from a copy of the sources, so that setuptools' build/ and
# *.egg-info never appear in the working tree (others may be using it).
step "installing the app (pip install .)"
SRC=$WORK/src
rm -rf "$SRC"
mkdir -p "$SRC"
cp -R "$ROOT/pyproject.toml" "$ROOT/mailer_gui" "$ROOT/resources" "$SRC/"
if [ -f "$ROOT/README.md" ]; then cp "$ROOT/README.md" "$SRC/"; else echo "Mailer" > "$SRC/README.md"; fi
find "$SRC" -name __pycache__ -prune -exec rm -rf {} +
"$PY" -m pip install --quiet --disable-pip-version-check --no-build-isolation "$SRC"

step "compiling translations"
export MAILER_QM_DIR=$WORK/translations
(cd "$SRC" && "$PY" -m mailer_gui.ui.i18n_build --out "$MAILER_QM_DIR")

step "running PyInstaller"
# Run from outside the source tree, so the bundle takes the installed app.
(cd "$WORK" && "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/work" "$ROOT/packaging/mailer-gui.spec")

BUNDLE=$DIST/mailer-gui
BIN=$BUNDLE/mailer-gui
[ -x "$BIN" ] || BIN=$BUNDLE/mailer-gui.exe
step "done"
echo "bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
echo "binary: $BIN"
echo "build time: $(( $(date +%s) - START )) s"
