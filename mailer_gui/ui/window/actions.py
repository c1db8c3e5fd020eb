"""The main window's actions, menus and toolbar (shortcuts as in the issue)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from mailer_gui.ui import i18n


@dataclass
class WindowActions:
    new: QAction
    save: QAction
    send_test: QAction
    enqueue: QAction
    pause_resume: QAction
    duplicate: QAction
    contacts: QAction
    settings: QAction
    export: QAction
    import_: QAction
    about: QAction
    outbox: QAction
    check_mailbox: QAction
    suppression: QAction
    quit: QAction


def _action(
    w: QMainWindow,
    text: str,
    shortcut: str | QKeySequence.StandardKey | None,
    slot: Any,
    tip: str = "",
) -> QAction:
    act = QAction(text, w)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.triggered.connect(slot)
    return act


def build_actions(w: Any) -> WindowActions:
    """Every action of the window: the campaign's, then the dialogs' and Quit."""
    return WindowActions(**_campaign_actions(w), **_dialog_actions(w))


def _campaign_actions(w: Any) -> dict[str, QAction]:
    return dict(
        new=_action(
            w,
            QCoreApplication.translate("MainWindow", "&New campaign"),
            "Ctrl+N",
            w.new_campaign,
            QCoreApplication.translate("MainWindow", "Start a new campaign"),
        ),
        save=_action(
            w,
            QCoreApplication.translate("MainWindow", "&Save"),
            "Ctrl+S",
            w.save_campaign,
            QCoreApplication.translate("MainWindow", "Save the campaign"),
        ),
        send_test=_action(
            w,
            QCoreApplication.translate("MainWindow", "Send &test"),
            "Ctrl+T",
            w.send_test,
            QCoreApplication.translate("MainWindow", "Send the campaign to your own address"),
        ),
        enqueue=_action(
            w,
            QCoreApplication.translate("MainWindow", "&Enqueue"),
            "Ctrl+E",
            w.enqueue_campaign,
            QCoreApplication.translate("MainWindow", "Put the campaign in the sending queue"),
        ),
        pause_resume=_action(
            w,
            QCoreApplication.translate("MainWindow", "&Pause/Resume"),
            "Ctrl+P",
            w.pause_resume,
            QCoreApplication.translate("MainWindow", "Pause or resume the current campaign"),
        ),
        duplicate=_action(
            w,
            QCoreApplication.translate("MainWindow", "&Duplicate"),
            "Ctrl+D",
            w.duplicate_campaign,
            QCoreApplication.translate(
                "MainWindow", "A new campaign with this content, attachments and audience"
            ),
        ),
        contacts=_action(
            w,
            QCoreApplication.translate("MainWindow", "C&ontacts"),
            "Ctrl+L",
            w.open_contacts,
            QCoreApplication.translate("MainWindow", "Contact lists kept between campaigns"),
        ),
    )


def _dialog_actions(w: Any) -> dict[str, QAction]:
    return dict(
        settings=_action(
            w,
            QCoreApplication.translate("MainWindow", "Se&ttings…"),
            "Ctrl+,",
            w.open_settings,
            QCoreApplication.translate("MainWindow", "SMTP account, limits and working hours"),
        ),
        export=_action(
            w,
            QCoreApplication.translate("MainWindow", "E&xport report…"),
            "Ctrl+Shift+E",
            w.open_export,
            QCoreApplication.translate("MainWindow", "Export a send report"),
        ),
        import_=_action(
            w,
            QCoreApplication.translate("MainWindow", "&Import recipients…"),
            "Ctrl+I",
            w.open_import,
            QCoreApplication.translate("MainWindow", "Import recipients from a CSV or Excel file"),
        ),
        about=_action(
            w, QCoreApplication.translate("MainWindow", "&About Mailer"), None, w.open_about
        ),
        outbox=_action(
            w,
            QCoreApplication.translate("MainWindow", "Demo &outbox"),
            None,
            w.open_outbox,
            QCoreApplication.translate("MainWindow", "Messages caught by the demo server"),
        ),
        check_mailbox=_action(
            w,
            QCoreApplication.translate("MainWindow", "Check &mailbox now"),
            None,
            w.check_mailbox,
            QCoreApplication.translate(
                "MainWindow", "Read bounces, unsubscribes and complaints from the mailbox"
            ),
        ),
        suppression=_action(
            w,
            QCoreApplication.translate("MainWindow", "Suppression &list…"),
            None,
            w.open_suppression,
            QCoreApplication.translate(
                "MainWindow", "Addresses never mailed again, with the reason and the date"
            ),
        ),
        quit=_action(
            w, QCoreApplication.translate("MainWindow", "&Quit"), "Ctrl+Q", w.request_quit
        ),
    )


def build_menus(w: Any, a: WindowActions, docks: list[Any]) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
    for act in (a.new, a.save, None, a.import_, a.export, None, a.settings, None, a.quit):
        file_menu.addSeparator() if act is None else file_menu.addAction(act)
    camp = bar.addMenu(QCoreApplication.translate("MainWindow", "&Campaign"))
    for act in (
        a.send_test,
        a.enqueue,
        a.pause_resume,
        a.duplicate,
        None,
        a.check_mailbox,
        a.suppression,
    ):
        camp.addSeparator() if act is None else camp.addAction(act)
    view = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
    view.addAction(a.contacts)
    for dock in docks:
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    view.addMenu(_language_menu(w))
    if w.demo is not None:
        view.addAction(a.outbox)
    help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(a.about)
    tb = QToolBar(QCoreApplication.translate("MainWindow", "Main toolbar"), w)
    tb.setObjectName("MainToolbar")
    for act in (a.new, a.save, a.send_test, a.enqueue, a.pause_resume, a.export, a.contacts):
        tb.addAction(act)
    if w.demo is not None:
        tb.addAction(a.outbox)
    w.addToolBar(tb)


def _language_menu(w: Any) -> QMenu:
    menu = QMenu(QCoreApplication.translate("MainWindow", "&Language"), w)
    group = QActionGroup(menu)
    current = i18n.language_choice()
    for code, label in (
        ("system", QCoreApplication.translate("MainWindow", "System language")),
        ("en", "English"),
        ("ru", "Русский"),
    ):
        act = menu.addAction(label)
        act.setCheckable(True)
        act.setChecked(code == current)
        act.setData(code)
        group.addAction(act)
    group.triggered.connect(w.choose_language)
    return menu
