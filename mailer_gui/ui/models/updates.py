"""Telling views which rows changed, without making them re-read everything.

A snapshot arrives several times a second while a campaign sends; usually a
row or two changed. A ``dataChanged`` over every row makes each view (and a
sorting proxy, which re-sorts and re-filters what it is told changed) call
``data()`` for all of them, on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel

# Past this many separate runs of changed rows, one span from the first to the
# last is cheaper than a signal per run.
MAX_RUNS = 16


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def emit_rows_changed(
    model: QAbstractItemModel, rows: Iterable[int], first_col: int, last_col: int
) -> int:
    """``dataChanged`` for just these rows and columns; returns the signals emitted."""
    runs = row_runs(rows)
    if len(runs) > MAX_RUNS:
        runs = [(runs[0][0], runs[-1][1])]
    for first, last in runs:
        model.dataChanged.emit(model.index(first, first_col), model.index(last, last_col))
    return len(runs)
