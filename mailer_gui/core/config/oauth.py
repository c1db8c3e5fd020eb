"""Sign-in with Microsoft or Google (SASL XOAUTH2) for SMTP and IMAP.

The grant (its refresh token) lives in the OS keychain, under the same rules
as the password (:mod:`~mailer_gui.core.config.secrets`: no keychain means
this session only, in memory, and the front ends say so); never in the
database, a log, a report or an exception. The access token is kept in memory
and refreshed before a connection when it is near expiry. A refused grant
(revoked, expired) is marked in the keychain record and raises
:class:`GrantError` ``revoked`` ("sign in again"); nothing retries it on its
own. The endpoints and client ids are the ``oauth`` settings row
(:class:`OAuthSettings`), so tests point them at a server of their own.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mailer_gui.core.clock import Clock
from mailer_gui.core.config.oauth_flows import (
    GOOGLE,
    MICROSOFT,
    PROVIDER_NAMES,
    PROVIDERS,
    Cancelled,
    DeviceCode,
    GrantError,
    OAuthSettings,
    ProviderClient,
    Tokens,
    client_for,
)
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.messages import Message
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Setting

__all__ = [
    "GOOGLE",
    "MICROSOFT",
    "PROVIDERS",
    "PROVIDER_NAMES",
    "Cancelled",
    "DeviceCode",
    "GrantError",
    "GrantState",
    "OAuthBroker",
    "OAuthSettings",
    "imap_credentials",
    "load_settings",
    "save_settings",
    "xoauth2_string",
]

SETTINGS_KEY = "oauth"
REFRESH_MARGIN = timedelta(minutes=5)  # refresh an access token this long before it expires


def load_settings(session: Session) -> OAuthSettings:
    """The ``oauth`` settings row, defaults where none was saved."""
    row = session.get(Setting, SETTINGS_KEY)
    raw = row.value if row is not None and isinstance(row.value, dict) else {}
    known = {f.name for f in fields(OAuthSettings)}
    return OAuthSettings(**{k: str(v) for k, v in raw.items() if k in known})


def save_settings(session: Session, value: OAuthSettings) -> None:
    """Store the apps and endpoints; each URL must be https (or http to 127.0.0.1)."""
    for f in fields(OAuthSettings):
        text = str(getattr(value, f.name))
        if any(c.isspace() for c in text.strip()) or "\n" in text:
            raise SettingsError(f.name, Message("settings.line_breaks"))
        if f.name.endswith(("_uri", "_authority")) and not _web_url(text):
            raise SettingsError(f.name, Message("oauth.bad_url", url=text))
    row = session.get(Setting, SETTINGS_KEY)
    data = {k: v.strip() for k, v in asdict(value).items()}
    if row is None:
        session.add(Setting(key=SETTINGS_KEY, value=data))
    else:
        row.value = data


def _web_url(text: str) -> bool:
    return text.startswith("https://") or text.startswith("http://127.0.0.1:")


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64), for SMTP and IMAP."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def login_of(smtp: SmtpSettings) -> str:
    """The address that signs in: the user name, else the sender address."""
    return smtp.user or smtp.from_addr


def grant_account(provider: str, login: str) -> str:
    """The keychain account name of a grant."""
    return f"oauth:{provider}:{login.lower()}"


@dataclass(frozen=True)
class GrantState:
    """What the window and ``config show`` say about a sign-in (no token)."""

    provider: str
    login: str
    signed_in: bool
    account: str | None = None  # the address the provider named at sign-in
    signed_in_at: str | None = None
    refused: str | None = None  # why the provider refused it last, if it did
    in_keychain: bool = True

    @property
    def needs_sign_in(self) -> bool:
        return not self.signed_in or self.refused is not None


@dataclass
class _Cached:
    token: str
    expires_at: datetime


class OAuthBroker:
    """Grants and access tokens for the accounts of one context (thread-safe)."""

    def __init__(
        self,
        db: Database,
        secrets: SecretStore,
        clock: Clock,
        clients: Callable[[str, OAuthSettings], ProviderClient] = client_for,
    ) -> None:
        self.db = db
        self.secrets = secrets
        self.clock = clock
        self._clients = clients
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._refreshing: dict[str, threading.Lock] = {}

    # -- settings and grants -------------------------------------------------
    def settings(self) -> OAuthSettings:
        with self.db.read() as s:
            return load_settings(s)

    def client(self, provider: str) -> ProviderClient:
        return self._clients(provider, self.settings())

    def _record(self, provider: str, login: str) -> dict[str, Any] | None:
        raw = self.secrets.get_token(grant_account(provider, login))
        if not raw:
            return None
        try:
            rec = json.loads(raw)
        except ValueError:
            return None
        return rec if isinstance(rec, dict) and rec.get("refresh_token") else None

    def _store(self, provider: str, login: str, rec: dict[str, Any]) -> bool:
        return self.secrets.set_password(grant_account(provider, login), json.dumps(rec))

    def state(self, provider: str, login: str) -> GrantState:
        """Whether ``login`` is signed in with ``provider`` (reads the keychain)."""
        rec = self._record(provider, login)
        if rec is None:
            return GrantState(provider, login, False, in_keychain=self.secrets.keychain_available())
        return GrantState(
            provider,
            login,
            True,
            account=rec.get("account"),
            signed_in_at=rec.get("signed_in_at"),
            refused=rec.get("refused"),
            in_keychain=self.secrets.keychain_available(),
        )

    def sign_out(self, provider: str, login: str) -> None:
        """Forget the grant: the keychain's record and the access token in memory."""
        account = grant_account(provider, login)
        self.secrets.delete_password(account)
        with self._lock:
            self._cache.pop(account, None)

    # -- signing in ------------------------------------------------------------
    def start_device_sign_in(self, provider: str) -> tuple[ProviderClient, DeviceCode]:
        """Ask the provider for a device code (shown to the operator)."""
        client = self.client(provider)
        return client, client.start_device()

    def finish_device_sign_in(
        self,
        provider: str,
        login: str,
        client: ProviderClient,
        code: DeviceCode,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> GrantState:
        """Wait until the operator has entered the code, then keep the grant."""
        return self._keep(provider, login, client.finish_device(code, cancelled))

    def interactive_sign_in(self, provider: str, login: str) -> GrantState:
        """The system browser with a loopback redirect; blocks until done
        (run it off the GUI thread)."""
        client = self.client(provider)
        return self._keep(provider, login, client.interactive(login))

    def _keep(self, provider: str, login: str, tokens: Tokens) -> GrantState:
        if not tokens.refresh_token:
            raise GrantError(
                "failed",
                Message(
                    "oauth.flow_failed",
                    provider=PROVIDER_NAMES[provider],
                    error="no refresh token was granted (offline access)",
                ),
            )
        rec = {
            "refresh_token": tokens.refresh_token,
            "account": tokens.account or login,
            "signed_in_at": self.clock.now().isoformat(timespec="seconds"),
        }
        self._store(provider, login, rec)
        self._remember(grant_account(provider, login), tokens)
        return self.state(provider, login)

    def _remember(self, account: str, tokens: Tokens) -> None:
        expires = self.clock.now() + timedelta(seconds=max(0.0, tokens.expires_in))
        with self._lock:
            self._cache[account] = _Cached(tokens.access_token, expires)

    # -- access tokens -------------------------------------------------------------
    def access_token(self, provider: str, login: str) -> str:
        """A valid access token, refreshed first when it expires within
        :data:`REFRESH_MARGIN`; GrantError when there is no usable grant."""
        account = grant_account(provider, login)
        with self._lock:
            gate = self._refreshing.setdefault(account, threading.Lock())
        with gate:  # one refresh at a time per account
            with self._lock:
                cached = self._cache.get(account)
            if cached is not None and cached.expires_at - REFRESH_MARGIN > self.clock.now():
                return cached.token
            return self._refresh(provider, login, account)

    def _refresh(self, provider: str, login: str, account: str) -> str:
        name = PROVIDER_NAMES[provider]
        rec = self._record(provider, login)
        if rec is None:
            raise GrantError("missing", Message("oauth.not_signed_in", provider=name, login=login))
        if rec.get("refused"):
            raise GrantError(
                "revoked", Message("oauth.sign_in_again", provider=name, error=rec["refused"])
            )
        try:
            tokens = self.client(provider).refresh(str(rec["refresh_token"]))
        except GrantError as exc:
            if exc.kind == "revoked":
                self.forget(provider, login)
                self._store(provider, login, {**rec, "refused": exc.message.params.get("error")})
            raise
        if tokens.refresh_token and tokens.refresh_token != rec["refresh_token"]:
            self._store(provider, login, {**rec, "refresh_token": tokens.refresh_token})
        self._remember(account, tokens)
        return tokens.access_token

    def forget(self, provider: str, login: str) -> None:
        """Drop the access token in memory (the server refused it): the next
        connection refreshes it first."""
        with self._lock:
            self._cache.pop(grant_account(provider, login), None)

    def source(self, smtp: SmtpSettings) -> AccessTokenSource:
        """The access tokens of the account ``smtp`` signs in with."""
        return AccessTokenSource(self, smtp.signin, login_of(smtp))

    def credentials(self, smtp: SmtpSettings) -> tuple[str, str]:
        """``(user, access_token)`` for the account's grant: what IMAP's
        ``oauth2_login(user, access_token)`` takes (one grant for SMTP and IMAP)."""
        login = login_of(smtp)
        return login, self.access_token(smtp.signin, login)


def imap_credentials(broker: OAuthBroker, smtp: SmtpSettings) -> tuple[str, str]:
    """``(user, access_token)`` for the mailbox of the account ``smtp`` signs in
    with (IMAPClient: ``client.oauth2_login(user, access_token)``); raises
    GrantError as the SMTP side does ("sign in again" when revoked)."""
    return broker.credentials(smtp)


@dataclass(frozen=True)
class AccessTokenSource:
    """What the SMTP transport asks for a token (and tells when it was refused)."""

    broker: OAuthBroker
    provider: str
    login: str

    @property
    def provider_name(self) -> str:
        return PROVIDER_NAMES.get(self.provider, self.provider)

    def get(self) -> str:
        return self.broker.access_token(self.provider, self.login)

    def refused(self) -> None:
        self.broker.forget(self.provider, self.login)
