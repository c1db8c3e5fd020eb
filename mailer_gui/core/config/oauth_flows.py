"""The providers' sign-in flows (OAuth 2.0 for a public client), behind one
small interface: Microsoft through MSAL, Google through google-auth-oauthlib
and google-auth (its device flow, which those libraries do not offer, with
plain requests to the same endpoints).

Each call talks to the provider's endpoints named in :class:`OAuthSettings`
(tests point them at a token endpoint of their own on 127.0.0.1). Nothing
here stores anything: :mod:`~mailer_gui.core.config.oauth` keeps the refresh
token in the keychain and the access token in memory. No token ever goes into
an exception's text or a log line: errors carry the provider's error code and
description only.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mailer_gui.core.messages import Message

MICROSOFT = "microsoft"
GOOGLE = "google"
PROVIDERS = (MICROSOFT, GOOGLE)
PROVIDER_NAMES = {MICROSOFT: "Microsoft", GOOGLE: "Google"}

# One grant for SMTP and IMAP where the provider allows it. MSAL adds
# offline_access (the refresh token), openid and profile by itself.
MICROSOFT_SCOPES = (
    "https://outlook.office.com/SMTP.Send",
    "https://outlook.office.com/IMAP.AccessAsUser.All",
)
# The address under its full name: Google answers with that name, and
# oauthlib refuses a token whose scopes read differently from those asked.
GOOGLE_SCOPES = (
    "https://mail.google.com/",
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
)
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
HTTP_TIMEOUT = 15.0
INTERACTIVE_TIMEOUT = 300  # seconds the browser sign-in may take


@dataclass(frozen=True)
class OAuthSettings:
    """The apps (client ids) and endpoints the sign-in uses; see README,
    "Sign in with Microsoft or Google". Empty client ids: the organisation's
    own app must be entered (the release build may ship the project's)."""

    microsoft_client_id: str = ""
    microsoft_authority: str = "https://login.microsoftonline.com/common"
    google_client_id: str = ""
    # Google issues a "secret" to desktop clients that it documents as not
    # confidential (it ships inside every copy of an installed app).
    google_client_secret: str = ""
    google_auth_uri: str = "https://accounts.google.com/o/oauth2/auth"
    google_token_uri: str = "https://oauth2.googleapis.com/token"
    google_device_uri: str = "https://oauth2.googleapis.com/device/code"

    def client_id(self, provider: str) -> str:
        return self.microsoft_client_id if provider == MICROSOFT else self.google_client_id


@dataclass(frozen=True)
class Tokens:
    """A token response: the access token, its lifetime in seconds, the refresh
    token (None when the provider kept the old one) and the signed-in address
    when the provider named it."""

    access_token: str
    expires_in: float
    refresh_token: str | None
    account: str | None = None

    def __repr__(self) -> str:  # never a token in a traceback or a log line
        return f"Tokens(expires_in={self.expires_in}, account={self.account!r})"


@dataclass(frozen=True)
class DeviceCode:
    """What the operator is shown: open ``url`` and enter ``user_code``."""

    user_code: str
    url: str
    expires_in: float
    interval: float
    handle: Any  # the flow's own state (MSAL's dict, Google's device code)

    def __repr__(self) -> str:
        return f"DeviceCode(user_code={self.user_code!r}, url={self.url!r})"


class GrantError(Exception):
    """The sign-in cannot give an access token. ``kind``: ``revoked`` (the grant
    expired or was revoked: sign in again), ``missing`` (never signed in),
    ``unreachable`` (network: try later), ``failed`` (the flow did not
    complete), ``config`` (no client id)."""

    def __init__(self, kind: str, message: Message) -> None:
        super().__init__(str(message))
        self.kind = kind
        self.message = message


class Cancelled(Exception):
    """The operator cancelled a sign-in in progress."""


class ProviderClient(Protocol):
    def refresh(self, refresh_token: str) -> Tokens: ...

    def start_device(self) -> DeviceCode: ...

    def finish_device(self, code: DeviceCode, cancelled: Callable[[], bool]) -> Tokens: ...

    def interactive(self, login_hint: str) -> Tokens: ...


def _clean(text: object, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def _problem(provider: str, error: str, description: str = "") -> GrantError:
    """The provider's answer as a GrantError (a refused grant: sign in again)."""
    detail = _clean(f"{error}: {description}" if description else error)
    name = PROVIDER_NAMES[provider]
    if error in ("invalid_grant", "interaction_required", "invalid_client", "unauthorized_client"):
        return GrantError("revoked", Message("oauth.sign_in_again", provider=name, error=detail))
    return GrantError("failed", Message("oauth.flow_failed", provider=name, error=detail))


def _answer(provider: str, body: dict[str, Any], default: str) -> GrantError:
    """An error document of the provider's (RFC 6749 section 5.2) as a GrantError."""
    return _problem(
        provider, str(body.get("error", default)), str(body.get("error_description", ""))
    )


def _unreachable(provider: str, exc: BaseException) -> GrantError:
    return GrantError(
        "unreachable",
        Message(
            "oauth.unreachable",
            provider=PROVIDER_NAMES[provider],
            problem=_clean(type(exc).__name__ + (f": {exc}" if str(exc) else ""), 200),
        ),
    )


def _id_token_email(id_token: str | None) -> str | None:
    """The address an ID token names (read, not verified: it is only shown)."""
    if not id_token or id_token.count(".") < 2:
        return None
    part = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return None
    for key in ("email", "preferred_username", "upn"):
        if isinstance(claims, dict) and isinstance(claims.get(key), str):
            return str(claims[key])
    return None


def _tokens(provider: str, resp: dict[str, Any]) -> Tokens:
    if "access_token" not in resp:
        raise _answer(provider, resp, "no_token")
    claims = resp.get("id_token_claims") or {}
    account = claims.get("preferred_username") or claims.get("email")
    return Tokens(
        access_token=str(resp["access_token"]),
        expires_in=float(resp.get("expires_in", 3600)),
        refresh_token=resp.get("refresh_token") or None,
        account=account or _id_token_email(resp.get("id_token")),
    )


class MicrosoftClient:
    """Microsoft Entra (Microsoft 365, Outlook.com) through MSAL's public client."""

    def __init__(self, settings: OAuthSettings) -> None:
        self.settings = settings
        self._app: Any = None
        self._lock = threading.Lock()

    def _msal(self) -> Any:
        with self._lock:
            if self._app is None:
                import msal
                import requests

                try:
                    # instance_discovery=False: the authority named in the
                    # settings is trusted as given (an organisation's tenant,
                    # or a test's endpoint), nothing else is asked first.
                    self._app = msal.PublicClientApplication(
                        self.settings.microsoft_client_id,
                        authority=self.settings.microsoft_authority,
                        instance_discovery=False,
                        timeout=HTTP_TIMEOUT,
                    )
                except requests.RequestException as exc:
                    raise _unreachable(MICROSOFT, exc) from None
                except ValueError as exc:
                    raise GrantError(
                        "config",
                        Message(
                            "oauth.bad_authority",
                            authority=self.settings.microsoft_authority,
                            problem=_clean(exc, 200),
                        ),
                    ) from None
            return self._app

    def _call(self, func: Callable[[], dict[str, Any]]) -> Tokens:
        import requests

        try:
            resp = func()
        except requests.RequestException as exc:
            raise _unreachable(MICROSOFT, exc) from None
        except (RuntimeError, ValueError, OSError) as exc:  # MSAL's own checks, the browser
            raise _problem(MICROSOFT, type(exc).__name__, _clean(exc, 200)) from None
        return _tokens(MICROSOFT, resp)

    def refresh(self, refresh_token: str) -> Tokens:
        app = self._msal()
        return self._call(
            lambda: app.acquire_token_by_refresh_token(refresh_token, list(MICROSOFT_SCOPES))
        )

    def start_device(self) -> DeviceCode:
        import requests

        app = self._msal()
        try:
            flow = app.initiate_device_flow(scopes=list(MICROSOFT_SCOPES))
        except requests.RequestException as exc:
            raise _unreachable(MICROSOFT, exc) from None
        if "user_code" not in flow:
            raise _answer(MICROSOFT, flow, "no_code")
        return DeviceCode(
            user_code=str(flow["user_code"]),
            url=str(flow.get("verification_uri") or flow.get("verification_url")),
            expires_in=float(flow.get("expires_in", 900)),
            interval=float(flow.get("interval", 5)),
            handle=flow,
        )

    def finish_device(self, code: DeviceCode, cancelled: Callable[[], bool]) -> Tokens:
        flow = code.handle
        app = self._msal()

        def exit_condition(f: dict[str, Any]) -> bool:
            if cancelled():
                f["expires_at"] = 0  # MSAL's documented way to stop the polling
                return True
            return False

        tokens = self._call(
            lambda: app.acquire_token_by_device_flow(flow, exit_condition=exit_condition)
        )
        if cancelled():
            raise Cancelled()
        return tokens

    def interactive(self, login_hint: str) -> Tokens:
        """The system browser with a loopback redirect (http://localhost:port)."""
        app = self._msal()
        return self._call(
            lambda: app.acquire_token_interactive(
                list(MICROSOFT_SCOPES),
                login_hint=login_hint or None,
                prompt="select_account",
                timeout=INTERACTIVE_TIMEOUT,
            )
        )


class GoogleClient:
    """Google (Gmail, Workspace): google-auth for refresh, google-auth-oauthlib's
    installed-app flow for the browser, the device flow of "TV and limited input"
    clients with plain requests."""

    def __init__(self, settings: OAuthSettings) -> None:
        self.settings = settings

    def refresh(self, refresh_token: str) -> Tokens:
        from google.auth import exceptions
        from google.auth.transport.requests import Request
        from google.oauth2.credentials import Credentials

        s = self.settings
        creds = Credentials(  # type: ignore[no-untyped-call]
            None,
            refresh_token=refresh_token,
            token_uri=s.google_token_uri,
            client_id=s.google_client_id,
            client_secret=s.google_client_secret or None,
        )
        try:
            creds.refresh(Request())  # type: ignore[no-untyped-call]
        except exceptions.RefreshError as exc:
            error, _, description = str(exc.args[0] if exc.args else exc).partition(":")
            raise _problem(GOOGLE, error.strip() or "refresh_failed", description.strip()) from None
        except exceptions.TransportError as exc:
            raise _unreachable(GOOGLE, exc) from None
        lifetime = 3600.0
        if creds.expiry is not None:
            from datetime import UTC, datetime

            expiry = creds.expiry.replace(tzinfo=UTC)
            lifetime = max(0.0, (expiry - datetime.now(UTC)).total_seconds())
        new_rt = creds.refresh_token if creds.refresh_token != refresh_token else None
        return Tokens(str(creds.token), lifetime, new_rt, _id_token_email(creds.id_token))

    def _post(self, url: str, data: dict[str, str]) -> dict[str, Any]:
        import requests

        try:
            resp = requests.post(url, data=data, timeout=HTTP_TIMEOUT)
        except requests.RequestException as exc:
            raise _unreachable(GOOGLE, exc) from None
        try:
            body = resp.json()
        except ValueError:
            body = {"error": f"http_{resp.status_code}"}
        return body if isinstance(body, dict) else {"error": f"http_{resp.status_code}"}

    def start_device(self) -> DeviceCode:
        s = self.settings
        body = self._post(
            s.google_device_uri, {"client_id": s.google_client_id, "scope": " ".join(GOOGLE_SCOPES)}
        )
        if "device_code" not in body:
            raise _answer(GOOGLE, body, "no_code")
        return DeviceCode(
            user_code=str(body["user_code"]),
            url=str(body.get("verification_url") or body.get("verification_uri")),
            expires_in=float(body.get("expires_in", 1800)),
            interval=float(body.get("interval", 5)),
            handle=str(body["device_code"]),
        )

    def finish_device(self, code: DeviceCode, cancelled: Callable[[], bool]) -> Tokens:
        s = self.settings
        data = {
            "client_id": s.google_client_id,
            "client_secret": s.google_client_secret,
            "device_code": str(code.handle),
            "grant_type": DEVICE_GRANT,
        }
        interval = max(1.0, code.interval)
        deadline = time.monotonic() + code.expires_in
        while time.monotonic() < deadline:
            if _wait(interval, cancelled):
                raise Cancelled()
            body = self._post(s.google_token_uri, data)
            error = body.get("error")
            if error == "authorization_pending":
                continue
            if error == "slow_down":
                interval += 5  # RFC 8628 section 3.5
                continue
            return _tokens(GOOGLE, body)
        raise _problem(GOOGLE, "expired_token", "the code was not entered in time")

    def interactive(self, login_hint: str) -> Tokens:
        """The system browser with a loopback redirect (InstalledAppFlow)."""
        from google_auth_oauthlib.flow import InstalledAppFlow

        s = self.settings
        config = {
            "installed": {
                "client_id": s.google_client_id,
                "client_secret": s.google_client_secret,
                "auth_uri": s.google_auth_uri,
                "token_uri": s.google_token_uri,
                "redirect_uris": ["http://localhost"],
            }
        }
        flow = InstalledAppFlow.from_client_config(config, list(GOOGLE_SCOPES))
        try:
            creds = flow.run_local_server(
                host="localhost",
                port=0,
                open_browser=True,
                authorization_prompt_message="",
                success_message="Signed in: you may close this window and return to Mailer.",
                timeout_seconds=INTERACTIVE_TIMEOUT,
                access_type="offline",
                prompt="consent",
                login_hint=login_hint or None,
            )
        except Exception as exc:  # oauthlib's and requests' errors, the wsgi server's
            raise _problem(GOOGLE, type(exc).__name__, _clean(exc, 200)) from None
        if creds is None or not creds.token:
            raise _problem(GOOGLE, "no_token", "the browser sign-in did not finish")
        return Tokens(
            str(creds.token), 3600.0, creds.refresh_token, _id_token_email(creds.id_token)
        )


def _wait(seconds: float, cancelled: Callable[[], bool]) -> bool:
    """Sleep ``seconds`` in small steps; True as soon as ``cancelled()``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cancelled():
            return True
        time.sleep(min(0.1, max(0.0, end - time.monotonic())))
    return cancelled()


def client_for(provider: str, settings: OAuthSettings) -> ProviderClient:
    """The sign-in client of ``provider`` with these endpoints; GrantError
    (``config``) when its client id is not set."""
    if provider not in PROVIDERS:
        raise ValueError(f"unknown sign-in provider {provider!r}")
    if not settings.client_id(provider).strip():
        raise GrantError("config", Message("oauth.no_client_id", provider=PROVIDER_NAMES[provider]))
    if provider == MICROSOFT:
        return MicrosoftClient(settings)
    return GoogleClient(settings)
