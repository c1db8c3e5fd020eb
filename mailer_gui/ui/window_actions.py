"""The main window's actions, menus and toolbar (shortcuts as in the issue)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from . import i18n


@dataclass
class WindowActions:
    new: QAction
    save: QAction
    send_test: QAction
    enqueue: QAction
    pause_resume: QAction
    settings: QAction
    export: QAction
    import_: QAction
    about: QAction
    outbox: QAction
    quit: QAction


def _action(w: QMainWindow, text: str, shortcut: str | QKeySequence.StandardKey | None,
            slot: Any, tip: str = "") -> QAction:
    act = QAction(text, w)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.triggered.connect(slot)
    return act


def build_actions(w: Any) -> WindowActions:
    t = QCoreApplication.translate
    return WindowActions(
        new=_action(w, t("MainWindow", "&New campaign"), "Ctrl+N", w.new_campaign,
                    t("MainWindow", "Start a new campaign")),
        save=_action(w, t("MainWindow", "&Save"), "Ctrl+S", w.save_campaign,
                     t("MainWindow", "Save the campaign")),
        send_test=_action(w, t("MainWindow", "Send &test"), "Ctrl+T", w.send_test,
                          t("MainWindow", "Send the campaign to your own address")),
        enqueue=_action(w, t("MainWindow", "&Enqueue"), "Ctrl+E", w.enqueue_campaign,
                        t("MainWindow", "Put the campaign in the sending queue")),
        pause_resume=_action(w, t("MainWindow", "&Pause/Resume"), "Ctrl+P", w.pause_resume,
                             t("MainWindow", "Pause or resume the current campaign")),
        settings=_action(w, t("MainWindow", "Se&ttings…"), "Ctrl+,", w.open_settings,
                         t("MainWindow", "SMTP account, limits and working hours")),
        export=_action(w, t("MainWindow", "E&xport report…"), "Ctrl+Shift+E", w.open_export,
                       t("MainWindow", "Export a send report")),
        import_=_action(w, t("MainWindow", "&Import recipients…"), "Ctrl+I", w.open_import,
                        t("MainWindow", "Import recipients from a CSV or Excel file")),
        about=_action(w, t("MainWindow", "&About Mailer"), None, w.open_about),
        outbox=_action(w, t("MainWindow", "Demo &outbox"), None, w.open_outbox,
                       t("MainWindow", "Messages caught by the demo server")),
        quit=_action(w, t("MainWindow", "&Quit"), "Ctrl+Q", w.quit_app),
    )


def build_menus(w: Any, a: WindowActions, docks: list[Any]) -> None:
    t = QCoreApplication.translate
    bar = w.menuBar()
    file_menu = bar.addMenu(t("MainWindow", "&File"))
    for act in (a.new, a.save, None, a.import_, a.export, None, a.settings, None, a.quit):
        file_menu.addSeparator() if act is None else file_menu.addAction(act)
    camp = bar.addMenu(t("MainWindow", "&Campaign"))
    for act in (a.send_test, a.enqueue, a.pause_resume):
        camp.addAction(act)
    view = bar.addMenu(t("MainWindow", "&View"))
    for dock in docks:
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    view.addMenu(_language_menu(w))
    if w.demo is not None:
        view.addAction(a.outbox)
    help_menu = bar.addMenu(t("MainWindow", "&Help"))
    help_menu.addAction(a.about)
    tb = QToolBar(t("MainWindow", "Main toolbar"), w)
    tb.setObjectName("MainToolbar")
    for act in (a.new, a.save, a.send_test, a.enqueue, a.pause_resume, a.export):
        tb.addAction(act)
    if w.demo is not None:
        tb.addAction(a.outbox)
    w.addToolBar(tb)


def _language_menu(w: Any) -> QMenu:
    t = QCoreApplication.translate
    menu = QMenu(t("MainWindow", "&Language"), w)
    group = QActionGroup(menu)
    current = i18n.language_choice()
    for code, label in (("system", t("MainWindow", "System language")),
                        ("en", "English"), ("ru", "Русский")):
        act = menu.addAction(label)
        act.setCheckable(True)
        act.setChecked(code == current)
        act.setData(code)
        group.addAction(act)
    group.triggered.connect(w.choose_language)
    return menu
