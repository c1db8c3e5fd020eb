#!/usr/bin/env bash
# Run every test (sets itself up on first run). Extra arguments go to pytest,
# e.g. `scripts/test.sh -m slow` for the long stress tests.
#
# `scripts/test.sh --zones [pytest args]` runs the tests whose outcome depends
# on the laptop's time zone (engine, lease, processes, queue, limits, limit
# rules, calendar, pacing, ETA, simulation, reports, CLI, the mailbox loop,
# repeats, lists) once more under each of ZONES, west and east of
# UTC; CI runs it after the whole suite. These are core tests: they run
# without pytest-qt, so that one importing Qt fails (tests/conftest.py).
#
# Tests run in parallel on every core (pytest-xdist; the suite is CPU-bound,
# each test has its own folder and ports). TEST_WORKERS=0 runs them in this
# process, e.g. to use a debugger.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test >&2
export QT_QPA_PLATFORM=offscreen
workers=(-n "${TEST_WORKERS:-auto}")
if [[ "${1:-}" != --zones ]]; then
  exec .venv/bin/python -m pytest -q "${workers[@]}" "$@"
fi
shift
ZONES=${ZONES:-"America/Los_Angeles Asia/Kolkata"}
shopt -s nullglob
files=(tests/test_engine*.py tests/test_lease*.py tests/test_processes.py tests/test_queue*.py
       tests/test_limits*.py tests/test_limit_rules.py tests/test_calendar.py
       tests/test_pacing.py tests/test_eta.py tests/test_simulation*.py tests/test_hotsql.py
       tests/test_smtp_faults.py tests/test_reports.py tests/test_cli.py tests/test_cli_run.py
       tests/test_repeats.py tests/test_lists.py tests/test_mailbox.py tests/test_team.py)
for zone in $ZONES; do
  echo "== TZ=$zone: ${#files[@]} files" >&2
  TZ=$zone .venv/bin/python -m pytest -q "${workers[@]}" -p no:pytest-qt -W ignore::pytest.PytestConfigWarning \
    "${files[@]}" "$@"
done
