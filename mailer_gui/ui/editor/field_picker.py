"""A button whose menu inserts ``{{ field }}`` into the last focused text field."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLineEdit, QMenu, QPlainTextEdit, QToolButton, QWidget

Target = QLineEdit | QPlainTextEdit


class FieldPicker(QObject):
    """Owns ``button``; remembers which of ``targets`` had the focus last."""

    def __init__(self, targets: Sequence[Target], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.targets = list(targets)
        self.target: Target = self.targets[min(1, len(self.targets) - 1)]
        self.fields: list[str] = []
        self.button = QToolButton()
        self.button.setText(self.tr("Insert field"))
        self.button.setToolTip(self.tr("Insert a personal field where the cursor is"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.button.setMenu(self.menu)
        for t in self.targets:
            t.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self.targets:
            self.target = watched  # type: ignore[assignment]
        return False

    def set_fields(self, fields: Sequence[str]) -> None:
        self.fields = list(fields)
        self.menu.clear()
        for name in self.fields:
            action = self.menu.addAction(name)
            action.triggered.connect(lambda _checked=False, n=name: self.insert(n))

    def insert(self, name: str, target: QWidget | None = None) -> None:
        """Insert ``{{ name }}`` at the cursor of ``target`` (default: last focused)."""
        widget = target if target is not None else self.target
        snippet = "{{ " + name + " }}"
        if isinstance(widget, QLineEdit):
            widget.insert(snippet)
        elif isinstance(widget, QPlainTextEdit):
            widget.insertPlainText(snippet)
        widget.setFocus()
