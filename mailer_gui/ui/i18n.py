"""Languages: English source strings, Russian shipped; system language by default.

The compiled ``.qm`` files are produced at build time (``i18n_build``), never
at start-up: an installed copy finds them in ``mailer_gui/translations``, a
development checkout in ``resources/translations`` after
``python -m mailer_gui.ui.i18n_build``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

import mailer_gui
from mailer_gui.qt.language import system_language

SUPPORTED = ("en", "ru")
LANG_KEY = "ui/language"  # "system", "en" or "ru"
QM_BASENAME = "mailer_gui"
PACKAGE_QM_DIR = Path(mailer_gui.__file__).resolve().parent / "translations"
SOURCE_TS_DIR = Path(mailer_gui.__file__).resolve().parent.parent / "resources" / "translations"

_installed: list[QTranslator] = []


def gui_settings() -> QSettings:
    """The per-user GUI preferences (language, window layout), not per database."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mailer-gui", "mailer-gui"
    )


def language_choice() -> str:
    value = str(gui_settings().value(LANG_KEY, "system") or "system")
    return value if value in ("system", *SUPPORTED) else "system"


def set_language_choice(choice: str) -> None:
    """Store ``system``, ``en`` or ``ru``; it takes effect at the next start."""
    if choice not in ("system", *SUPPORTED):
        raise ValueError(choice)
    s = gui_settings()
    s.setValue(LANG_KEY, choice)
    s.sync()


def effective_language(choice: str | None = None) -> str:
    choice = choice or language_choice()
    if choice != "system":
        return choice
    return system_language(SUPPORTED)


def number_text(n: int) -> str:
    """``4,210`` / ``4 210``: grouped in the UI language (the C locale groups nothing)."""
    loc = QLocale()
    if loc.language() == QLocale.Language.C:
        loc = QLocale("en_US")
    return loc.toString(n)


def qm_path(language: str) -> Path | None:
    """The compiled catalogue for ``language``, installed copy first."""
    for folder in (PACKAGE_QM_DIR, SOURCE_TS_DIR):
        path = folder / f"{QM_BASENAME}_{language}.qm"
        if path.is_file():
            return path
    return None


def install_translators(app: QApplication, language: str | None = None) -> str:
    """Install our catalogue and Qt's own (standard buttons); returns the language."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    lang = effective_language(language)
    if QLocale.system().name().split("_")[0] != lang:
        # Numbers and dates follow the chosen language, not a different system one.
        QLocale.setDefault(QLocale("ru_RU" if lang == "ru" else "en_US"))
    if lang == "en":
        return lang
    ours = qm_path(lang)
    if ours is not None:
        tr = QTranslator(app)
        if tr.load(str(ours)):
            app.installTranslator(tr)
            _installed.append(tr)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_tr = QTranslator(app)
    if qt_tr.load(f"qtbase_{lang}", qt_dir):
        app.installTranslator(qt_tr)
        _installed.append(qt_tr)
    return lang
