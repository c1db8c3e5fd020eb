"""Qt's own words that the ``qtbase_ru`` catalogue shipped with PySide6 lacks.

Qt's file dialog labels "&Look in:" and "Files of &type:" (with accelerators);
Qt's Russian catalogue has them only without (``Look in:``). They are listed
here so that ``lupdate`` puts them in our catalogue, which Qt consults when
its own has no entry (``i18n.install_translators`` installs both). Not
imported at run time: the marks are for the extraction only.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_WORDS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)
