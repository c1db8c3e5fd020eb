"""The editor's Recipients tab: counts by state, the lazy table, import, preflight."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.audience.recipients import BUILTINS, field_names
from mailer_gui.core.context import AppContext
from mailer_gui.core.store.models import RECIPIENT_STATES as STATES
from mailer_gui.core.store.queries import recipient_counts
from mailer_gui.ui import messages
from mailer_gui.ui.models.recipients import PlainTableModel, RecipientsModel, status_name


class RecipientsTab(QWidget):
    """Counts, the recipients table, the Import button and the preflight problems."""

    importRequested = Signal()
    checkRequested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.counts: dict[str, int] = dict.fromkeys(STATES, 0)
        self.feedback: dict[str, int] = {}
        self.counts_label = QLabel()
        self.counts_label.setObjectName("recipientCounts")
        self.import_button = QPushButton(self.tr("Import from file…"))
        self.import_button.clicked.connect(self.importRequested)
        self.model = RecipientsModel(ctx, self)
        self.table = make_table(self.model)
        self.preflight_model = PlainTableModel(parent=self)
        self.preflight_table = make_table(self.preflight_model)
        self.preflight_label = QLabel()
        self.preflight_label.setWordWrap(True)
        self.check_button = QPushButton(self.tr("Check templates"))
        self.check_button.setToolTip(
            self.tr("Render the message for every recipient and list each problem with its row")
        )
        self.check_button.clicked.connect(self.checkRequested)
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.counts_label, 1)
        top.addWidget(self.import_button)
        self.preflight_box = QGroupBox(self.tr("Problems found before sending"))
        pl = QVBoxLayout(self.preflight_box)
        row = QHBoxLayout()
        row.addWidget(self.preflight_label, 1)
        row.addWidget(self.check_button)
        pl.addLayout(row)
        pl.addWidget(self.preflight_table)
        self.preflight_table.hide()
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 3)
        lay.addWidget(self.preflight_box)

    def reload(self, campaign_id: int | None) -> list[str]:
        """Re-read counts, fields and the first rows; returns the field names."""
        from mailer_gui.core.mailbox.stats import campaign_feedback

        with self.ctx.db.read() as s:
            self.counts = recipient_counts(s, campaign_id)
            fields = field_names(s, campaign_id)
            feedback = campaign_feedback(s, campaign_id) if campaign_id is not None else {}
        self.model.set_campaign(campaign_id, [f for f in fields if f not in BUILTINS])
        self.set_counts(self.counts, feedback)
        header = self.table.horizontalHeader()
        for col, width in ((0, 60), (1, 230), (2, 90)):
            header.resizeSection(col, width)
        return fields

    def set_counts(self, counts: dict[str, int], feedback: dict[str, int] | None = None) -> None:
        """Show counts by state (from the DB, or live from a snapshot entry), and
        the mailbox's unsubscribes and complaints (None: as before)."""
        self.counts = {k: int(counts.get(k, 0)) for k in STATES}
        if feedback is not None:
            self.feedback = dict(feedback)
        total = sum(self.counts.values())
        parts = [
            self.tr("{n} {state}").format(n=f"{self.counts[k]:,}", state=status_name(k))
            for k in STATES
            if self.counts[k]
        ]
        fb = self.feedback
        mailbox = ""
        if fb.get("unsubscribed") or fb.get("complaints"):
            mailbox = self.tr(" · from the mailbox: {u} unsubscribed, {c} complaints").format(
                u=fb.get("unsubscribed", 0), c=fb.get("complaints", 0)
            )
        self.counts_label.setText(
            self.tr("{total} recipients").format(total=f"{total:,}")
            + (": " + " · ".join(parts) if parts else "")
            + mailbox
        )

    def total(self) -> int:
        return sum(self.counts.values())

    def show_preflight(self, errors: Sequence[Any] | None) -> None:
        """Show the preflight result (None: not checked since the last change)."""
        if errors is None:
            self.preflight_label.setText(self.tr("Not checked yet."))
            self.preflight_label.setStyleSheet("")
            self.preflight_table.hide()
            return
        rows = [
            (
                e.row if e.row is not None else "",
                e.email,
                messages.part_text(e.field),
                messages.text(e.message),
            )
            for e in errors
        ]
        self.preflight_model.set_rows(
            [self.tr("Row"), self.tr("Email"), self.tr("Field"), self.tr("Problem")], rows
        )
        self.preflight_table.setVisible(bool(rows))
        self.preflight_table.resizeColumnsToContents()
        if rows:
            self.preflight_label.setText(
                self.tr("{n} problems: fix the template or the data before queueing.").format(
                    n=len(rows)
                )
            )
            self.preflight_label.setStyleSheet("color: #c62828;")
        else:
            self.preflight_label.setText(self.tr("Every recipient renders correctly."))
            self.preflight_label.setStyleSheet("color: #2e7d32;")

    def preflight_rows(self) -> list[list[Any]]:
        return self.preflight_model.rows()


def make_table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view
