"""A Russian session shows no English string.

Each window and dialog is opened offscreen with the Russian catalogues (ours
and Qt's own ``qtbase``), filled with the screenshot data (campaigns in every
state); then every visible text is collected: window titles, labels, buttons,
group titles, tabs, header sections, tooltips, placeholders, combo items, and
the menus and actions. A word in Latin letters fails the test unless it is a
product, protocol or format name, an address, a URL, a file name, a template
field or a code the operator types (allowlist below).

``MAILER_SHOTS=/tmp/shots`` also saves ``ru-<window>.png`` of each, to look at.
"""

from __future__ import annotations

import codecs
import os
import re
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    QSettings,
    Qt,
    QTranslator,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from sqlalchemy import select

from mailer_gui.core.clock import SimClock
from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.config import presets
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.store.models import Recipient
from mailer_gui.demo import screenshots as staged

from .test_translations import ru_qm, russian  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("russian", "qtbase_ru")

# Names that are the same in Russian: the product, protocols, formats, standards.
ALLOWED = {
    "mailer",
    "smtp",
    "tls",
    "starttls",
    "ssl",
    "imap",
    "csv",
    "xlsx",
    "xls",
    "pdf",
    "utf",
    "html",
    "excel",
    "ca",
    "pem",
    "der",
    "crt",
    "iana",
    "mail",
    "from",
    "rcpt",
    "to",
    "data",
    "auth",
    "rfc",
    "id",
    "utc",
    "gmt",
    "ctrl",
    "shift",
    "alt",
    "tab",
    "esc",
    "enter",
    "ok",
    "english",
    "python",
    "qt",
    "pyside",
    "sqlite",
    "cp",
    "dkim",
    "spf",
    "txt",
    "tsv",
    "md",
    "ms",
    "pt",
    "mb",
    "kb",
    "gb",
    "dpi",
    "https",
    "http",
    "url",
    "ip",
    "pid",
    "none",
    "b",
    "email",
    "cron",  # the Repeat rule's syntax, typed as is: "0 10 * * mon"
    "mon",
    # the sign-in providers' names (brands)
    "microsoft",
    "google",
    "gmail",
    "workspace",
}
# Tokens that are not words: addresses, URLs, paths, file patterns, {{ fields }},
# {placeholders}, zone names (Europe/Moscow) and host names (smtp.example.com).
NOT_WORDS = re.compile(
    r"\b[245]\d\d[ -](?:[245]\.\d+\.\d+ )?.*"  # an SMTP reply: the server's own words
    r"|\b(?:Ctrl|Shift|Alt)\+\w+"  # a shortcut, as the keyboard labels it
    r"|\{\{.*?\}\}|\{\w+\}|<[^>]+>|&\w+;|\S+@\S+|\w+://\S+|\S*[/\\]\S*|\*\.\w+"
    r"|\b[\w-]+(?:\.[\w-]+)+\b|`[^`]*`|--[\w-]+|\b\w*\d\w*\b|\b[A-Z]{2,5}\b(?=[^a-z]|$)"
    r"|\b\w+_\w+\b"
)  # a field's key (first_name), as templates name it
LATIN = re.compile(r"[A-Za-z]+")


ZONES = zoneinfo.available_timezones()


def _is_name(text: str) -> bool:
    """A zone or encoding offered by name (``Europe/Moscow``, ``koi8-r``): a code;
    or a provider's own name (``Gmail``, ``Amazon SES (eu-west-1)``): a brand."""
    try:
        codecs.lookup(text)
        return True
    except LookupError:
        return text in ZONES or text in {p.name for p in presets.load()}


def english_words(text: str) -> list[str]:
    cleaned = NOT_WORDS.sub(" ", text.replace("&", ""))
    return [w for w in LATIN.findall(cleaned) if w.lower() not in ALLOWED]


def _model_texts(model: QAbstractItemModel | None) -> Iterator[tuple[str, str]]:
    if model is None:
        return
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model: no header
        return
    for section in range(columns):
        for role, what in (
            (Qt.ItemDataRole.DisplayRole, "header"),
            (Qt.ItemDataRole.ToolTipRole, "header tooltip"),
        ):
            value = model.headerData(section, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield what, value


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person can see or hover in ``root``."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        name = f"{type(w).__name__}({w.objectName() or ''})"
        if w.isWindow():
            yield f"{name} title", w.windowTitle()
        yield f"{name} tooltip", w.toolTip()
        yield f"{name} status tip", w.statusTip()
        if isinstance(w, QLabel):
            yield f"{name} text", w.text()
        elif isinstance(w, QAbstractButton):
            yield f"{name} text", w.text()
        elif isinstance(w, QGroupBox):
            yield f"{name} title", w.title()
        elif isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit):
            yield f"{name} placeholder", w.placeholderText()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                if not _is_name(w.itemText(i)):
                    yield f"{name} item {i}", w.itemText(i)
        elif isinstance(w, QMenu):
            yield f"{name} title", w.title()
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield f"{name} tab {i}", w.tabText(i)
                yield f"{name} tab {i} tooltip", w.tabToolTip(i)
        if isinstance(w, QAbstractItemView):
            for what, text in _model_texts(w.model()):
                yield f"{name} {what}", text
        for a in QWidget.actions(w):
            yield f"{name} action", a.text()
            yield f"{name} action tooltip", a.toolTip()
            if a.menu() is not None:
                yield f"{name} menu", a.menu().title()


def english_in(root: QWidget, data: frozenset[str] = frozenset()) -> list[str]:
    """What in ``root`` has English words; ``data``: the operator's own texts (a
    file's column names), shown as they are."""
    return [
        f"{where}: {text!r} ({', '.join(words)})"
        for where, text in visible_texts(root)
        if text and text not in data
        for words in [english_words(text)]
        if words
    ]


@pytest.fixture
def qtbase_ru() -> Iterator[QTranslator]:
    """Qt's own catalogue and Russian numbers and dates, as ``i18n.install_translators``
    sets them for a Russian session; undone afterwards."""
    tr = QTranslator()
    assert tr.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    QCoreApplication.installTranslator(tr)
    locale = QLocale()
    QLocale.setDefault(QLocale("ru_RU"))
    yield tr
    QLocale.setDefault(locale)
    QCoreApplication.removeTranslator(tr)


@pytest.fixture
def staged_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """The screenshot data: campaigns in each state, at the screenshots' moment."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    ctx = open_context(
        tmp_path / "data",
        clock=SimClock(staged.NOW),
        secrets=SecretStore(use_env=False),
        allow_reserved_domains=True,
    )
    ctx.staged_ids = staged.fill_demo(ctx, "ru")  # type: ignore[attr-defined]
    yield ctx
    ctx.close()


def _shot(widget: QWidget, name: str, size: tuple[int, int] | None = None) -> None:
    from PySide6.QtTest import QTest

    if size:
        widget.resize(*size)
    widget.show()
    QTest.qWait(50)
    folder = os.environ.get("MAILER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"ru-{name}.png"))


def _check(
    qtbot: Any,
    widget: QWidget,
    name: str,
    size: tuple[int, int] | None = None,
    data: frozenset[str] = frozenset(),
) -> None:
    qtbot.addWidget(widget)
    _shot(widget, name, size)
    left = english_in(widget, data)
    assert not left, f"{name}: English in a Russian session:\n" + "\n".join(left)


def test_the_detector_finds_english_and_lets_names_through():
    assert english_words("Cancel") == ["Cancel"]
    assert english_words("Отмена") == []
    assert english_words("SMTP-сервер smtp.example.com, порт 587 (STARTTLS)") == []
    assert english_words("Europe/Moscow · news@example.com · {{ first_name }}") == []
    assert english_words("Файлы CSV (*.csv);;Все файлы (*)") == []
    assert english_words("Ждёт: outside working hours") == ["outside", "working", "hours"]


def test_main_window_and_editor(qtbot, staged_ctx):
    from mailer_gui.ui.window.main_window import MainWindow

    ids = staged_ctx.staged_ids
    with staged_ctx.db.read() as s:
        snap = snapshot.build(s, staged.NOW)
    win = MainWindow(staged_ctx, start_worker=False)
    win.on_snapshot(snap)
    win.campaign_list.select(ids["sending"])
    win.open_campaign(ids["sending"])
    _check(qtbot, win, "main_window", (1400, 900))
    editor = win.editor_page
    for i in range(editor.tabs.count()):  # the recipients tab too
        editor.tabs.setCurrentIndex(i)
        _shot(editor, f"editor-{i}")
    assert not english_in(editor)
    win.worker.stop_and_wait()


def test_welcome(qtbot, tmp_path):
    from mailer_gui.ui.window.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    ctx = open_context(
        tmp_path / "first", clock=SimClock(staged.NOW), secrets=SecretStore(use_env=False)
    )
    try:
        win = MainWindow(ctx, start_worker=False)
        _check(qtbot, win, "welcome", (1200, 760))
        win.worker.stop_and_wait()
    finally:
        ctx.close()


def test_queue_panel(qtbot, staged_ctx):
    from mailer_gui.ui.queue.panel import QueuePanel

    with staged_ctx.db.read() as s:
        snap = snapshot.build(s, staged.NOW)
    panel = QueuePanel(staged_ctx)
    panel.on_snapshot(snap)
    _check(qtbot, panel, "queue_panel", (1250, 330))
    # The table's own cells: statuses and reasons; a reason's tooltip is its code
    # (for support), then the hold's detail in words.
    model = panel.model
    left = []
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            shown = model.index(r, c).data()
            tip = model.index(r, c).data(Qt.ItemDataRole.ToolTipRole)
            texts = [shown] + (
                [tip.split("\n", 1)[1]] if isinstance(tip, str) and "\n" in tip else []
            )
            left += [x for x in texts if isinstance(x, str) and english_words(x)]
    assert not left, left


def _uncertain(ctx: AppContext) -> int:
    """Two recipients left uncertain by a stop mid-send (start-up repair's words)."""
    cid = ctx.staged_ids["smtp_auth_failed"]  # type: ignore[attr-defined]
    with ctx.db.write() as s:
        for r in s.scalars(
            select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.id).limit(2)
        ):
            r.status, r.reply = RecipientStatus.UNCERTAIN, queue.RECONCILE_REPLY
            r.claimed_at = r.finished_at = staged.NOW
    return int(cid)


def _dialogs() -> list[tuple[str, Callable[[AppContext, Path], QWidget]]]:
    from mailer_gui.ui.dialogs.export import ExportDialog
    from mailer_gui.ui.dialogs.import_wizard import ImportWizard
    from mailer_gui.ui.dialogs.settings import SettingsDialog
    from mailer_gui.ui.queue.resolve_dialog import ResolveDialog
    from mailer_gui.ui.window.about import AboutDialog

    def ids(ctx: AppContext) -> dict[str, int]:
        return ctx.staged_ids  # type: ignore[attr-defined, no-any-return]

    return [
        (
            "settings",
            lambda ctx, tmp: SettingsDialog(
                ctx, qsettings=QSettings(str(tmp / "gui.ini"), QSettings.Format.IniFormat)
            ),
        ),
        (
            "import_wizard",
            lambda ctx, tmp: ImportWizard(ctx, ids(ctx)["paused"], path=staged._csv(tmp)),
        ),
        ("export_campaign", lambda ctx, tmp: ExportDialog(ctx, ids(ctx)["completed"])),
        ("export_period", lambda ctx, tmp: ExportDialog(ctx, None)),
        ("resolve", lambda ctx, tmp: ResolveDialog(ctx, _uncertain(ctx), "Программа лояльности")),
        ("about", lambda ctx, tmp: AboutDialog(ctx)),
    ]


@pytest.mark.parametrize("name", [n for n, _ in _dialogs()])
def test_dialog(qtbot, staged_ctx, tmp_path, name):
    make = dict(_dialogs())[name]
    dialog = make(staged_ctx, tmp_path)
    # The import wizard shows the file's own column names (email, first_name, city).
    _check(qtbot, dialog, name, data=frozenset({"city", "email *"}))
    for tabs in dialog.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            _shot(dialog, f"{name}-{i}")


def test_import_wizard_result_page(qtbot, staged_ctx, tmp_path):
    """After an import: counts and the rejected rows with their reasons, in Russian."""
    from mailer_gui.ui.dialogs.import_wizard import ImportWizard

    wizard = ImportWizard(staged_ctx, staged_ctx.staged_ids["paused"], path=staged._csv(tmp_path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_import()
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=15_000)
    _shot(wizard, "import_result")
    model = wizard.result_page.rejects_model
    reasons = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert reasons and all(r for r in reasons)
    left = [r for r in reasons if english_words(r.split(":", 1)[0])]
    assert not left, reasons
    assert not english_in(wizard, frozenset({"city", "email *"}))


def test_outbox(qtbot, tmp_path):
    from mailer_gui.demo import mode as demo
    from mailer_gui.ui.window.outbox import OutboxWindow

    session = demo.start_demo(tmp_path / "demo")
    try:
        _check(qtbot, OutboxWindow(session), "outbox")
    finally:
        session.stop()


def test_preflight_problems_in_the_editor(qtbot, staged_ctx):
    """The problems found before sending: the part and the problem in Russian."""
    from mailer_gui.core.content import campaigns
    from mailer_gui.core.content.preflight import preflight
    from mailer_gui.ui.editor.editor import CampaignEditor

    with staged_ctx.db.write() as s:
        c = campaigns.create(s, "Пустое письмо", "Тема {{ first_name }", "", None, staged.NOW)
        campaigns.add_recipients(s, c.id, [(2, "anna@example.org", {"first_name": "Анна"})])
        cid = c.id
    with staged_ctx.db.read() as s:
        problems = preflight(s, cid)
    editor = CampaignEditor(staged_ctx)
    qtbot.addWidget(editor)
    editor.recipients.show_preflight(problems)
    model = editor.recipients.preflight_model
    rows = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert {(r[2], r[3].split(":")[0]) for r in rows} == {
        ("тема", "ошибка в шаблоне (строка 1)"),
        ("HTML", "письмо пустое; напишите HTML или текст"),
    }
    assert not english_in(editor.recipients)


def test_qt_file_dialog(qtbot, tmp_path):
    """Qt's own file dialog (the non-native one, used where the desktop has none)."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(None, "Выберите файл", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setNameFilter("Таблицы (*.csv *.xlsx)")
    # The folder names it lists are the disk's own (tmp, root), not words of the app.
    folders = frozenset(p for p in str(tmp_path).split("/") if p) | {"root", "/"}
    _check(qtbot, dialog, "qfiledialog", (700, 420), data=folders)
