"""Pages of the import wizard: file and options, progress, result."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.ui.editor.recipients import make_table
from mailer_gui.ui.models.recipients import PlainTableModel

ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "cp1251",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "koi8-r",
    "latin-1",
)
# The fields offered a column each; other columns keep a name made from their header.
MAPPED_FIELDS = ("email", "first_name", "last_name")
RED = "color: #c62828;"


class FilePage(QWidget):
    """File chooser, encoding/delimiter/sheet, the column mapping and the first rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(self.tr("Choose a CSV or Excel (.xlsx) file"))
        self.browse = QPushButton(self.tr("Choose file…"))
        self.encoding = QComboBox()
        self.encoding.addItems(list(ENCODINGS))
        self.delimiter = QComboBox()
        for label, value in (
            (self.tr("; semicolon"), ";"),
            (self.tr(", comma"), ","),
            (self.tr("tab"), "\t"),
        ):
            self.delimiter.addItem(label, value)
        self.sheet = QComboBox()
        self.error = QLabel()
        self.error.setObjectName("importError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(RED)
        self.error.hide()
        self.preview_model = PlainTableModel(parent=self)
        self.preview_table = make_table(self.preview_model)
        self.mapping_form = QFormLayout()
        self.mapping: dict[str, QComboBox] = {}
        self._layout()

    def _layout(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        self.options = QGroupBox(self.tr("How to read it"))
        self.options_form = QFormLayout(self.options)
        self.options_form.addRow(self.tr("Encoding"), self.encoding)
        self.options_form.addRow(self.tr("Delimiter"), self.delimiter)
        self.options_form.addRow(self.tr("Sheet"), self.sheet)
        mapping_box = QGroupBox(self.tr("Columns"))
        ml = QVBoxLayout(mapping_box)
        ml.addLayout(self.mapping_form)
        note = QLabel(
            self.tr(
                "Other columns are imported too, named after their header "
                "(e.g. “Company” becomes {{ company }})."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        ml.addWidget(note)
        ml.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.options, 1)
        top.addWidget(mapping_box, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(file_row)
        lay.addWidget(self.error)
        lay.addLayout(top)
        lay.addWidget(QLabel(self.tr("First rows of the file")))
        lay.addWidget(self.preview_table, 1)

    def set_mapping_fields(
        self, fields: list[str], headers: list[str], chosen: dict[str, str]
    ) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.mapping = {}
        for name in fields:
            combo = QComboBox()
            combo.setObjectName(f"map_{name}")
            combo.addItem(
                self.tr("(not imported)") if name != "email" else self.tr("(choose the column)"), ""
            )
            for h in headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(name, ""))))
            self.mapping[name] = combo
            label = "email *" if name == "email" else name
            self.mapping_form.addRow(label, combo)

    def chosen_mapping(self) -> dict[str, str]:
        return {name: str(c.currentData()) for name, c in self.mapping.items() if c.currentData()}

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class ProgressPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self.tr("Importing…"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel = QPushButton(self.tr("Cancel import"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addLayout(row)
        lay.addStretch(2)


class ResultPage(QWidget):
    """Counts, and the rejected rows in a table that can be saved as CSV."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = QLabel()
        self.counts.setObjectName("importCounts")
        self.counts.setWordWrap(True)
        self.rejects_label = QLabel()
        self.rejects_model = PlainTableModel(parent=self)
        self.rejects_table = make_table(self.rejects_model)
        self.export = QPushButton(self.tr("Save rejected rows as CSV…"))
        row = QHBoxLayout()
        row.addWidget(self.rejects_label, 1)
        row.addWidget(self.export)
        lay = QVBoxLayout(self)
        lay.addWidget(self.counts)
        lay.addLayout(row)
        lay.addWidget(self.rejects_table, 1)
