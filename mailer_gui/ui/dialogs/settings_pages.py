"""The limits page of the settings dialog: limits, the sending calendar, quota sync
(the SMTP account page is ``smtp_page.py``)."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config import presets
from mailer_gui.core.config.settings import DAY_NAMES, MAX_MIN_GAP, LimitSettings, QuotaSync
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import calendar as cal
from mailer_gui.core.sending import pacing
from mailer_gui.ui import countries
from mailer_gui.ui.editor.field_validation import FieldMarks
from mailer_gui.ui.timefmt import full_time

BAD_CELL = QColor("#fde0e0")


class LimitsPage(QWidget):
    """The limits (per minute, hour, day, month), the sending calendar and the quota sync.

    The calendar: one row per weekday with its windows as text
    ("09:00–13:00, 14:00–18:00"; empty = closed), checked cell by cell; days
    off by date; the public holidays of a country (the ``holidays`` package)."""

    def __init__(self, marks: FieldMarks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = marks
        self.per_minute = QSpinBox()
        self.per_minute.setRange(0, 1_000_000)
        self.per_minute.setSpecialValueText(self.tr("no limit"))
        self.hourly = QSpinBox()
        self.hourly.setRange(0, 1_000_000)
        self.daily = QSpinBox()
        self.daily.setRange(0, 100_000_000)
        self.daily.setGroupSeparatorShown(True)
        self.daily.setSpecialValueText(self.tr("no limit"))
        self.monthly = QSpinBox()
        self.monthly.setRange(0, 100_000_000)
        self.monthly.setGroupSeparatorShown(True)
        self._build_pacing()
        self._build_windows()
        self._build_days_off()
        self._build_holidays()
        self._build_timezone()
        self.quota_used_spin = QSpinBox()
        self.quota_used_spin.setRange(-1, 100_000_000)
        self.quota_used_spin.setSpecialValueText(self.tr("no change"))
        self.quota_used_spin.setGroupSeparatorShown(True)
        self.quota_info = QLabel()
        self.quota_info.setWordWrap(True)
        self._layout()

    def _build_pacing(self) -> None:
        self.pacing = QComboBox()
        for code, label in (
            ("off", self.tr("Off: as fast as the limits allow")),
            ("spread", self.tr("Spread evenly over the strictest limit")),
            ("min_gap", self.tr("At least a fixed gap between messages")),
        ):
            self.pacing.addItem(label, code)
        self.min_gap = QDoubleSpinBox()
        self.min_gap.setRange(0.1, MAX_MIN_GAP)
        self.min_gap.setDecimals(1)
        self.min_gap.setValue(10.0)
        self.min_gap.setSuffix(self.tr(" s"))
        self.min_gap.setMaximumWidth(180)
        self.pacing_info = QLabel()
        self.pacing_info.setObjectName("pacingInfo")
        self.pacing_info.setStyleSheet("color: #666;")
        self.pacing.currentIndexChanged.connect(self._show_pacing)
        self.min_gap.valueChanged.connect(self._show_pacing)
        for spin in (self.per_minute, self.hourly, self.daily):
            spin.valueChanged.connect(self._show_pacing)

    def _pacing_settings(self) -> LimitSettings:
        mode = str(self.pacing.currentData())
        return LimitSettings(
            hourly=max(1, self.hourly.value()),
            per_minute=self.per_minute.value(),
            daily=self.daily.value(),
            pacing=mode,
            min_gap=self.min_gap.value() if mode == "min_gap" else 0.0,
        )

    def _show_pacing(self) -> None:
        """The gap the chosen pacing gives with the limits as entered now."""
        self.min_gap.setEnabled(self.pacing.currentData() == "min_gap")
        gap = pacing.gap(self._pacing_settings())
        self.pacing_info.setText(
            ""
            if gap is None
            else self.tr("At most one message every {seconds} s.").format(
                seconds=f"{gap.total_seconds():g}"
            )
        )

    def apply_preset(self, p: presets.Preset) -> None:
        """The preset's documented limits (the rest stays as entered)."""
        cur = LimitSettings(
            hourly=max(1, self.hourly.value()),
            monthly=max(1, self.monthly.value()),
            per_minute=self.per_minute.value(),
            daily=self.daily.value(),
        )
        new = presets.limits_of(p, cur)
        self.per_minute.setValue(new.per_minute)
        self.hourly.setValue(new.hourly)
        self.daily.setValue(new.daily)
        self.monthly.setValue(new.monthly)

    def _day_labels(self) -> tuple[str, ...]:
        return (
            self.tr("Mon"),
            self.tr("Tue"),
            self.tr("Wed"),
            self.tr("Thu"),
            self.tr("Fri"),
            self.tr("Sat"),
            self.tr("Sun"),
        )

    def _build_windows(self) -> None:
        t = self.windows_table = QTableWidget(7, 1)
        t.setHorizontalHeaderLabels([self.tr("Sending windows")])
        t.setVerticalHeaderLabels(list(self._day_labels()))
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        row_height = t.fontMetrics().height() + 10
        for row in range(7):
            t.setItem(row, 0, QTableWidgetItem(""))
            t.setRowHeight(row, row_height)
        t.setMinimumWidth(250)
        t.setFixedHeight(
            t.horizontalHeader().sizeHint().height() + 7 * row_height + 2 * t.frameWidth()
        )
        t.itemChanged.connect(self._check_cell)

    def _build_days_off(self) -> None:
        self.day_off_date = QDateEdit()
        self.day_off_date.setCalendarPopup(True)
        self.day_off_date.setDisplayFormat("yyyy-MM-dd")
        self.day_off_date.setDate(QDate.currentDate())
        self.add_day_off = QPushButton(self.tr("Add"))
        self.remove_day_off = QPushButton(self.tr("Remove"))
        self.days_off_list = QListWidget()
        self.days_off_list.setMaximumHeight(96)
        self.add_day_off.clicked.connect(self._on_add_day_off)
        self.remove_day_off.clicked.connect(self._on_remove_day_off)

    def _build_holidays(self) -> None:
        self.holiday_country = QComboBox()
        self.holiday_country.addItem(self.tr("None"), "")
        for code, name in countries.holiday_countries(cal.holiday_countries()):
            self.holiday_country.addItem(f"{name} ({code})", code)
        self.holiday_subdiv = QComboBox()
        self.holiday_country.currentIndexChanged.connect(self._on_country_changed)
        self._on_country_changed()

    def _on_country_changed(self) -> None:
        code = str(self.holiday_country.currentData() or "")
        self.holiday_subdiv.clear()
        self.holiday_subdiv.addItem(self.tr("Whole country"), "")
        for sub in cal.supported_countries().get(code, []) if code else []:
            self.holiday_subdiv.addItem(sub, sub)
        self.holiday_subdiv.setEnabled(self.holiday_subdiv.count() > 1)

    def _on_add_day_off(self) -> None:
        day = self.day_off_date.date().toString("yyyy-MM-dd")
        present = [self.days_off_list.item(i).text() for i in range(self.days_off_list.count())]
        if day not in present:
            self._set_days_off(tuple(sorted([*present, day])))

    def _on_remove_day_off(self) -> None:
        for item in self.days_off_list.selectedItems():
            self.days_off_list.takeItem(self.days_off_list.row(item))

    def _set_days_off(self, days: tuple[str, ...]) -> None:
        self.days_off_list.clear()
        self.days_off_list.addItems(list(days))

    def days_off(self) -> tuple[str, ...]:
        return tuple(self.days_off_list.item(i).text() for i in range(self.days_off_list.count()))

    def set_windows(self, day: int, text: str) -> None:
        """Put ``text`` in the row of weekday ``day`` (0 = Monday), as typing does."""
        item = self.windows_table.item(day, 0)
        assert item is not None
        item.setText(text)

    def windows_text(self, day: int) -> str:
        item = self.windows_table.item(day, 0)
        return item.text().strip() if item is not None else ""

    def _cell_error(self, day: int) -> str | None:
        """Why row ``day`` is not a list of windows, in the operator's language."""
        try:
            cal.parse_windows(self.windows_text(day))
        except SettingsError:
            return self.tr(
                "{day}: “{text}” is not a list of windows: write HH:MM–HH:MM, "
                "several separated by commas (09:00–13:00, 14:00–18:00), each "
                "with different start and end."
            ).format(day=self._day_labels()[day], text=self.windows_text(day))
        return None

    def _check_cell(self, item: QTableWidgetItem) -> None:
        error = self._cell_error(item.row())
        self.windows_table.blockSignals(True)
        try:
            item.setBackground(BAD_CELL if error else QColor(0, 0, 0, 0))
            item.setToolTip(error or "")
        finally:
            self.windows_table.blockSignals(False)

    def _build_timezone(self) -> None:
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(sorted(available_timezones()))
        completer = QCompleter(self.timezone.model(), self.timezone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.timezone.setCompleter(completer)

    def _layout(self) -> None:
        m = self.marks
        limits = QGroupBox(self.tr("Provider limits"))
        f1 = QFormLayout(limits)
        f1.addRow(self.tr("Messages per minute"), m.wrap("per_minute", self.per_minute))
        f1.addRow(self.tr("Messages per hour"), m.wrap("hourly", self.hourly))
        f1.addRow(self.tr("Messages per day"), m.wrap("daily", self.daily))
        f1.addRow(self.tr("Messages per month"), m.wrap("monthly", self.monthly))
        pace = QHBoxLayout()
        pace.addWidget(m.wrap("pacing", self.pacing), 1)
        pace.addWidget(m.wrap("min_gap", self.min_gap))
        f1.addRow(self.tr("Pacing"), pace)
        f1.addRow("", self.pacing_info)
        rules_hint = QLabel(
            self.tr(
                "Each limit holds over the clock minute, hour, local day or calendar month "
                "and over the last 60 seconds, 60 minutes or 24 hours. 0: no limit "
                "(per minute and per day)."
            )
        )
        rules_hint.setWordWrap(True)
        rules_hint.setStyleSheet("color: #666;")
        f1.addRow(rules_hint)
        hours = self._hours_box()
        quota = QGroupBox(self.tr("Provider quota sync"))
        f3 = QFormLayout(quota)
        f3.addRow(self.quota_info)
        f3.addRow(
            self.tr("Used this month, as the provider shows now"),
            m.wrap("used", self.quota_used_spin),
        )
        for w in (self.per_minute, self.hourly, self.daily, self.monthly, self.quota_used_spin):
            w.setMaximumWidth(180)
        lay = QVBoxLayout(self)
        for box in (limits, hours, quota):
            lay.addWidget(box)
        lay.addStretch(1)

    def _hours_box(self) -> QGroupBox:
        """The sending calendar: the weekday windows, the zone, days off, holidays."""
        m = self.marks
        hours = QGroupBox(self.tr("Working hours"))
        rows = QVBoxLayout(hours)
        grid = QHBoxLayout()
        right = QFormLayout()
        right.addRow(self.tr("Time zone"), m.wrap("timezone", self.timezone))
        add_row = QHBoxLayout()
        add_row.addWidget(self.day_off_date, 1)
        add_row.addWidget(self.add_day_off)
        add_row.addWidget(self.remove_day_off)
        days_off = QVBoxLayout()
        days_off.addLayout(add_row)
        days_off.addWidget(m.wrap("days_off", self.days_off_list))
        right.addRow(self.tr("Days off"), days_off)
        right.addRow(self.tr("Public holidays"), m.wrap("holidays", self.holiday_country))
        right.addRow(self.tr("Region"), self.holiday_subdiv)
        right_column = QVBoxLayout()
        right_column.addLayout(right)
        right_column.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(m.wrap("windows", self.windows_table))
        left.addStretch(1)
        grid.addLayout(left, 3)
        grid.addLayout(right_column, 2)
        rows.addLayout(grid)
        hint = QLabel(
            self.tr(
                "Several windows a day: 09:00–13:00, 14:00–18:00. Empty: closed. "
                "An end before the start runs past midnight (22:00–02:00); "
                "00:00–24:00 is all day."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        rows.addWidget(hint)
        return hours

    def fill(self, limits: LimitSettings, quota: QuotaSync | None) -> None:
        self.per_minute.setValue(limits.per_minute)
        self.hourly.setValue(limits.hourly)
        self.daily.setValue(limits.daily)
        self.monthly.setValue(limits.monthly)
        self.pacing.setCurrentIndex(max(0, self.pacing.findData(limits.pacing)))
        if limits.pacing == "min_gap":
            self.min_gap.setValue(limits.min_gap)
        self._show_pacing()
        for day, windows in enumerate(limits.week):
            self.set_windows(day, ", ".join(w.text.replace("-", "–") for w in windows))
        self._set_days_off(limits.days_off)
        country, _, sub = limits.holidays.partition("-")
        self.holiday_country.setCurrentIndex(max(0, self.holiday_country.findData(country)))
        self.holiday_subdiv.setCurrentIndex(max(0, self.holiday_subdiv.findData(sub)))
        self.timezone.setCurrentText(limits.timezone)
        self.quota_used_spin.setValue(-1)
        if quota is None:
            self.quota_info.setText(
                self.tr("Not synced yet: the month's usage counts only messages sent by this app.")
            )
        else:
            when = full_time(quota.synced_at, limits.timezone)
            self.quota_info.setText(
                self.tr(
                    "Last sync: {used} used as of {when}; messages sent since are added."
                ).format(used=f"{quota.used:,}", when=when)
            )

    def collect(self) -> LimitSettings:
        """The limits as entered; raises SettingsError("windows", ...) naming the
        first weekday whose windows do not parse. A calendar of one window on
        some days is kept in the one-window form older versions read."""
        code = str(self.holiday_country.currentData() or "")
        sub = str(self.holiday_subdiv.currentData() or "")
        base = LimitSettings(
            hourly=self.hourly.value(),
            monthly=self.monthly.value(),
            per_minute=self.per_minute.value(),
            daily=self.daily.value(),
            pacing=str(self.pacing.currentData()),
            min_gap=self.min_gap.value() if self.pacing.currentData() == "min_gap" else 0.0,
            timezone=self.timezone.currentText().strip(),
            days_off=self.days_off(),
            holidays=f"{code}-{sub}" if code and sub else code,
        )
        base.validate()  # the limits and the zone first, as the core orders its checks
        for day in range(7):
            error = self._cell_error(day)
            if error:
                self.windows_table.setCurrentCell(day, 0)
                raise SettingsError("windows", error)
        week = tuple(cal.parse_windows(self.windows_text(d)) for d in range(7))
        if not any(week):
            raise SettingsError(
                "windows",
                self.tr("The calendar has no sending time: add a window to at least one weekday."),
            )
        shapes = {ws for ws in week if ws}
        (only,) = shapes if len(shapes) == 1 else ((),)
        if len(only) == 1 and not only[0].crosses_midnight:
            start, end = only[0].text.split("-")
            return replace(
                base,
                start=start,
                end=end,
                days=tuple(n for n, ws in zip(DAY_NAMES, week, strict=True) if ws),
            )
        return base.with_calendar(windows=tuple(",".join(w.text for w in ws) for ws in week))

    def quota_used(self) -> int | None:
        value = self.quota_used_spin.value()
        return None if value < 0 else value
