"""The SMTP password, behind one small interface over ``keyring``.

Where only keyring's ``fail`` backend exists there is no keychain: the app
says so and keeps the password for this session only (in memory), or the CLI
reads ``MAILER_GUI_SMTP_PASSWORD``. A password is never written in plaintext.
"""

from __future__ import annotations

import os
import threading

SERVICE = "mailer-gui"
ENV_PASSWORD = "MAILER_GUI_SMTP_PASSWORD"


class SecretStore:
    """Keychain access plus a per-session fallback held in memory."""

    def __init__(self, *, use_env: bool = True) -> None:
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()
        self._use_env = use_env

    def keychain_available(self) -> bool:
        """False when keyring has no usable backend (its ``fail`` backend)."""
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
        except Exception:
            return False
        return not isinstance(backend, fail.Keyring) and backend.priority > 0

    def get_password(self, account: str) -> str | None:
        with self._lock:
            if account in self._session:
                return self._session[account]
        if self._use_env and os.environ.get(ENV_PASSWORD):
            return os.environ[ENV_PASSWORD]
        if self.keychain_available():
            import keyring

            try:
                return keyring.get_password(SERVICE, account)
            except Exception:
                return None
        return None

    def set_password(self, account: str, password: str, *, session_only: bool = False) -> bool:
        """Store the password; returns True if it went to the keychain.

        When there is no keychain (or ``session_only``) it is kept in memory
        for this session only and False is returned, so the caller can say so.
        """
        if not session_only and self.keychain_available():
            import keyring

            try:
                keyring.set_password(SERVICE, account, password)
                with self._lock:
                    self._session.pop(account, None)
                return True
            except Exception:
                pass
        with self._lock:
            self._session[account] = password
        return False

    def delete_password(self, account: str) -> None:
        with self._lock:
            self._session.pop(account, None)
        if self.keychain_available():
            import keyring

            try:
                keyring.delete_password(SERVICE, account)
            except Exception:
                pass
