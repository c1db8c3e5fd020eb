"""The mailbox read with the SMTP account's Microsoft or Google grant (SASL
XOAUTH2 over IMAP, issue 12 part 3): Dovecot takes XOAUTH2 and judges each
token at an introspection endpoint (RFC 7662) that asks our token server
(tests/oauth_server.py) whether it issued it; a revoked grant is "sign in
again", never a password prompt or a retry."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.mailbox import check, imap
from mailer_gui.core.messages import Message

from . import test_oauth as oauth_tests
from .imap_server import TestImapServer
from .oauth_server import OAuthServer
from .test_oauth import USER, configure_signin, sign_in

# The token endpoint, its CA and the XOAUTH2 SMTP server of the sign-in tests.
ca = oauth_tests.ca
token_server = oauth_tests.token_server
xoauth_smtp = oauth_tests.xoauth_smtp


@pytest.fixture
def introspection(token_server: OAuthServer) -> Iterator[tuple[str, list[str]]]:
    """POST /introspect token=...: active when our token server issued it to USER."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            token = parse_qs(raw).get("token", [""])[0]
            seen.append(token)
            body = (
                {"active": True, "email": USER}
                if token_server.valid(USER, token)
                else {"active": False}
            )
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/introspect", seen
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def oauth_imap(introspection: tuple[str, list[str]]) -> Iterator[TestImapServer]:
    server = TestImapServer(user=USER, oauth_introspection=introspection[0]).start()
    yield server
    server.stop()


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_the_mailbox_signs_in_with_the_smtp_accounts_grant(
    ctx,
    clock,
    token_server,
    xoauth_smtp,
    oauth_imap,
    introspection,
    memory_keyring,
    provider,
):
    configure_signin(ctx, xoauth_smtp, provider, token_server)
    sign_in(ctx, provider, token_server)
    with ctx.db.write() as s:
        imap_settings.save_imap(
            s,
            imap_settings.ImapSettings(
                host="127.0.0.1", port=oauth_imap.port, security="none", user=USER, reuse_smtp=True
            ),
        )
    with ctx.db.read() as s:
        st = imap_settings.load_imap(s)
    assert st is not None
    credential = check.password_for(ctx, st)
    assert isinstance(credential, imap.Bearer) and token_server.valid(USER, credential.token)
    assert credential.token not in repr(credential)
    oauth_imap.deliver(
        b"From: someone@example.org\r\nTo: " + USER.encode() + b"\r\nSubject: hello\r\n"
        b"Message-ID: <x1@example.org>\r\n\r\nJust a note.\r\n"
    )
    result = check.check_once(ctx)
    assert result.messages == 1 and result.counts["ignored"] == 1
    _, seen = introspection
    assert seen and all(token_server.valid(USER, t) for t in seen)
    assert not [k for k in memory_keyring.store if "imap" in k[1].lower()]  # no password used

    token_server.revoke_all()  # access and refresh tokens are dead
    clock.advance(7200)  # the cached access token has expired: a refresh is refused
    with pytest.raises(imap.MailboxError) as err:
        check.check_once(ctx)
    message = err.value.args[0]
    assert isinstance(message, Message) and message.code == "oauth.sign_in_again"
