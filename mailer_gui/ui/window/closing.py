"""Closing the main window: the close-while-sending question and the shutdown
(a part of ``MainWindow``, which mixes it in).

Closing the window and Quit ask the same question while something sends or
waits: keep sending in the tray, or quit after the current message. Its string
keeps the ``MainWindow`` translation context (``self.tr`` here would be
filed by ``lupdate`` under this mixin's name), hence the explicit
``QCoreApplication.translate("MainWindow", ...)``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from mailer_gui.ui.window import dialogs as window_dialogs


class WindowClosing:
    """Mixed into ``MainWindow``: uses its worker, notifier, editor and flags."""

    # -- closing -------------------------------------------------------------------------
    def has_work(self) -> bool:
        return window_dialogs.has_work(self.last_snapshot, self.holds_lease)

    def ask_close_choice(self) -> str | None:
        """``tray``, ``stop`` or None (cancel)."""
        entries = window_dialogs.pending_work(self.last_snapshot, self.holds_lease)
        return window_dialogs.ask_close_choice(self, self.notifier.has_tray, entries)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        event.ignore()
        if self._stopping:
            return
        if not self._quitting and self.has_work():
            choice = self.ask_close_choice()
            if choice is None:
                return
            if choice == "tray":
                QApplication.setQuitOnLastWindowClosed(False)
                self.save_layout()
                self.hide()
                return
        if self.editor is not None and not self.editor.maybe_save():
            self._quitting = False
            return
        self.save_layout()
        self.begin_shutdown()

    def begin_shutdown(self) -> None:
        """Stop after the current message; the window closes when the worker ends."""
        self._stopping = True
        self.setEnabled(False)
        self.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Stopping after the current message…")
        )
        self.mailbox_worker.stop()
        if self.worker.isRunning():
            self.worker.finished.connect(self._finish_close)
            self.worker.stop()
        else:
            # Not from inside closeEvent: Qt ignores a close() made there.
            QTimer.singleShot(0, self._finish_close)

    def _finish_close(self) -> None:
        self.worker.stop_and_wait()
        self.mailbox_worker.stop_and_wait()
        self._closed = True
        if isinstance(self.notifier.tray, QSystemTrayIcon):
            self.notifier.tray.hide()
        self.close()
        if not QApplication.quitOnLastWindowClosed():
            QApplication.quit()
