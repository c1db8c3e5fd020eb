"""SMTP details seen against a real Postfix, on a real aiosmtpd server: 8-bit
bodies and 8BITMIME, TLS/port mismatches, a company's own CA, RSET and QUIT."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from sqlalchemy import func, select

from mailer_gui.cli import main as cli
from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns, compose
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.smtp import REJECTED, SENT, SmtpTransport
from mailer_gui.core.store.models import Recipient, SlotReservation

from .conftest import configure
from .conftest import drain as run
from .smtp_server import TestSmtpServer

TEXT = "Здравствуйте, {{ name }}! Новости ноября: скидки до 30 %.\nВторая строка.\n"
HTML = "<p>Здравствуйте, {{ name }}!</p><p>Новости ноября.</p>"


def _cyrillic_campaign(ctx, n: int = 1) -> int:
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c = campaigns.create(s, "Ноябрь", "Новости, {{ name }}", HTML, TEXT, now)
        campaigns.add_recipients(
            s, c.id, [(i + 2, f"r{i}@example.org", {"name": "Анна"}) for i in range(n)]
        )
        queue.enqueue(s, c.id, now)
        return c.id


def _state(ctx, cid):
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        rows = {
            r.email: r.status
            for r in s.scalars(select(Recipient).where(Recipient.campaign_id == cid))
        }
        ledger = s.scalar(select(func.count()).select_from(SlotReservation))
        return entry, rows, ledger


def _save_smtp(
    ctx, port: int, security: str, host: str = "127.0.0.1", ca_file: str | None = None
) -> None:
    smtp = settings.SmtpSettings(
        host=host, port=port, security=security, from_addr="news@example.com", timeout=10
    )
    with ctx.db.write() as s:
        settings.save_smtp(s, smtp.with_ca_file(ca_file) if ca_file else smtp)


# ------------------------------------------------------------------ 8BITMIME


def test_8bit_body_to_a_server_without_8bitmime_goes_7bit_and_reads_the_same(ctx):
    server = TestSmtpServer(eight_bit_mime=False).start()
    try:
        configure(ctx, server)
        cid = _cyrillic_campaign(ctx)
        run(ctx)
        entry, rows, _ = _state(ctx, cid)
        assert rows == {"r0@example.org": "sent"}
        (got,) = server.received
        assert got.data.isascii(), "a server without 8BITMIME must get 7-bit data"
        assert not any(len(line) > 998 for line in got.data.split(b"\r\n"))
        assert "BODY=8BITMIME" not in got.mail_options
        msg = got.message
        assert msg["Subject"] == "Новости, Анна"
        text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert text == TEXT.replace("{{ name }}", "Анна")
        assert "Здравствуйте, Анна!" in msg.get_body(("html",)).get_content()
        for part in msg.walk():
            if not part.is_multipart():
                assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    finally:
        server.stop()


def test_8bit_body_to_a_server_with_8bitmime_says_body_8bitmime(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    assert _state(ctx, cid)[1] == {"r0@example.org": "sent"}
    (got,) = smtp_server.received
    assert "BODY=8BITMIME" in got.mail_options
    assert not got.data.isascii()  # sent as 8bit, as offered
    text = got.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == TEXT.replace("{{ name }}", "Анна")


def test_an_ascii_message_needs_no_body_parameter(ctx, smtp_server):
    configure(ctx, smtp_server)
    with ctx.db.write() as s:
        c = campaigns.create(s, "Plain", "Hello", "<p>Hello</p>", "Hello\n", ctx.clock.now())
        campaigns.add_recipients(s, c.id, [(2, "a@example.org", {})])
        queue.enqueue(s, c.id, ctx.clock.now())
    run(ctx)
    (got,) = smtp_server.received
    assert got.mail_options == [] and got.data.isascii()


def test_seven_bit_keeps_headers_and_bytes_of_every_part():
    from datetime import UTC, datetime

    content = compose.Content(
        subject="Тема",
        html="<p>Привет</p>",
        text="Привет\n" * 3,
        attachments=(("прайс.txt", "text/plain", "цены".encode()),),
    )
    smtp = settings.SmtpSettings(host="h", port=25, security="none", from_addr="a@b.org")
    msg = compose.build_message(
        content, smtp, "c@d.org", {}, "<1@b.org>", datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert not msg.as_bytes().isascii()
    out = compose.seven_bit(msg)
    assert out.as_bytes().isascii()
    assert not msg.as_bytes().isascii(), "the original is left as it was"

    def parts(m):
        return [
            (
                [(k, v) for k, v in p.items() if k != "Content-Transfer-Encoding"],
                p.get_payload(decode=True).replace(b"\r\n", b"\n"),
            )
            for p in m.walk()
            if not p.is_multipart()
        ]

    assert parts(out) == parts(msg)
    assert [(k, v) for k, v in out.items()] == [(k, v) for k, v in msg.items()]


# ------------------------------------------------------------ TLS and ports


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_ctx(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return ctx


@pytest.fixture
def implicit_tls_server(ca) -> Iterator[TestSmtpServer]:
    server = TestSmtpServer(tls_context=_server_ctx(ca), implicit_tls=True).start()
    yield server
    server.stop()


@pytest.fixture
def starttls_server(ca) -> Iterator[TestSmtpServer]:
    server = TestSmtpServer(tls_context=_server_ctx(ca)).start()
    yield server
    server.stop()


@pytest.mark.parametrize("security", ["starttls", "none"])
def test_plain_or_starttls_on_an_implicit_tls_port_is_a_config_error(
    ctx, implicit_tls_server, security
):
    configure(ctx, implicit_tls_server)
    _save_smtp(ctx, implicit_tls_server.port, security)
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    entry, rows, ledger = _state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == ("smtp_rejected", None)
    assert f"port {implicit_tls_server.port} expects TLS" in entry.reason_detail
    assert "choose Security: TLS, or use port 587 with STARTTLS" in entry.reason_detail
    assert rows == {"r0@example.org": "pending"} and ledger == 0
    assert implicit_tls_server.received == []


def test_tls_on_a_plain_port_is_a_config_error(ctx, smtp_server):
    configure(ctx, smtp_server)
    _save_smtp(ctx, smtp_server.port, "tls")
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    entry, rows, ledger = _state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == ("smtp_rejected", None)
    assert f"port {smtp_server.port} answers in plain text, not TLS" in entry.reason_detail
    assert "choose Security: STARTTLS" in entry.reason_detail
    assert rows == {"r0@example.org": "pending"} and ledger == 0


def test_a_slow_plain_greeting_is_not_mistaken_for_tls(smtp_server):
    """The TLS check after a silent start is a probe: a plain server that greets
    late still gets its session."""
    import socket
    import threading

    # A relay that holds the greeting for 3 s, longer than the silence allowed.
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    port = lsock.getsockname()[1]

    def pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for x in (a, b):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve(client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", smtp_server.port))
        greeting = upstream.recv(1024)
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
        time.sleep(3)
        try:
            client.sendall(greeting)
        except OSError:
            return
        pump(upstream, client)

    def relay() -> None:
        while True:
            try:
                client, _ = lsock.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(client,), daemon=True).start()

    threading.Thread(target=relay, daemon=True).start()
    try:
        smtp = settings.SmtpSettings(
            host="127.0.0.1", port=port, security="none", from_addr="news@example.com", timeout=10
        )
        out = SmtpTransport(smtp, None).check()
        assert out.kind == SENT, out
    finally:
        lsock.close()


# ----------------------------------------------------------- the company CA


def test_a_private_ca_without_ca_file_says_how_to_trust_it(ctx, implicit_tls_server):
    configure(ctx, implicit_tls_server)
    _save_smtp(ctx, implicit_tls_server.port, "tls")
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    entry, rows, ledger = _state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == ("smtp_rejected", None)
    assert (
        "the server's certificate isn't signed by a trusted CA; if your company uses its "
        "own CA, choose its file in Settings → CA file (or `config smtp --ca-file`)"
    ) in entry.reason_detail
    assert "host name" not in entry.reason_detail
    assert rows == {"r0@example.org": "pending"} and ledger == 0


@pytest.mark.parametrize("mode", ["tls", "starttls"])
def test_with_the_ca_file_it_sends(ctx, implicit_tls_server, starttls_server, ca_file, mode):
    server = implicit_tls_server if mode == "tls" else starttls_server
    configure(ctx, server)
    _save_smtp(ctx, server.port, mode, ca_file=ca_file)
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    assert _state(ctx, cid)[1] == {"r0@example.org": "sent"}
    assert len(server.received) == 1


def test_with_the_ca_file_a_wrong_host_name_gets_its_own_message(ctx, implicit_tls_server, ca_file):
    # The certificate names 127.0.0.1; "localhost" reaches the same server.
    smtp = settings.SmtpSettings(
        host="localhost",
        port=implicit_tls_server.port,
        security="tls",
        from_addr="news@example.com",
        timeout=10,
    ).with_ca_file(ca_file)
    out = SmtpTransport(smtp, None).check()
    assert out.kind == REJECTED and out.phase == "tls"
    assert "the server's certificate is not valid for the name 'localhost'" in out.text
    assert "trusted CA" not in out.text
    assert implicit_tls_server.received == []


def test_the_ca_is_stored_with_the_settings_and_shows_its_fingerprint(ctx, ca, ca_file):
    _save_smtp(ctx, 465, "tls", ca_file=ca_file)
    Path(ca_file).rename(ca_file + ".moved")  # the stored copy is what TLS uses
    try:
        with ctx.db.read() as s:
            smtp = settings.load(s).smtp
        assert smtp is not None and smtp.ca_file == str(Path(ca_file).resolve())
        (cert,) = smtp.ca_certs
        import hashlib

        der = ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())
        assert cert.sha256 == ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
        assert "Testing CA" in cert.subject
    finally:
        Path(ca_file + ".moved").rename(ca_file)


@pytest.mark.parametrize(
    "content,why",
    [
        (None, "does not exist"),
        (b"hello, not a certificate\n", "holds no certificate"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "private key"),
    ],
)
def test_a_bad_ca_file_is_refused_naming_the_file(tmp_path, content, why):
    path = tmp_path / "bad.pem"
    if content is not None:
        path.write_bytes(content)
    smtp = settings.SmtpSettings(host="h.example", port=465, security="tls", from_addr="a@b.org")
    with pytest.raises(SettingsError) as exc:
        smtp.with_ca_file(str(path))
    assert exc.value.field == "ca_file"
    assert str(path) in exc.value.message and why in exc.value.message


def test_cli_ca_file(tmp_path, ca_file, capsys):
    data = tmp_path / "data"
    base = [
        "--data-dir",
        str(data),
        "config",
        "smtp",
        "--host",
        "mail.corp.example",
        "--port",
        "465",
        "--security",
        "tls",
        "--from-addr",
        "news@example.com",
    ]
    assert cli.main([*base, "--ca-file", ca_file]) == 0
    out = capsys.readouterr().out
    assert "SHA-256 " in out and ca_file in out

    def shown() -> dict:
        import json

        assert cli.main(["--data-dir", str(data), "config", "show"]) == 0
        return json.loads(capsys.readouterr().out)["smtp"]

    before = shown()
    assert before["ca_file"] == ca_file and len(before["ca_certificates"]) == 1
    assert "ca_pem" not in before
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    assert cli.main([*base[:5], "other.example", *base[6:], "--ca-file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err
    assert shown() == before  # nothing saved
    assert cli.main([*base, "--port", "587"]) == 0  # no --ca-file: the CA stays
    capsys.readouterr()
    assert shown()["ca_certificates"] == before["ca_certificates"]
    assert cli.main([*base, "--no-ca-file"]) == 0
    capsys.readouterr()
    assert shown()["ca_file"] == "" and shown()["ca_certificates"] == []


# --------------------------------------------------------------- RSET, QUIT


def test_a_4xx_at_mail_ends_politely_with_rset_then_quit(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = "451 4.3.0 try again later"
    cid = _cyrillic_campaign(ctx)
    run(ctx)
    entry, rows, _ = _state(ctx, cid)
    assert entry.reason_code == "transient_error"
    assert rows == {"r0@example.org": "pending"}
    assert smtp_server.commands == ["EHLO", "MAIL", "RSET", "QUIT"]


def test_transport_reuses_the_line_after_a_4xx_at_mail(smtp_server):
    smtp_server.rules["mail"] = ["451 4.3.0 try again later", None]
    smtp = settings.SmtpSettings(
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        from_addr="news@example.com",
        timeout=10,
    )
    t = SmtpTransport(smtp, None)
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "news@example.com", "a@example.org", "x"
    msg.set_content("hello")
    assert t.send(msg, "news@example.com", "a@example.org").code == 451
    assert t.send(msg, "news@example.com", "a@example.org").kind == SENT
    t.close()
    assert smtp_server.commands == ["EHLO", "MAIL", "RSET", "MAIL", "QUIT"]
