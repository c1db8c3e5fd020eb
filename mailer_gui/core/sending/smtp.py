"""The SMTP transport: the only module that talks SMTP (invariant A).

One connection is reused across messages and reopened on demand. TLS always
verifies certificates. ``MAIL``, ``RCPT`` and ``DATA`` are separate calls so
that the phase of a failure is known, and every reply maps to one outcome of
the SMTP reply table of docs/spec.md#smtp-replies
(:mod:`~mailer_gui.core.sending.replies`, whose names are importable from here too).
"""

from __future__ import annotations

import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from mailer_gui.core.audience import addresses
from mailer_gui.core.config.oauth import AccessTokenSource, GrantError, xoauth2_string
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.config.trust import client_context
from mailer_gui.core.content.compose import seven_bit
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.replies import AUTH_FAILED as AUTH_FAILED
from mailer_gui.core.sending.replies import CONTENT_REJECTED as CONTENT_REJECTED
from mailer_gui.core.sending.replies import PROVIDER_LIMIT as PROVIDER_LIMIT
from mailer_gui.core.sending.replies import RECIPIENT_FAILED as RECIPIENT_FAILED
from mailer_gui.core.sending.replies import REJECTED as REJECTED
from mailer_gui.core.sending.replies import SENT as SENT
from mailer_gui.core.sending.replies import TRANSIENT as TRANSIENT
from mailer_gui.core.sending.replies import UNCERTAIN as UNCERTAIN
from mailer_gui.core.sending.replies import (
    ConnectError,
    _text,
    classify,
)
from mailer_gui.core.sending.replies import Outcome as Outcome
from mailer_gui.core.sending.tls import speaks_tls, tls_problem


def _eight_bit(msg: EmailMessage) -> bool:
    """True when a part of ``msg`` has an 8-bit transfer encoding (its raw
    headers read, not parsed)."""
    for part in msg.walk():
        for name, value in part.raw_items():
            if name.lower() == "content-transfer-encoding" and value.strip().lower() in (
                "8bit",
                "binary",
            ):
                return True
    return False


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


# How long the server may stay silent after connecting before the app checks
# whether the port expects TLS from the first byte (then it never speaks first).
GREETING_WAIT = 2.0
TLS_PROBE_TIMEOUT = 5.0


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except OSError:
            pass


def _quit(conn: smtplib.SMTP | None) -> None:
    """QUIT politely, then close; a line already gone is just closed."""
    if conn is None:
        return
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        _close(conn)


def _open_failure(
    exc: smtplib.SMTPException | OSError,
    conn: smtplib.SMTP | None,
    s: SmtpSettings,
    phase: str,
) -> ConnectError:
    """Close the line (QUIT if the server still answers) and say why it could
    not be opened, connected, secured or logged in."""
    if isinstance(exc, ssl.SSLError):
        _close(conn)
        handshake = s.security == "tls" and conn is None  # SMTP_SSL's own handshake
        return ConnectError(Outcome(REJECTED, "tls", None, tls_problem(exc, s, handshake)))
    if isinstance(exc, smtplib.SMTPConnectError):
        _close(conn)
        return ConnectError(classify("connect", exc.smtp_code, _text(exc.smtp_error)))
    if isinstance(exc, smtplib.SMTPResponseException):
        _quit(conn)
        return ConnectError(classify(phase, exc.smtp_code, _text(exc.smtp_error)))
    _close(conn)
    return ConnectError(
        Outcome(
            TRANSIENT,
            phase,
            None,
            Message(
                "smtp.unreachable",
                host=s.host,
                port=s.port,
                problem=_text(str(exc)) or type(exc).__name__,
            ),
        )
    )


def _envelope(from_addr: str, to_addr: str) -> tuple[str, str] | Outcome:
    """Both envelope addresses, or why one cannot be used."""
    try:  # no SMTPUTF8: the envelope takes ASCII only (an IDN domain as its A-label)
        from_addr = addresses.envelope(from_addr)
    except addresses.InvalidAddress as exc:
        return Outcome(
            REJECTED,
            "connect",
            None,
            f"the sender address {from_addr!r} cannot be used: {exc}; change it in Settings",
        )
    try:
        to_addr = addresses.envelope(to_addr)
    except addresses.InvalidAddress as exc:
        return Outcome(
            RECIPIENT_FAILED, "compose", None, f"{to_addr.strip()!r} cannot be sent to: {exc}"
        )
    return from_addr, to_addr


def _rcpt_and_data(conn: smtplib.SMTP, to_addr: str) -> Outcome | None:
    """RCPT TO, then DATA up to the server's 354 (None), or why not."""
    try:
        code, resp = conn.rcpt(to_addr)
        if code not in (250, 251):
            return classify("rcpt", code, _text(resp))
        code, resp = conn.docmd("DATA")
        if code != 354:
            return classify("data", code, _text(resp))
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(
            TRANSIENT,
            "data",
            None,
            f"connection lost before DATA: {_text(str(exc)) or type(exc).__name__}",
        )
    return None


def _send_body(conn: smtplib.SMTP, payload: bytes) -> Outcome | None:
    """The body and its final dot (None), or why they did not go."""
    try:
        conn.send(payload)
    except (smtplib.SMTPException, OSError) as exc:
        # The final "." never reached the server, so it cannot have accepted it.
        return Outcome(TRANSIENT, "data", None, f"connection lost while sending: {_text(str(exc))}")
    return None


def _body_reply(conn: smtplib.SMTP) -> Outcome:
    """The server's verdict on the body sent."""
    try:
        code, resp = conn.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(
            UNCERTAIN,
            "body",
            None,
            "the connection was lost after the message was sent, before the "
            f"server replied ({_text(str(exc)) or type(exc).__name__}); it may "
            "have been delivered",
        )
    if code == 250:
        return Outcome(SENT, "done", code, _text(resp))
    return classify("body", code, _text(resp))


class _GreetedSMTP(smtplib.SMTP):
    """``smtplib.SMTP`` that calls ``on_silence`` if no greeting comes within
    :data:`GREETING_WAIT`; ``on_silence`` may raise, else the wait goes on up
    to the full timeout."""

    def __init__(
        self, host: str, port: int, timeout: float, on_silence: Callable[[], None]
    ) -> None:
        self._on_silence = on_silence
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        try:
            ready, _, _ = select.select([sock], [], [], min(timeout, GREETING_WAIT))
            if not ready:
                self._on_silence()
        except BaseException:
            sock.close()
            raise
        return sock


class SmtpTransport:
    """One SMTP account; ``send`` returns an :class:`Outcome`, never raises for SMTP."""

    def __init__(
        self,
        settings: SmtpSettings,
        password: str | None,
        tls_context: ssl.SSLContext | None = None,
        *,
        access_token: AccessTokenSource | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self._tokens = access_token  # signin "microsoft"/"google": AUTH XOAUTH2
        self._ctx = tls_context or client_context(settings.ca_pem)
        self._conn: smtplib.SMTP | None = None

    # -- connection --------------------------------------------------------
    def _open(self) -> smtplib.SMTP:
        s = self.settings
        phase = "connect"
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._ctx)
            else:
                conn = _GreetedSMTP(s.host, s.port, s.timeout, self._on_silence)
            conn.ehlo()
            if s.security == "starttls":
                phase = "tls"
                self._starttls(conn)
            if not s.uses_password:
                phase = "auth"
                self._xoauth2(conn)
            elif s.user:
                phase = "auth"
                self._authenticate(conn, s.user)
            return conn
        except ConnectError:
            _quit(conn)  # the server is listening: say goodbye
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise _open_failure(exc, conn, s, phase) from None

    def _starttls(self, conn: smtplib.SMTP) -> None:
        if not conn.has_extn("starttls"):
            raise ConnectError(Outcome(REJECTED, "tls", None, Message("smtp.no_starttls")))
        code, resp = conn.starttls(context=self._ctx)
        if code != 220:
            raise ConnectError(classify("tls", code, _text(resp)))
        conn.ehlo()

    def _authenticate(self, conn: smtplib.SMTP, user: str) -> None:
        if not self._password:
            raise ConnectError(Outcome(REJECTED, "auth", None, Message("smtp.no_password")))
        try:
            self._login(conn, user, self._password)
        except smtplib.SMTPAuthenticationError as exc:
            raise ConnectError(classify("auth", exc.smtp_code, _text(exc.smtp_error))) from None
        except smtplib.SMTPNotSupportedError:
            raise ConnectError(Outcome(REJECTED, "auth", None, Message("smtp.no_auth"))) from None

    def _xoauth2(self, conn: smtplib.SMTP) -> None:
        """AUTH XOAUTH2 with the account's access token (refreshed first when it
        is near expiry). A grant the provider refuses, or a token the server
        refuses, is ``auth_failed`` with "sign in again": no retry here."""
        tokens = self._tokens
        if tokens is None:
            raise ConnectError(Outcome(REJECTED, "auth", None, Message("smtp.no_password")))
        if "XOAUTH2" not in conn.esmtp_features.get("auth", "").upper().split():
            raise ConnectError(Outcome(REJECTED, "auth", None, Message("oauth.no_xoauth2")))
        try:
            token = tokens.get()
        except GrantError as exc:
            kind = TRANSIENT if exc.kind == "unreachable" else AUTH_FAILED
            raise ConnectError(Outcome(kind, "auth", None, exc.message)) from None
        response = xoauth2_string(tokens.login, token)
        try:
            # After a refusal the server sends a 334 with an error document; the
            # empty reply to it ends the exchange (RFC 7628 section 3.2.3).
            conn.auth("XOAUTH2", lambda challenge=None: response if challenge is None else "")
        except smtplib.SMTPAuthenticationError as exc:
            tokens.refused()
            reply = _text(exc.smtp_error)
            outcome = classify("auth", exc.smtp_code, reply)
            if outcome.kind == AUTH_FAILED:
                outcome = Outcome(
                    AUTH_FAILED,
                    "auth",
                    exc.smtp_code,
                    Message("oauth.refused", provider=tokens.provider_name, reply=reply),
                )
            raise ConnectError(outcome) from None

    def _on_silence(self) -> None:
        """The server said nothing at first: if the port speaks TLS from the first
        byte (implicit TLS, usually 465), that is a settings mismatch, not a slow
        server; say so at once instead of waiting out the timeout."""
        s = self.settings
        if speaks_tls(s.host, s.port, min(s.timeout, TLS_PROBE_TIMEOUT)):
            raise ConnectError(
                Outcome(
                    REJECTED,
                    "connect",
                    None,
                    Message(
                        "smtp.implicit_tls",
                        port=s.port,
                        security="STARTTLS" if s.security == "starttls" else "None",
                    ),
                )
            )

    @staticmethod
    def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
        """Log in with one mechanism (PLAIN, else LOGIN, else CRAM-MD5).

        smtplib's ``login`` tries every mechanism in turn after a refusal,
        which some servers answer with a stall; one clear refusal is better.
        """
        advertised = conn.esmtp_features.get("auth", "").upper().split()
        for mech in ("PLAIN", "LOGIN", "CRAM-MD5"):
            if mech in advertised:
                break
        else:
            raise smtplib.SMTPNotSupportedError("no supported AUTH mechanism")
        conn.user, conn.password = user, password
        authobject = getattr(conn, "auth_" + mech.lower().replace("-", "_"))
        conn.auth(mech, authobject, initial_response_ok=True)

    def check(self) -> Outcome:
        """Connect, secure and log in, then disconnect: sends no message."""
        try:
            conn = self._open()
        except ConnectError as exc:
            return exc.outcome
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            pass
        return Outcome(SENT, "connect", 250, "connected and logged in")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        _quit(conn)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        _close(conn)

    def _reset(self) -> None:
        """RSET after a failed transaction so the connection can be reused."""
        if self._conn is None:
            return
        try:
            code, _ = self._conn.rset()
            if code != 250:
                self._drop()
        except (smtplib.SMTPException, OSError):
            self._drop()

    # -- one message -------------------------------------------------------
    def send(
        self,
        msg: EmailMessage,
        from_addr: str,
        to_addr: str,
        before_body: Callable[[], object] | None = None,
    ) -> Outcome:
        """Send one message to one recipient; the outcome says what happened.

        ``before_body`` is called after the server's 354 and before the body
        (whose final dot is what lets the server accept): if it raises, the
        line is dropped without the dot, so nothing can be delivered, and the
        exception propagates.
        """
        got = self.send_owing_reply(msg, from_addr, to_addr, before_body)
        return got if isinstance(got, Outcome) else got()

    def send_owing_reply(
        self,
        msg: EmailMessage,
        from_addr: str,
        to_addr: str,
        before_body: Callable[[], object] | None = None,
    ) -> Outcome | Callable[[], Outcome]:
        """:meth:`send`, except that once the body is out the server's verdict
        is not waited for: what comes back then reads it, and must be called
        before anything else is done with this transport. The engine does its
        next database work meanwhile (the server is judging the message)."""
        addrs = _envelope(from_addr, to_addr)
        if isinstance(addrs, Outcome):
            return addrs
        from_addr, to_addr = addrs
        reused = self._conn is not None
        if self._conn is None:
            try:
                self._conn = self._open()
            except ConnectError as exc:
                return exc.outcome
        outcome = self._transaction(msg, from_addr, to_addr, reused, before_body)
        if outcome is None:
            conn = self._conn
            assert conn is not None
            return lambda: self._settled(_body_reply(conn))
        return self._settled(outcome)

    def _settled(self, outcome: Outcome) -> Outcome:
        """The transaction ended with ``outcome``: keep the line or let it go."""
        if outcome.kind == SENT:
            return outcome
        if outcome.code is not None and outcome.code != 421:
            # The server answered and is still there: end the transaction with
            # RSET and keep the line (``close`` says QUIT when the engine is done).
            self._reset()
        else:
            self._drop()  # the line is gone, or the server is closing it (421)
        return outcome

    @staticmethod
    def _mail_options(conn: smtplib.SMTP, msg: EmailMessage) -> list[str]:
        """The MAIL FROM parameters: ``BODY=8BITMIME`` for a message with an
        8-bit part, to a server that offers 8BITMIME (known before the message
        is serialised, so MAIL FROM can go first)."""
        if conn.has_extn("8bitmime") and _eight_bit(msg):
            return ["BODY=8BITMIME"]
        return []

    @staticmethod
    def _payload(msg: EmailMessage, options: list[str]) -> bytes:
        """The message as sent. An 8-bit body goes as is only where MAIL FROM
        announced it (``BODY=8BITMIME``); otherwise it is re-encoded to 7 bits
        (quoted-printable or base64), which decodes to the same text."""
        raw = msg.as_bytes(policy=msg.policy)
        if options or raw.isascii():
            return _dot_stuff(raw)
        return _dot_stuff(seven_bit(msg).as_bytes(policy=msg.policy))

    def _transaction(
        self,
        msg: EmailMessage,
        from_addr: str,
        to_addr: str,
        retry_stale: bool,
        before_body: Callable[[], object] | None,
    ) -> Outcome | None:
        """The transaction up to the body's final dot (None: the server's
        verdict is next on the line), or how it ended before."""
        conn = self._conn
        assert conn is not None
        options = self._mail_options(conn, msg)
        try:
            # smtplib's mail(), with the message serialised while the server
            # reads MAIL FROM and answers.
            conn.putcmd(
                "mail", f"FROM:{smtplib.quoteaddr(from_addr)}{''.join(' ' + o for o in options)}"
            )
            payload = self._payload(msg, options)
            code, resp = conn.getreply()
        except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            self._drop()
            if retry_stale:
                # The server closed an idle connection; it never saw our MAIL.
                try:
                    self._conn = self._open()
                except ConnectError as cexc:
                    return cexc.outcome
                return self._transaction(msg, from_addr, to_addr, False, before_body)
            return Outcome(TRANSIENT, "mail", None, f"connection lost: {_text(str(exc))}")
        if code != 250:
            return classify("mail", code, _text(resp))
        refused = _rcpt_and_data(conn, to_addr)
        if refused is not None:
            return refused
        if before_body is not None:
            try:
                before_body()
            except BaseException:
                self._drop()
                raise
        return _send_body(conn, payload)
