"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that can be told
to answer 4xx/5xx at any phase, drop the line, be slow, or require AUTH.

Rules are set on ``server.rules``: a key is a phase (``mail``, ``rcpt``,
``data``), optionally with ``:address`` for one recipient; a value is either a
reply line such as ``"451 4.3.0 try later"``, ``"drop"`` (close the line
without a reply) or, for ``data``, ``"store-then-drop"`` (keep the message,
then close the line before replying). A rule given as a list is consumed one
item per use (the last item stays). Three more phases take a reply line only:
``greeting`` (sent instead of the 220, then the line is closed), ``starttls``
(the reply to STARTTLS) and ``auth`` (the reply to AUTH, for a server with a
user).
"""

from __future__ import annotations

import base64
import binascii
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword, syntax


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class _State:
    rules: dict[str, Any] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0
    delay_after_store: float = 0.0
    eight_bit_mime: bool = True
    commands: list[str] = field(default_factory=list)  # EHLO, MAIL, RSET, QUIT ... in order
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    def __init__(self, state: _State) -> None:
        self.state = state

    def _rule(self, phase: str, address: str | None = None) -> str | None:
        with self.state.lock:
            for key in ((f"{phase}:{address.lower()}",) if address else ()) + (phase,):
                if key in self.state.rules:
                    value = self.state.rules[key]
                    if isinstance(value, list):
                        item = value[0]
                        if len(value) > 1:
                            value.pop(0)
                        return str(item) if item is not None else None
                    return str(value) if value is not None else None
        return None

    @staticmethod
    def _drop(server: Any) -> str:
        server.transport.close()
        return "421 closing"

    def _log(self, command: str) -> None:
        with self.state.lock:
            self.state.commands.append(command)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self._log("EHLO")
        session.host_name = hostname
        if not self.state.eight_bit_mime:
            responses = [r for r in responses if r[4:].upper() != "8BITMIME"]
        return responses

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:
        self._log("RSET")
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self._log("QUIT")
        return "221 Bye"

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        self._log("MAIL")
        rule = self._rule("mail")
        if rule == "drop":
            return self._drop(server)
        if rule:
            return rule
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        rule = self._rule("rcpt", address)
        if rule == "drop":
            return self._drop(server)
        if rule:
            return rule
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.state.delay:
            import asyncio

            await asyncio.sleep(self.state.delay)
        rule = self._rule("data", envelope.rcpt_tos[0] if envelope.rcpt_tos else None)
        if rule == "drop":
            return self._drop(server)
        if rule and rule != "store-then-drop":
            return rule
        with self.state.lock:
            self.state.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content or envelope.content,
                    list(envelope.mail_options),
                )
            )
        if rule == "store-then-drop":
            return self._drop(server)
        if self.state.delay_after_store:
            import asyncio

            # The message is kept; a client killed now never learns it.
            await asyncio.sleep(self.state.delay_after_store)
        return "250 2.0.0 OK queued"


class _XOAuth2Handler(_Handler):
    """A handler that also offers AUTH XOAUTH2 (RFC 7628 style, as Microsoft and
    Google do): ``check(user, token)`` says whether the bearer token is valid."""

    def __init__(self, state: _State, check: Callable[[str, str], bool]) -> None:
        super().__init__(state)
        self.check = check
        self.logins: list[str] = []  # the users that signed in, in order

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        rule = self._rule("auth")
        if rule:
            return AuthResult(success=False, handled=False, message=rule)
        if len(args) == 2:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False, message="501 5.5.2 bad base64")
        else:
            got = await server.challenge_auth("")
            if got is MISSING:
                return AuthResult(success=False, handled=True)
            blob = got
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        token = bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else ""
        if self.check(user, token):
            with self.state.lock:
                self.logins.append(user)
            return AuthResult(success=True, handled=False)
        # The error document, then the client's empty line, then the refusal.
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )


class _Server(SMTP):
    """aiosmtpd's server with a ``greeting`` and a ``starttls`` rule."""

    event_handler: _Handler

    async def _handle_client(self) -> None:
        rule = self.event_handler._rule("greeting")
        if rule:
            await self.push(rule)
            assert self.transport is not None
            self.transport.close()
            return
        await super()._handle_client()

    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg: str) -> None:
        rule = self.event_handler._rule("starttls")
        if rule:
            await self.push(rule)
            return
        await super().smtp_STARTTLS(arg)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Server(self.handler, **self.SMTP_kwargs)


class TestSmtpServer:
    """Start with ``start()``; ``port``, ``rules``, ``received`` and ``delay`` are live.

    ``xoauth2=check`` offers AUTH XOAUTH2 only, ``check(user, token)`` deciding.
    ``tls_context`` makes it require STARTTLS, or with ``implicit_tls`` speak TLS
    from the first byte (as on port 465); ``eight_bit_mime=False`` leaves 8BITMIME
    out of the EHLO reply. ``commands`` lists the commands seen, in order.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        tls_context: Any = None,
        port: int | None = None,
        implicit_tls: bool = False,
        eight_bit_mime: bool = True,
        xoauth2: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.state = _State(eight_bit_mime=eight_bit_mime)
        self.port = port or free_port()
        handler = _Handler(self.state) if xoauth2 is None else _XOAuth2Handler(self.state, xoauth2)
        self.handler = handler
        kwargs: dict[str, Any] = {}
        if xoauth2 is not None:
            # XOAUTH2 only (PLAIN and LOGIN left out, as a provider that has
            # turned basic authentication off), and over plain text for the test.
            kwargs.update(auth_require_tls=False, auth_exclude_mechanism=["LOGIN", "PLAIN"])
        if user is not None:

            def authenticator(
                server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
            ) -> AuthResult:
                rule = handler._rule("auth")
                if rule:
                    return AuthResult(success=False, handled=False, message=rule)
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and auth_data.login.decode() == user
                    and auth_data.password.decode() == password
                )
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_require_tls=False)
        if tls_context is not None and implicit_tls:
            kwargs.update(ssl_context=tls_context)
        elif tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        self.controller = _Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def rules(self) -> dict[str, Any]:
        return self.state.rules

    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)

    @property
    def commands(self) -> list[str]:
        with self.state.lock:
            return list(self.state.commands)

    @property
    def delay(self) -> float:
        return self.state.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self.state.delay = seconds

    def set_slow(self, before: float, after_store: float) -> None:
        """Delay each DATA reply: ``before`` storing and ``after_store``."""
        self.state.delay = before
        self.state.delay_after_store = after_store

    def start(self) -> TestSmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[Received]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.received
            if len(got) >= n:
                return got
            time.sleep(0.02)
        return self.received
