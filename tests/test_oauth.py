"""Sign-in with Microsoft and Google (XOAUTH2), end to end against a token
endpoint of our own (tests/oauth_server.py, https on 127.0.0.1) and aiosmtpd
offering AUTH XOAUTH2 only: the device-code sign-in, refresh on expiry, a
revoked grant, and no token in the database, the logs, reports or errors."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import trustme

from mailer_gui.core.codes import Reason
from mailer_gui.core.config import oauth
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.oauth import GrantError, OAuthSettings
from mailer_gui.core.context import AppContext
from mailer_gui.core.messages import from_stored
from mailer_gui.core.sending.smtp import AUTH_FAILED, SENT, SmtpTransport
from mailer_gui.core.store.models import QueueEntry

from .conftest import drain, make_campaign
from .oauth_server import TENANT, OAuthServer
from .smtp_server import TestSmtpServer

USER = "owner@example.com"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def token_server(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OAuthServer]:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))  # how requests trusts the test CA
    server = OAuthServer(ca, account=USER).start()
    yield server
    server.stop()


@pytest.fixture
def xoauth_smtp(token_server: OAuthServer) -> Iterator[TestSmtpServer]:
    server = TestSmtpServer(xoauth2=token_server.valid).start()
    yield server
    server.stop()


def endpoints(server: OAuthServer) -> OAuthSettings:
    return OAuthSettings(
        microsoft_client_id="test-client",
        microsoft_authority=f"{server.base}/{TENANT}",
        google_client_id="test-client.apps.googleusercontent.com",
        google_client_secret="not-a-secret",
        google_auth_uri=f"{server.base}/authorize",
        google_token_uri=f"{server.base}/token",
        google_device_uri=f"{server.base}/devicecode",
    )


def configure_signin(
    ctx: AppContext, smtp: TestSmtpServer, provider: str, token: OAuthServer
) -> settings_mod.SmtpSettings:
    cfg = settings_mod.SmtpSettings(
        host="127.0.0.1",
        port=smtp.port,
        security="none",
        from_addr=USER,
        user=USER,
        timeout=5,
        signin=provider,
    )
    with ctx.db.write() as s:
        settings_mod.save_smtp(s, cfg)
        settings_mod.save_limits(
            s, settings_mod.LimitSettings(start="00:00", end="24:00", days=settings_mod.DAY_NAMES)
        )
        oauth.save_settings(s, endpoints(token))
    return cfg


def sign_in(ctx: AppContext, provider: str, server: OAuthServer) -> oauth.GrantState:
    """The device-code flow as the operator does it: the code is shown, they
    open the address and enter it (here: a GET with the code), the app waits."""
    client, code = ctx.oauth.start_device_sign_in(provider)
    assert code.user_code and code.url.startswith(server.base)

    def operator() -> None:
        import requests

        requests.get(code.url, params={"user_code": code.user_code}, timeout=5)

    threading.Timer(0.3, operator).start()
    return ctx.oauth.finish_device_sign_in(provider, USER, client, code)


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_device_sign_in_then_send_with_xoauth2(
    ctx, token_server, xoauth_smtp, memory_keyring, provider
):
    configure_signin(ctx, xoauth_smtp, provider, token_server)
    state = sign_in(ctx, provider, token_server)
    assert state.signed_in and state.account == USER and state.refused is None
    # The refresh token is in the keychain, under the grant's account.
    rec = json.loads(memory_keyring.store[("mailer-gui", f"oauth:{provider}:{USER}")])
    assert rec["refresh_token"] in token_server.refresh_tokens
    make_campaign(ctx, 2)
    results = drain(ctx)
    assert [r.kind for r in results if r.kind in ("sent", "finished")] == ["sent", "finished"]
    assert len(xoauth_smtp.wait_for(2)) == 2
    assert xoauth_smtp.handler.logins == [USER]  # one connection, signed in once
    # The access token from the sign-in was used: no refresh was needed.
    assert token_server.grants("refresh_token") == 0


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_access_token_is_refreshed_before_a_connection_near_expiry(
    ctx, clock, token_server, xoauth_smtp, provider
):
    cfg = configure_signin(ctx, xoauth_smtp, provider, token_server)
    sign_in(ctx, provider, token_server)
    first = ctx.oauth.access_token(provider, USER)
    assert ctx.oauth.access_token(provider, USER) == first  # cached in memory
    clock.advance(
        timedelta(minutes=56).total_seconds()
    )  # 4 minutes left of the hour: refresh first
    token_server.expire_access_tokens()
    outcome = SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check()
    assert outcome.kind == SENT, outcome
    assert token_server.grants("refresh_token") == 1
    assert ctx.oauth.access_token(provider, USER) != first


def test_a_rotated_refresh_token_replaces_the_stored_one(ctx, clock, token_server, memory_keyring):
    with ctx.db.write() as s:
        oauth.save_settings(s, endpoints(token_server))
    sign_in(ctx, "microsoft", token_server)
    key = ("mailer-gui", f"oauth:microsoft:{USER}")
    before = json.loads(memory_keyring.store[key])["refresh_token"]
    token_server.rotate = True
    clock.advance(timedelta(hours=2).total_seconds())
    ctx.oauth.access_token("microsoft", USER)
    after = json.loads(memory_keyring.store[key])["refresh_token"]
    assert after != before and after in token_server.refresh_tokens


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_revoked_grant_holds_the_queue_with_sign_in_again_and_no_retry(
    ctx, clock, token_server, xoauth_smtp, provider
):
    configure_signin(ctx, xoauth_smtp, provider, token_server)
    sign_in(ctx, provider, token_server)
    token_server.revoke_all()  # access and refresh tokens are dead
    clock.advance(timedelta(hours=2).total_seconds())
    make_campaign(ctx, 3)
    drain(ctx)
    assert xoauth_smtp.received == []
    with ctx.db.read() as s:
        entry = s.query(QueueEntry).one()
        assert entry.reason_code == Reason.SMTP_AUTH_FAILED
        assert entry.next_run_at is None  # waits for the operator: no retry loop
        detail = from_stored(entry.reason_detail)
    assert detail is not None and detail.code == "oauth.sign_in_again"
    assert "invalid_grant" in detail.params["error"] and "sign in again" in detail
    refreshes = token_server.grants("refresh_token")
    assert refreshes == 1
    drain(ctx)  # nothing tries again by itself
    clock.advance(timedelta(hours=1).total_seconds())
    drain(ctx)
    assert token_server.grants("refresh_token") == refreshes
    state = ctx.oauth.state(provider, USER)
    assert state.signed_in and state.needs_sign_in and "invalid_grant" in state.refused
    # Signing in again clears it.
    sign_in(ctx, provider, token_server)
    assert not ctx.oauth.state(provider, USER).needs_sign_in


def test_a_token_the_server_refuses_is_auth_failed_and_dropped_from_memory(
    ctx, token_server, xoauth_smtp
):
    cfg = configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
    sign_in(ctx, "microsoft", token_server)
    with token_server.lock:
        token_server.access_tokens.clear()  # the server no longer takes it
    outcome = SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check()
    assert outcome.kind == AUTH_FAILED and outcome.code == 535
    assert outcome.text.code == "oauth.refused" and "Sign in again" in outcome.text
    # The next connection refreshes first (the grant itself is still good).
    assert SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check().kind == SENT
    assert token_server.grants("refresh_token") == 1


def test_not_signed_in_is_auth_failed_naming_the_account(ctx, token_server, xoauth_smtp):
    cfg = configure_signin(ctx, xoauth_smtp, "google", token_server)
    outcome = SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check()
    assert outcome.kind == AUTH_FAILED and outcome.text.code == "oauth.not_signed_in"
    assert USER in outcome.text
    assert token_server.requests == []


def test_token_endpoint_unreachable_is_transient(ctx, token_server, xoauth_smtp, clock):
    cfg = configure_signin(ctx, xoauth_smtp, "google", token_server)
    sign_in(ctx, "google", token_server)
    token_server.stop()
    clock.advance(timedelta(hours=2).total_seconds())
    outcome = SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check()
    assert outcome.kind == "transient" and outcome.text.code == "oauth.unreachable"
    assert not ctx.oauth.state("google", USER).needs_sign_in  # the grant is kept


def test_sign_out_removes_the_grant_from_the_keychain(ctx, token_server, memory_keyring):
    with ctx.db.write() as s:
        oauth.save_settings(s, endpoints(token_server))
    sign_in(ctx, "microsoft", token_server)
    assert ("mailer-gui", f"oauth:microsoft:{USER}") in memory_keyring.store
    ctx.oauth.sign_out("microsoft", USER)
    assert ("mailer-gui", f"oauth:microsoft:{USER}") not in memory_keyring.store
    assert not ctx.oauth.state("microsoft", USER).signed_in
    with pytest.raises(GrantError) as err:
        ctx.oauth.access_token("microsoft", USER)
    assert err.value.kind == "missing"


def test_imap_credentials_and_xoauth2_string(ctx, token_server, xoauth_smtp):
    cfg = configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
    sign_in(ctx, "microsoft", token_server)
    user, token = ctx.oauth.credentials(cfg)
    assert user == USER and token_server.valid(USER, token)
    assert oauth.xoauth2_string(user, "T") == f"user={USER}\x01auth=Bearer T\x01\x01"


def test_no_client_id_says_so(ctx):
    with pytest.raises(GrantError) as err:
        ctx.oauth.start_device_sign_in("microsoft")
    assert err.value.kind == "config" and "client id" in str(err.value)


def test_oauth_settings_validate_urls(ctx):
    with ctx.db.write() as s, pytest.raises(settings_mod.SettingsError) as err:
        oauth.save_settings(s, OAuthSettings(google_token_uri="http://example.com/token"))
    assert err.value.field == "google_token_uri"


def test_signin_setting_is_validated():
    cfg = settings_mod.SmtpSettings("h", 25, "none", "a@example.com", signin="yahoo")
    with pytest.raises(settings_mod.SettingsError) as err:
        cfg.validate()
    assert err.value.field == "signin"


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_no_token_in_database_logs_reports_or_errors(
    ctx, clock, token_server, xoauth_smtp, provider, tmp_path, capsys
):
    """Every token the endpoint issued is grepped for in the database file
    (and its WAL), the log file (at DEBUG, every logger), a report, and the
    text of every error met on the way."""
    from mailer_gui.logsetup import setup_logging, stop_logging

    log_file = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    errors: list[str] = []
    try:
        configure_signin(ctx, xoauth_smtp, provider, token_server)
        sign_in(ctx, provider, token_server)
        cid = make_campaign(ctx, 2)
        drain(ctx)
        clock.advance(timedelta(hours=2).total_seconds())  # a refresh
        make_campaign(ctx, 1, name="Second")
        drain(ctx)
        token_server.revoke_all()
        clock.advance(timedelta(hours=2).total_seconds())
        make_campaign(ctx, 1, name="Third")
        drain(ctx)
        for call in (
            lambda: ctx.oauth.access_token(provider, USER),
            lambda: ctx.oauth.client(provider).refresh("rt-unknown"),
        ):
            try:
                call()
            except GrantError as exc:
                errors += [str(exc), repr(exc), repr(exc.message.params)]
        from mailer_gui.core.reports.formats import ExportRequest, open_report, write

        for fmt in ("csv", "xlsx"):
            req = ExportRequest(fmt=fmt, out=tmp_path / f"report.{fmt}", campaign_id=cid)
            with open_report(ctx.db, req, ctx.clock.now()) as rep:
                write(rep, req)
    finally:
        stop_logging()
    secrets = set(token_server.issued)
    assert len(secrets) >= 4  # sign-in (access + refresh), a refresh, ...
    files = [p for p in ctx.data_dir.rglob("*") if p.is_file()] + [log_file]
    files += [tmp_path / "report.csv"]
    assert any(p.suffix in (".db", ".sqlite", ".sqlite3") for p in files), files
    assert log_file.stat().st_size > 0
    captured = capsys.readouterr()
    haystacks = {str(p): p.read_bytes().decode("latin-1") for p in files}
    # The xlsx is a zip: look inside it.
    import zipfile

    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        haystacks["report.xlsx"] = "".join(z.read(n).decode("latin-1") for n in z.namelist())
    haystacks["stdout+stderr"] = captured.out + captured.err
    haystacks["errors"] = "\n".join(errors)
    assert "sign in again" in haystacks["errors"]
    for name, text in haystacks.items():
        for secret in secrets:
            assert secret not in text, f"a token is in {name}"


class _Browser:
    """The system browser for the interactive sign-in: it opens the address
    (our authorization endpoint) and follows its redirect to the app's
    loopback address, as a browser does once the operator has signed in."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:

        self.opened.append(url)
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    @staticmethod
    def _visit(url: str) -> None:
        import html
        import re

        import requests

        page = requests.get(url, timeout=10)
        form = re.search(r'<form method="post" action="([^"]+)">(.*)</form>', page.text)
        if form:  # the page's script would submit it at once
            fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
            requests.post(
                html.unescape(form.group(1)),
                data={k: html.unescape(v) for k, v in fields.items()},
                timeout=10,
            )

    open_new = open_new_tab = open


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> _Browser:
    import webbrowser

    b = _Browser()
    monkeypatch.setattr(webbrowser, "_tryorder", ["test-browser"])
    monkeypatch.setattr(webbrowser, "_browsers", {"test-browser": [None, b]})
    return b


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_interactive_sign_in_through_the_browser_loopback(
    ctx, token_server, xoauth_smtp, browser, memory_keyring, provider
):
    cfg = configure_signin(ctx, xoauth_smtp, provider, token_server)
    state = ctx.oauth.interactive_sign_in(provider, USER)
    assert state.signed_in and state.account == USER
    (url,) = browser.opened
    assert url.startswith(f"{token_server.base}/authorize?") and "redirect_uri=http" in url
    assert token_server.grants("authorization_code") == 1
    assert SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check().kind == SENT


def test_without_a_keychain_the_grant_lives_in_memory_only(ctx, token_server, xoauth_smtp):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        cfg = configure_signin(ctx, xoauth_smtp, "microsoft", token_server)
        state = sign_in(ctx, "microsoft", token_server)
        assert state.signed_in and not state.in_keychain
        assert SmtpTransport(cfg, None, access_token=ctx.oauth.source(cfg)).check().kind == SENT
        db = (ctx.data_dir / "mailer.db").read_bytes()
        assert not any(t.encode() in db for t in token_server.issued)
        ctx.oauth.sign_out("microsoft", USER)
        assert not ctx.oauth.state("microsoft", USER).signed_in
    finally:
        keyring.set_keyring(previous)
