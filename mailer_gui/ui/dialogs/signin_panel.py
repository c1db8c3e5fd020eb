"""The Settings dialog's sign-in with Microsoft or Google, and "Find settings"
from the sender address (autoconfig). Every network step runs off the GUI
thread (BackgroundTask); the widgets only show plain results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailer_gui.core.config import autoconfig, oauth
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import SettingsError
from mailer_gui.ui import messages
from mailer_gui.ui.background_task import BackgroundTask
from mailer_gui.ui.timefmt import full_time, settings_zone

GREEN, RED, GREY = "#2e7d32", "#c62828", "#555555"


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setOpenExternalLinks(True)
    return label


class SignInPanel(QWidget):
    """The grant's state for the account, "Sign in with …", "Sign out", and the
    device code as a fallback when no browser can be used here."""

    signedIn = Signal()

    def __init__(
        self,
        ctx: AppContext,
        provider: Callable[[], str],
        login: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._provider = provider
        self._login = login
        self._task: BackgroundTask | None = None
        self._pending_code: oauth.DeviceCode | None = None
        self.state_label = _label()
        self.state_label.setObjectName("signinState")
        self.sign_in_button = QPushButton()
        self.sign_in_button.clicked.connect(self.sign_in)
        self.code_button = QPushButton(self.tr("Sign in with a code instead"))
        self.code_button.setToolTip(
            self.tr("For a computer where no browser can open: enter a code on another device")
        )
        self.code_button.clicked.connect(self.sign_in_with_code)
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.sign_out_button.setToolTip(self.tr("Remove the sign-in from the keychain"))
        self.sign_out_button.clicked.connect(self.sign_out)
        self.apps_button = QPushButton(self.tr("Sign-in apps…"))
        self.apps_button.setToolTip(
            self.tr("Your organisation's registered app (client id) for Microsoft and Google")
        )
        self.apps_button.clicked.connect(self.edit_apps)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.sign_in_button, self.code_button, self.sign_out_button, self.apps_button):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.state_label)
        lay.addLayout(row)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def provider_name(self) -> str:
        return oauth.PROVIDER_NAMES.get(self._provider(), self._provider())

    def refresh(self) -> None:
        """Show the grant's state for the provider and address now entered."""
        provider, login = self._provider(), self._login()
        self.sign_in_button.setText(
            self.tr("Sign in with {provider}").format(provider=self.provider_name())
            if provider in oauth.PROVIDERS
            else self.tr("Sign in")
        )
        if self.busy:
            return
        if provider not in oauth.PROVIDERS or not login:
            self._show(self.tr("Enter the address first, then sign in."), GREY)
            self.sign_out_button.setEnabled(False)
            return
        st = self.ctx.oauth.state(provider, login)
        self.sign_out_button.setEnabled(st.signed_in)
        if not st.signed_in:
            self._show(self.tr("{login} is not signed in.").format(login=login), GREY)
        elif st.refused:
            self._show(
                self.tr(
                    "The sign-in of {account} has expired or was revoked: sign in again."
                ).format(account=st.account or login),
                RED,
            )
        else:
            text = self.tr("Signed in as {account} (since {when}).").format(
                account=st.account or login, when=self._since(st.signed_in_at)
            )
            if not st.in_keychain:
                text += " " + self.tr("No keychain: the sign-in lasts until the app closes.")
            self._show(text, GREEN)

    def _since(self, stamp: str | None) -> str:
        """When the grant was made, in the settings' zone (stored in UTC)."""
        if not stamp:
            return "?"
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp
        return full_time(when, settings_zone(self.ctx))

    def _show(self, text: str, color: str) -> None:
        self.state_label.setStyleSheet(f"color: {color};")
        self.state_label.setText(text)

    def _start(self, func: Callable[[BackgroundTask], object], note: str) -> None:
        self.sign_in_button.setEnabled(False)
        self.code_button.setEnabled(False)
        self._show(note, GREY)
        self._task = BackgroundTask(func, self._on_done, self._on_failed, self._on_progress)
        self._task.start()

    @Slot()
    def sign_in(self) -> None:
        """The system browser, with the loopback redirect (off the GUI thread)."""
        provider, login = self._provider(), self._login()
        if not login:
            self.refresh()
            return
        self._start(
            lambda _t: self.ctx.oauth.interactive_sign_in(provider, login),
            self.tr("Sign in in the browser window that opened…"),
        )

    @Slot()
    def sign_in_with_code(self) -> None:
        provider, login = self._provider(), self._login()
        if not login:
            self.refresh()
            return

        def flow(task: BackgroundTask) -> object:
            client, code = self.ctx.oauth.start_device_sign_in(provider)
            self._pending_code = code  # read in the GUI thread once the signal arrives
            task.report(0, 0)
            return self.ctx.oauth.finish_device_sign_in(
                provider, login, client, code, lambda: task.cancelled
            )

        self._start(
            flow, self.tr("Asking {provider} for a code…").format(provider=self.provider_name())
        )

    @Slot(int, int)
    def _on_progress(self, _done: int, _total: int) -> None:
        code = self._pending_code
        if code is not None:
            self._show(
                self.tr(
                    'Open <a href="{url}">{url}</a> on any device and enter the code '
                    "<b>{code}</b>. Waiting…"
                ).format(url=code.url, code=code.user_code),
                GREY,
            )

    @Slot(object)
    def _on_done(self, _state: object) -> None:
        self.sign_in_button.setEnabled(True)
        self.code_button.setEnabled(True)
        self.refresh()
        self.signedIn.emit()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.code_button.setEnabled(True)
        if isinstance(exc, oauth.Cancelled):
            self.refresh()
            return
        self._show(messages.text(exc), RED)

    @Slot()
    def sign_out(self) -> None:
        provider, login = self._provider(), self._login()
        if provider in oauth.PROVIDERS and login:
            self.ctx.oauth.sign_out(provider, login)
        self.refresh()

    def cancel(self) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()

    @Slot()
    def edit_apps(self) -> None:
        AppsDialog(self.ctx, self).exec()
        self.refresh()


class AppsDialog(QDialog):
    """The sign-in apps (client ids) and the Microsoft authority: the
    ``oauth`` settings, as ``config oauth`` sets them (README: registering
    your organisation's app)."""

    FIELDS = (
        "microsoft_client_id",
        "microsoft_authority",
        "google_client_id",
        "google_client_secret",
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Sign-in apps"))
        with ctx.db.read() as s:
            self._loaded = oauth.load_settings(s)
        labels = {
            "microsoft_client_id": self.tr("Microsoft app (client) id"),
            "microsoft_authority": self.tr("Microsoft authority"),
            "google_client_id": self.tr("Google client id"),
            "google_client_secret": self.tr("Google client secret"),
        }
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for name in self.FIELDS:
            edit = QLineEdit(str(getattr(self._loaded, name)))
            self.edits[name] = edit
            form.addRow(labels[name], edit)
        note = QLabel(
            self.tr(
                "Google documents the client secret of a desktop app as not confidential; "
                "it is stored with the settings. The sign-in itself goes to the keychain."
            )
        )
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(520, 0)

    @Slot()
    def save(self) -> bool:
        from dataclasses import replace

        new = replace(self._loaded, **{n: e.text().strip() for n, e in self.edits.items()})
        try:
            with self.ctx.db.write() as s:
                oauth.save_settings(s, new)
        except SettingsError as exc:
            self.error.setText(messages.text(exc.message))
            return False
        self.error.clear()
        self.accept()
        return True


class DiscoverPanel(QWidget):
    """ "Find settings" for the address: what autoconfig found, and "Use these settings"."""

    useRequested = Signal(object)  # autoconfig.Discovery

    def __init__(self, address: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._address = address
        self._task: BackgroundTask | None = None
        self._found: autoconfig.Discovery | None = None
        self.find_button = QPushButton(self.tr("Find settings"))
        self.find_button.setToolTip(
            self.tr("Look up the server settings of this address (its provider's autoconfig)")
        )
        self.find_button.clicked.connect(self.find)
        self.result = _label()
        self.result.setObjectName("discoverResult")
        self.use_button = QPushButton(self.tr("Use these settings"))
        self.use_button.clicked.connect(lambda: self.useRequested.emit(self._found))
        self.use_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.find_button)
        row.addWidget(self.result, 1)
        row.addWidget(self.use_button)

    @Slot()
    def find(self) -> None:
        address = self._address().strip()
        self.use_button.hide()
        if autoconfig.domain_of(address) is None:
            self._say(self.tr("Enter the sender address first."), RED)
            return
        if self._task is not None and self._task.running:
            return
        self.find_button.setEnabled(False)
        self._say(self.tr("Looking up {address}…").format(address=address), GREY)
        self._task = BackgroundTask(
            lambda _t: autoconfig.discover(address), self._on_found, self._on_failed
        ).start()

    def _say(self, text: str, color: str) -> None:
        self.result.setStyleSheet(f"color: {color};")
        self.result.setText(text)

    @Slot(object)
    def _on_found(self, found: autoconfig.Discovery | None) -> None:
        self.find_button.setEnabled(True)
        self._found = found
        if found is None:
            self._say(
                self.tr("Nothing found for this address: enter your provider's server below."),
                GREY,
            )
            return
        s = found.smtp
        how = {
            "microsoft": self.tr("sign in with Microsoft"),
            "google": self.tr("sign in with Google"),
        }.get(s.signin, self.tr("password"))
        self._say(
            self.tr("{provider}: {host}:{port} ({security}), {how}").format(
                provider=found.provider,
                host=s.hostname,
                port=s.port,
                security=s.security.upper(),
                how=how,
            ),
            GREEN,
        )
        self.use_button.show()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.find_button.setEnabled(True)
        self._say(messages.text(exc), RED)

    def cancel(self) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()
