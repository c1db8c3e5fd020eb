"""A real OAuth 2.0 authorization server for the tests, on 127.0.0.1 over
HTTPS (MSAL accepts only https authorities; the certificate comes from
trustme, and ``REQUESTS_CA_BUNDLE`` makes requests trust it).

It serves both providers' endpoints:

- ``GET /<tenant>/v2.0/.well-known/openid-configuration`` (MSAL's discovery),
- ``POST /devicecode`` (the device authorization endpoint, RFC 8628),
- ``GET /device?user_code=...`` (the operator entering the code: approves it),
- ``GET /authorize`` (the browser step: redirects to ``redirect_uri`` with a code,
  or, for ``response_mode=form_post`` as MSAL asks, a page whose form posts it),
- ``POST /token`` with the ``refresh_token``, ``device_code`` and
  ``authorization_code`` grants; a revoked or unknown refresh token gets
  ``400 {"error": "invalid_grant"}``.

Access tokens it issued are checked by :meth:`valid` (the SMTP server's
XOAUTH2 authenticator calls it). ``expires_in`` sets their lifetime and
``rotate`` gives a new refresh token with each refresh, as Microsoft does.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

TENANT = "common"


def _jwt(claims: dict[str, Any]) -> str:
    def part(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


class OAuthServer:
    """Start with ``start()``; ``base`` is its https URL."""

    __test__ = False

    def __init__(self, ca: Any, account: str = "owner@example.com") -> None:
        self.account = account
        self.expires_in = 3600
        self.rotate = False
        self.refresh_tokens: set[str] = set()
        self.revoked: set[str] = set()
        self.access_tokens: dict[str, tuple[str, float]] = {}  # token -> (account, expires)
        self.issued: set[str] = set()  # every token ever given out, for the leak test
        self.devices: dict[str, dict[str, Any]] = {}  # device_code -> state
        # authorization code -> (account, nonce, scope asked)
        self.codes: dict[str, tuple[str, str, str]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, form
        self.lock = threading.Lock()
        cert = ca.issue_cert("127.0.0.1")
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self._ctx)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.socket = self._ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.base = f"https://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> OAuthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- what a test does ----------------------------------------------------
    def revoke_all(self) -> None:
        """The operator revoked the app's access (or the grant expired)."""
        with self.lock:
            self.revoked |= self.refresh_tokens
            self.access_tokens.clear()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access_tokens = {t: (a, 0.0) for t, (a, _) in self.access_tokens.items()}

    def valid(self, account: str, token: str) -> bool:
        with self.lock:
            got = self.access_tokens.get(token)
        return got is not None and got[0] == account and got[1] > time.time()

    def grants(self, grant_type: str) -> int:
        with self.lock:
            return sum(
                1
                for m, p, f in self.requests
                if p == "/token" and f.get("grant_type") == grant_type
            )

    # -- issuing -------------------------------------------------------------
    def _issue(self, account: str, scope: str = "", nonce: str = "") -> dict[str, Any]:
        access, refresh = "at-" + secrets.token_urlsafe(24), "rt-" + secrets.token_urlsafe(24)
        with self.lock:
            self.access_tokens[access] = (account, time.time() + self.expires_in)
            self.refresh_tokens.add(refresh)
            self.issued |= {access, refresh}
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.expires_in,
            "scope": scope,
            "id_token": _jwt(
                {
                    "iss": f"{self.base}/{TENANT}/v2.0",
                    "aud": "client",
                    "sub": "user-1",
                    "exp": int(time.time()) + 3600,
                    "iat": int(time.time()),
                    "preferred_username": account,
                    "email": account,
                    **({"nonce": nonce} if nonce else {}),
                }
            ),
        }

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = form.get("grant_type", "")
        if grant == "refresh_token":
            rt = form.get("refresh_token", "")
            with self.lock:
                ok = rt in self.refresh_tokens and rt not in self.revoked
            if not ok:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "AADSTS70000: the grant is expired or revoked",
                }
            body = self._issue(self.account, form.get("scope", ""))
            if not self.rotate:
                with self.lock:
                    self.refresh_tokens.discard(body["refresh_token"])
                del body["refresh_token"]
            return 200, body
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            with self.lock:
                dev = self.devices.get(form.get("device_code", ""))
            if dev is None:
                return 400, {"error": "invalid_grant"}
            if not dev["approved"]:
                return 400, {"error": "authorization_pending"}
            return 200, self._issue(dev["account"], form.get("scope", ""))
        if grant == "authorization_code":
            with self.lock:
                got = self.codes.pop(form.get("code", ""), None)
            if got is None:
                return 400, {"error": "invalid_grant"}
            return 200, self._issue(got[0], got[2], nonce=got[1])
        return 400, {"error": "unsupported_grant_type"}

    def _device(self, form: dict[str, str]) -> dict[str, Any]:
        device, user = secrets.token_urlsafe(16), secrets.token_hex(3).upper()
        with self.lock:
            self.devices[device] = {"user_code": user, "approved": False, "account": self.account}
        url = f"{self.base}/device"
        return {
            "device_code": device,
            "user_code": user,
            "verification_uri": url,
            "verification_url": url,
            "expires_in": 60,
            "interval": 1,
            "message": f"open {url} and enter {user}",
        }

    def approve(self, user_code: str) -> bool:
        with self.lock:
            for dev in self.devices.values():
                if dev["user_code"] == user_code:
                    dev["approved"] = True
                    return True
        return False

    def _openid(self) -> dict[str, Any]:
        return {
            "issuer": f"{self.base}/{TENANT}/v2.0",
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "device_authorization_endpoint": f"{self.base}/devicecode",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                with server.lock:
                    server.requests.append(("GET", url.path, query))
                if url.path.endswith("/.well-known/openid-configuration"):
                    self._json(200, server._openid())
                elif url.path == "/device":
                    self._json(200 if server.approve(query.get("user_code", "")) else 404, {})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(12)
                    with server.lock:
                        server.codes[code] = (
                            query.get("login_hint") or server.account,
                            query.get("nonce", ""),
                            query.get("scope", ""),
                        )
                    back = {"code": code, "state": query.get("state", "")}
                    if query.get("response_mode") == "form_post":  # MSAL's way
                        inputs = "".join(
                            f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                            for k, v in back.items()
                        )
                        page = (
                            f'<html><body onload="document.forms[0].submit()"><form method="post" '
                            f'action="{html.escape(query["redirect_uri"])}">{inputs}</form>'
                            "</body></html>"
                        ).encode()
                        self.send_response(200)
                        self.send_header("Content-Type", "text/html")
                        self.send_header("Content-Length", str(len(page)))
                        self.end_headers()
                        self.wfile.write(page)
                        return
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                path = urlparse(self.path).path
                with server.lock:
                    server.requests.append(("POST", path, form))
                if path == "/token":
                    self._json(*server._token(form))
                elif path == "/devicecode":
                    self._json(200, server._device(form))
                else:
                    self._json(404, {"error": "not_found"})

        return Handler
