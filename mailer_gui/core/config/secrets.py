"""The SMTP password and the unsubscribe key, behind one small interface over
``keyring``.

Where only keyring's ``fail`` backend exists there is no keychain: the app
says so and keeps the password for this session only (in memory), or the CLI
reads ``MAILER_GUI_SMTP_PASSWORD``. A password is never written in plaintext.

The unsubscribe key (the MAC key of :mod:`unsubscribe`) is made on first use
(32 random bytes) and kept in the keychain. Without a keychain it cannot live
in memory only (codes sent earlier must still verify after a restart), so it
goes to ``unsubscribe.key`` in the data folder, readable by its owner only
(mode 0600), never to the database.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets as _random
import threading
from pathlib import Path

SERVICE = "mailer-gui"
ENV_PASSWORD = "MAILER_GUI_SMTP_PASSWORD"
ENV_IMAP_PASSWORD = "MAILER_GUI_IMAP_PASSWORD"
UNSUBSCRIBE_ACCOUNT = "unsubscribe-key"
UNSUBSCRIBE_KEY_FILE = "unsubscribe.key"
_KEY_BYTES = 32


class SecretStore:
    """Keychain access plus a per-session fallback held in memory."""

    def __init__(self, *, use_env: bool = True) -> None:
        self._session: dict[str, str] = {}
        self._keys: dict[str, bytes] = {}  # data folder -> unsubscribe key, once read
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
        return self._keychain_get(account)

    def get_token(self, account: str) -> str | None:
        """A sign-in grant (:mod:`oauth`): the session's, else the keychain's.
        Unlike :meth:`get_password`, never ``MAILER_GUI_SMTP_PASSWORD``."""
        with self._lock:
            if account in self._session:
                return self._session[account]
        return self._keychain_get(account)

    def _keychain_get(self, account: str) -> str | None:
        if self.keychain_available():
            import keyring

            try:
                return keyring.get_password(SERVICE, account)
            except Exception:
                return None
        return None

    def get_imap_password(self, account: str) -> str | None:
        """The IMAP password: this session's, ``MAILER_GUI_IMAP_PASSWORD``, or the
        keychain's (never the SMTP variable: another account)."""
        with self._lock:
            if account in self._session:
                return self._session[account]
        if self._use_env and os.environ.get(ENV_IMAP_PASSWORD):
            return os.environ[ENV_IMAP_PASSWORD]
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

    # -- the unsubscribe key ---------------------------------------------------
    def unsubscribe_key(self, data_dir: Path) -> bytes:
        """The key that signs unsubscribe codes; made and stored on first use."""
        with self._lock:
            cached = self._keys.get(str(data_dir))
        if cached is not None:
            return cached
        key = self._keychain_key() or _read_key_file(Path(data_dir))
        if key is None:
            key = _random.token_bytes(_KEY_BYTES)
            if not self._store_keychain_key(key):
                key = _write_key_file(Path(data_dir), key)
        with self._lock:
            self._keys[str(data_dir)] = key
        return key

    def unsubscribe_keys(self, data_dir: Path) -> list[bytes]:
        """Every key that may have signed a code for this data folder (the
        keychain's and the file's, e.g. when a headless run had no keychain)."""
        keys = [self.unsubscribe_key(data_dir)]
        for other in (self._keychain_key(), _read_key_file(Path(data_dir))):
            if other is not None and other not in keys:
                keys.append(other)
        return keys

    def _keychain_key(self) -> bytes | None:
        if not self.keychain_available():
            return None
        import keyring

        try:
            stored = keyring.get_password(SERVICE, UNSUBSCRIBE_ACCOUNT)
        except Exception:
            return None
        return _decode_key(stored) if stored else None

    def _store_keychain_key(self, key: bytes) -> bool:
        if not self.keychain_available():
            return False
        import keyring

        try:
            keyring.set_password(
                SERVICE, UNSUBSCRIBE_ACCOUNT, base64.b64encode(key).decode("ascii")
            )
        except Exception:
            return False
        return self._keychain_key() == key


def _decode_key(text: str) -> bytes | None:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) >= 16 else None


def _read_key_file(data_dir: Path) -> bytes | None:
    try:
        return _decode_key((data_dir / UNSUBSCRIBE_KEY_FILE).read_text("ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def _write_key_file(data_dir: Path, key: bytes) -> bytes:
    """Create the key file (0600), whole or not at all; if another process made
    it first, use its key."""
    path = data_dir / UNSUBSCRIBE_KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{UNSUBSCRIBE_KEY_FILE}.{os.getpid()}.{_random.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(base64.b64encode(key).decode("ascii") + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces a key already there
        except FileExistsError:
            existing = _read_key_file(data_dir)
            if existing is None:
                raise OSError(f"{path} holds no valid key; move it away") from None
            return existing
    finally:
        tmp.unlink(missing_ok=True)
    return key
