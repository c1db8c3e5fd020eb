"""The editor's Audience tab: lists to send to, lists and earlier campaigns to
leave out, the live count with the reason for every exclusion, and the
Repeat control with the next occurrences.

A change is saved at once (``audiences.set_audience``) and counted again off
the GUI thread; the audience becomes recipients when the campaign is queued.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.audience import audiences
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import repeats
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.timefmt import display_time

COUNT_DELAY_MS = 200
NEXT_SHOWN = 3
CRON, WORKING_DAY = "cron", "working_day"  # the Repeat control's rule forms


class AudienceTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign_id: int | None = None
        self.last_count: audiences.AudienceCount | None = None
        self._tasks: list[BackgroundTask] = []
        self._loading = False
        self.loaded = False  # the lists and rules of this campaign are shown
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self._save_and_count)
        lay = QVBoxLayout(self)
        lay.addWidget(self._build_pickers(), 1)
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        self.count_label.setObjectName("audienceCount")
        lay.addWidget(self.count_label)
        lay.addWidget(self._build_repeat())

    def _picker(self, title: str) -> tuple[QGroupBox, QListWidget]:
        box = QGroupBox(title, self)
        widget = QListWidget(box)
        widget.itemChanged.connect(lambda _item: self._changed())
        QVBoxLayout(box).addWidget(widget)
        return box, widget

    def _build_pickers(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        b1, self.send_to = self._picker(self.tr("Send to these lists"))
        b2, self.leave_out = self._picker(self.tr("Leave out these lists"))
        b3, self.not_sent = self._picker(self.tr("Leave out those sent"))
        for col, b in enumerate((b1, b2, b3)):
            grid.addWidget(b, 0, col)
        return box

    def _build_repeat(self) -> QWidget:
        box = QGroupBox(self.tr("Repeat"), self)
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        self.rule_kind = QComboBox(box)
        self.rule_kind.addItem(self.tr("Calendar rule (cron)"), CRON)
        self.rule_kind.addItem(self.tr("First working day of the month at"), WORKING_DAY)
        self.rule_kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.cron = QLineEdit(box)
        self.cron.textChanged.connect(lambda _t: self._show_next())
        self.repeat_button = QPushButton(self.tr("Repeat"), box)
        self.repeat_button.clicked.connect(self.apply_repeat)
        self.stop_button = QPushButton(self.tr("Stop repeating"), box)
        self.stop_button.clicked.connect(self.stop_repeat)
        row.addWidget(self.rule_kind)
        row.addWidget(self.cron, 1)
        row.addWidget(self.repeat_button)
        row.addWidget(self.stop_button)
        lay.addLayout(row)
        self.next_label = QLabel(box)
        self.next_label.setWordWrap(True)
        lay.addWidget(self.next_label)
        self._kind_changed()
        return box

    def _kind_changed(self) -> None:
        if self.rule_kind.currentData() == WORKING_DAY:
            self.cron.setPlaceholderText(
                self.tr("e.g. 10:00 (Monday to Friday, not a day off or public holiday)")
            )
        else:
            self.cron.setPlaceholderText(self.tr("e.g. 0 10 * * mon (every Monday at 10:00)"))
        self._show_next()

    def rule(self) -> str:
        """The rule as stored: the cron line, or ``first working day HH:MM``."""
        text = self.cron.text().strip()
        if self.rule_kind.currentData() == WORKING_DAY and text:
            return f"{repeats.WORKING_DAY} {text}"
        return text

    def set_rule(self, rule: str) -> None:
        if rule.startswith(repeats.WORKING_DAY):
            self.rule_kind.setCurrentIndex(self.rule_kind.findData(WORKING_DAY))
            self.cron.setText(rule[len(repeats.WORKING_DAY) :].strip())
        else:
            self.rule_kind.setCurrentIndex(self.rule_kind.findData(CRON))
            self.cron.setText(rule)

    # -- loading -----------------------------------------------------------------
    def set_campaign(self, campaign_id: int | None) -> None:
        self.campaign_id = campaign_id
        self.reload()

    def reload(self) -> BackgroundTask | None:
        """Read the lists, the other campaigns and this one's rules off the GUI
        thread (nothing for a campaign not saved yet: it can have no audience)."""
        cid, db, now = self.campaign_id, self.ctx.db, self.ctx.clock.now()
        if cid is None:
            self._arrived((None, [], [], audiences.Audience(), None))
            return None

        def work(_task: BackgroundTask) -> tuple[int | None, Any, Any, Any, Any]:
            from mailer_gui.core.audience import lists  # the import machinery: when used

            with db.read() as s:
                infos = lists.list_lists(s)
                others = [(c.id, c.name) for c in campaigns.listing(s) if c.id != cid]
                aud = audiences.get(s, cid) if cid else audiences.Audience()
                rep = repeats.info(s, cid, now) if cid else None
            return cid, infos, others, aud, rep

        self.loaded = False
        for w in (
            self.send_to,
            self.leave_out,
            self.not_sent,
            self.rule_kind,
            self.cron,
            self.repeat_button,
        ):
            w.setEnabled(False)
        return self._keep(BackgroundTask(work, self._arrived, self._count_failed).start())

    def _keep(self, task: BackgroundTask) -> BackgroundTask:
        # Older tasks stay referenced until they deliver (their signals live in them).
        self._tasks = [t for t in self._tasks if t.running] + [task]
        return task

    def _arrived(self, result: tuple[int | None, Any, Any, Any, Any]) -> None:
        cid, infos, others, aud, rep = result
        if cid != self.campaign_id:
            return  # another campaign was opened meanwhile
        self._loading = True
        self._fill(self.send_to, [(i.id, f"{i.name} ({i.contacts})") for i in infos], aud.lists)
        self._fill(self.leave_out, [(i.id, i.name) for i in infos], aud.exclude_lists)
        self._fill(self.not_sent, others, aud.not_sent_to)
        self.set_rule(rep.cron if rep else "")
        self.stop_button.setEnabled(rep is not None)
        for w in (
            self.send_to,
            self.leave_out,
            self.not_sent,
            self.rule_kind,
            self.cron,
            self.repeat_button,
        ):
            w.setEnabled(self.campaign_id is not None)
        self._loading = False
        self.loaded = True
        self._show_next()
        self._count(aud)

    def _fill(
        self, widget: QListWidget, rows: list[tuple[int, str]], checked: tuple[int, ...]
    ) -> None:
        widget.clear()
        for ref, label in rows:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, ref)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ref in checked else Qt.CheckState.Unchecked)
            widget.addItem(item)

    @staticmethod
    def _checked(widget: QListWidget) -> tuple[int, ...]:
        return tuple(
            int(widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def chosen(self) -> audiences.Audience:
        return audiences.Audience(
            self._checked(self.send_to), self._checked(self.leave_out), self._checked(self.not_sent)
        )

    def check(self, widget: QListWidget, ref: int, on: bool = True) -> None:
        """Tick (or untick) the item for ``ref`` (tests and keyboard users)."""
        for i in range(widget.count()):
            if widget.item(i).data(Qt.ItemDataRole.UserRole) == ref:
                widget.item(i).setCheckState(
                    Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                )

    # -- saving and counting -------------------------------------------------------
    def _changed(self) -> None:
        if not self._loading:
            self._timer.start()

    def _save_and_count(self) -> None:
        if self.campaign_id is None:
            return
        aud = self.chosen()
        try:
            with self.ctx.db.write() as s:
                audiences.set_audience(s, self.campaign_id, aud)
        except MailerError as exc:
            self.count_label.setText(messages.text(exc))
            return
        self._count(aud)

    def _count(self, aud: audiences.Audience) -> None:
        if not aud:
            self.last_count = None
            self.count_label.setText(
                self.tr("No list chosen: the campaign sends to the recipients imported into it.")
            )
            return
        db = self.ctx.db

        def work(_task: BackgroundTask) -> tuple[audiences.Audience, audiences.AudienceCount]:
            with db.read() as s:
                return aud, audiences.count(s, aud)

        self.count_label.setText(self.tr("Counting…"))
        self._keep(BackgroundTask(work, self._counted, self._count_failed).start())

    def _counted(self, result: tuple[audiences.Audience, audiences.AudienceCount]) -> None:
        aud, n = result
        if aud != self.chosen():
            return  # an older count
        self.last_count = n
        self.count_label.setText(
            self.tr(
                "Reaches %1 of %2 contacts on the lists. Left out: %3 on a list left out, "
                "%4 sent an earlier campaign, %5 on the suppression list."
            )
            .replace("%1", str(n.reached))
            .replace("%2", str(n.on_lists))
            .replace("%3", str(n.excluded_by_list))
            .replace("%4", str(n.sent_before))
            .replace("%5", str(n.suppressed))
        )

    def _count_failed(self, exc: BaseException) -> None:
        self.count_label.setText(messages.text(exc))

    # -- repeat --------------------------------------------------------------------------
    def _calendar(self) -> tuple[Any, repeats.Closed]:
        """The settings' zone and its days off and public holidays."""
        from mailer_gui.core.config import settings as settings_mod

        with self.ctx.db.read() as s:
            limits = settings_mod.load(s).limits
        return limits.tz, limits.calendar.closed_day

    def _show_next(self) -> None:
        rule = self.rule()
        if not rule:
            self.next_label.setText(self.tr("Does not repeat."))
            return
        tz, closed = self._calendar()
        try:
            if self.rule_kind.currentData() == WORKING_DAY:
                rule = repeats.working_day_rule(self.cron.text())
            times = repeats.next_times(rule, tz, self.ctx.clock.now(), NEXT_SHOWN, closed)
        except MailerError as exc:
            self.next_label.setText(messages.text(exc))
            return
        now = self.ctx.clock.now()
        shown = ", ".join(display_time(t, tz.key, now) for t in times)
        self.next_label.setText(self.tr("Next: %1").replace("%1", shown))

    def apply_repeat(self) -> None:
        if self.campaign_id is None:
            return
        try:
            with self.ctx.db.write() as s:
                rule = (
                    repeats.working_day_rule(self.cron.text())
                    if self.rule_kind.currentData() == WORKING_DAY
                    else self.cron.text()
                )
                repeats.set_repeat(
                    s,
                    self.campaign_id,
                    rule,
                    self.ctx.clock.now(),
                    repeats.DEFAULT_GRACE,
                )
        except MailerError as exc:
            self.next_label.setText(messages.text(exc))
            return
        self.stop_button.setEnabled(True)
        self._show_next()
        self.ctx.emit("queue")

    def stop_repeat(self) -> None:
        if self.campaign_id is None:
            return
        with self.ctx.db.write() as s:
            repeats.repeat_off(s, self.campaign_id)
        self.cron.setText("")
        self.stop_button.setEnabled(False)
        self.ctx.emit("queue")
