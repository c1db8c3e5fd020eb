"""Invalid values marked at the field: a red border and a message under it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

ERROR_STYLE = "border: 1px solid #c62828; border-radius: 2px;"


class FieldMarks:
    """Registry of field name -> (input widget, message label)."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def wrap(self, name: str, widget: QWidget) -> QWidget:
        """A container holding ``widget`` and, under it, a hidden message label."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        label = QLabel()
        label.setObjectName(f"error_{name}")
        label.setWordWrap(True)
        label.setStyleSheet("color: #c62828;")
        label.hide()
        lay.addWidget(label)
        if not widget.objectName():
            widget.setObjectName(f"field_{name}")
        # A plain container (e.g. a row of check boxes) draws a border only so.
        widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._fields[name] = (widget, label)
        return box

    def mark(self, name: str, message: str) -> bool:
        """Mark a field; False if the name is unknown here."""
        if name not in self._fields:
            return False
        widget, label = self._fields[name]
        widget.setProperty("invalid", True)
        widget.setStyleSheet(f"#{widget.objectName()} {{{ERROR_STYLE}}}")
        label.setText(message[:1].upper() + message[1:])
        label.show()
        return True

    def clear(self, name: str | None = None) -> None:
        for key in [name] if name else list(self._fields):
            if key not in self._fields:
                continue
            widget, label = self._fields[key]
            widget.setProperty("invalid", False)
            widget.setStyleSheet("")
            label.clear()
            label.hide()

    def is_marked(self, name: str) -> bool:
        return name in self._fields and bool(self._fields[name][0].property("invalid"))

    def message(self, name: str) -> str:
        return self._fields[name][1].text() if name in self._fields else ""

    def marked(self) -> list[str]:
        return [k for k in self._fields if self.is_marked(k)]

    def widget(self, name: str) -> QWidget:
        return self._fields[name][0]
