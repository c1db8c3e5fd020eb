"""Finding the server from the address (Thunderbird autoconfig), against a
real HTTP server on 127.0.0.1: found, malformed, 404, slow, offline."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mailer_gui.cli import main as cli
from mailer_gui.core.config import autoconfig

from .smtp_server import free_port

MICROSOFT_XML = b"""<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="outlook.com">
    <domain>example.com</domain>
    <displayName>Microsoft</displayName>
    <incomingServer type="pop3">
      <hostname>outlook.office365.com</hostname><port>995</port><socketType>SSL</socketType>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>outlook.office365.com</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>OAuth2</authentication><authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.office365.com</hostname><port>587</port><socketType>STARTTLS</socketType>
      <authentication>OAuth2</authentication><authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"""

ISP_XML = b"""<clientConfig version="1.1"><emailProvider id="isp.example">
  <displayName>Example ISP</displayName>
  <outgoingServer type="smtp"><hostname>mail.%EMAILDOMAIN%</hostname><port>25</port>
    <socketType>plain</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
  <outgoingServer type="smtp"><hostname>smtp.%EMAILDOMAIN%</hostname><port>465</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILLOCALPART%</username></outgoingServer>
</emailProvider></clientConfig>"""


class AutoconfigServer:
    """``routes``: path -> (status, body, delay seconds)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, float]] = {}
        self.seen: list[str] = []
        routes, seen = self.routes, self.seen

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                seen.append(self.path)
                status, body, delay = routes.get(self.path.split("?")[0], (404, b"", 0.0))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def urls(self) -> dict[str, Any]:
        return {
            "domain_urls": (
                self.base + "/own/{domain}/mail/config-v1.1.xml?emailaddress={address}",
                self.base + "/wk/{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
            ),
            "ispdb_url": self.base + "/ispdb/{domain}",
        }


@pytest.fixture
def web() -> Iterator[AutoconfigServer]:
    server = AutoconfigServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_found_in_the_domains_own_file(web):
    web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 0.0)
    web.routes["/ispdb/example.com"] = (200, ISP_XML, 0.0)
    found = autoconfig.discover("Owner@Example.com", **web.urls())
    assert found is not None and found.source.startswith(web.base + "/own/")
    s = found.smtp
    assert (s.hostname, s.port, s.security, s.username) == (
        "smtp.office365.com",
        587,
        "starttls",
        "Owner@Example.com",
    )
    assert s.signin == "microsoft" and found.provider == "Microsoft"
    assert found.imap is not None and (found.imap.port, found.imap.security) == (993, "tls")
    assert any("emailaddress=Owner@Example.com" in p for p in web.seen)
    smtp = found.settings_for("Owner@Example.com")
    smtp.validate()
    assert smtp.signin == "microsoft" and smtp.host == "smtp.office365.com"


def test_ispdb_when_the_domain_has_none_and_the_encrypted_server_first(web):
    web.routes["/ispdb/example.org"] = (200, ISP_XML, 0.0)
    found = autoconfig.discover("anna@example.org", **web.urls())
    assert found is not None and found.source == web.base + "/ispdb/example.org"
    assert (found.smtp.hostname, found.smtp.port, found.smtp.security) == (
        "smtp.example.org",
        465,
        "tls",
    )
    assert found.smtp.username == "anna" and found.smtp.signin == "password"


@pytest.mark.parametrize(
    "body",
    [b"<clientConfig><emailProvider>", b"<html>not xml", b"<other/>", b"<clientConfig/>"],
)
def test_malformed_or_foreign_file_is_not_found(web, body):
    web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, body, 0.0)
    assert autoconfig.discover("a@example.com", **web.urls()) is None


def test_404_everywhere_is_none(web):
    assert autoconfig.discover("a@example.com", **web.urls()) is None
    assert len(web.seen) == 3


def test_slow_server_gives_up_within_the_total_timeout(web):
    web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 5.0)
    start = time.monotonic()
    assert autoconfig.discover("a@example.com", timeout=1.0, **web.urls()) is None
    assert time.monotonic() - start < 1.8


def test_slow_own_file_falls_back_to_what_answered_in_time(web):
    web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 5.0)
    web.routes["/ispdb/example.com"] = (200, ISP_XML, 0.0)
    start = time.monotonic()
    found = autoconfig.discover("a@example.com", timeout=1.0, **web.urls())
    assert found is not None and found.smtp.hostname == "smtp.example.com"
    assert time.monotonic() - start < 1.8


def test_offline_is_none_quickly():
    closed = f"http://127.0.0.1:{free_port()}"
    start = time.monotonic()
    found = autoconfig.discover(
        "a@example.com", domain_urls=(closed + "/{domain}",), ispdb_url=closed + "/i/{domain}"
    )
    assert found is None and time.monotonic() - start < 1.0


def test_no_domain_is_none_without_asking(web):
    assert autoconfig.discover("not-an-address", **web.urls()) is None
    assert web.seen == []


def test_cli_config_discover(web, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MAILER_GUI_HOME", str(tmp_path / "home"))
    web.routes["/own/example.com/mail/config-v1.1.xml"] = (200, MICROSOFT_XML, 0.0)
    monkeypatch.setattr(autoconfig, "DOMAIN_URLS", web.urls()["domain_urls"])
    monkeypatch.setattr(autoconfig, "ISPDB_URL", web.urls()["ispdb_url"])
    assert cli.main(["config", "discover", "owner@example.com", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["smtp"] == {
        "host": "smtp.office365.com",
        "port": 587,
        "security": "starttls",
        "user": "owner@example.com",
        "signin": "microsoft",
    }
    assert out["imap"]["host"] == "outlook.office365.com" and out["provider"] == "Microsoft"
    assert cli.main(["config", "discover", "owner@example.com"]) == 0
    text = capsys.readouterr().out
    assert "smtp.office365.com:587" in text and "config signin" in text
    assert cli.main(["config", "discover", "x@nothing.example"]) == 1
    assert "enter the server" in capsys.readouterr().err
