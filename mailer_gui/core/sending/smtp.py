"""The SMTP transport: the only module that talks SMTP (invariant A).

One connection is reused across messages and reopened on demand. TLS always
verifies certificates. ``MAIL``, ``RCPT`` and ``DATA`` are separate calls so
that the phase of a failure is known, and every reply maps to one outcome of
SPEC's reply table.
"""

from __future__ import annotations

import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from mailer_gui.core.audience import addresses
from mailer_gui.core.codes import OutcomeKind
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.config.trust import client_context
from mailer_gui.core.content.compose import seven_bit
from mailer_gui.core.messages import Message

# Outcome kinds (``codes.OutcomeKind``; the names stay for the callers).
SENT = OutcomeKind.SENT
RECIPIENT_FAILED = OutcomeKind.RECIPIENT_FAILED
TRANSIENT = OutcomeKind.TRANSIENT
PROVIDER_LIMIT = OutcomeKind.PROVIDER_LIMIT
AUTH_FAILED = OutcomeKind.AUTH_FAILED
REJECTED = OutcomeKind.REJECTED
CONTENT_REJECTED = OutcomeKind.CONTENT_REJECTED
UNCERTAIN = OutcomeKind.UNCERTAIN


@dataclass(frozen=True)
class Outcome:
    kind: str
    phase: str  # connect, tls, auth, mail, rcpt, data, body, done
    code: int | None = None
    text: str = ""
    retry_after: float | None = None  # seconds, when the server said

    @property
    def reply(self) -> str:
        """The server's reply as one line, code first."""
        return f"{self.code} {self.text}" if self.code else self.text

    @property
    def mail_sent(self) -> bool:
        """True once MAIL FROM went out: from then on the slot counts."""
        return self.phase in ("mail", "rcpt", "data", "body", "done")


class ConnectError(Exception):
    """Opening, securing or logging in failed; carries the outcome."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.text)
        self.outcome = outcome


_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_RETRY = re.compile(r"(\d+)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|h)\b", re.I)
_LIMIT_WORDS = re.compile(
    r"quota|rate.?limit|limit (?:exceeded|reached)|throttl|too many (?:messages|mails|emails)", re.I
)


def _text(resp: bytes | str) -> str:
    if isinstance(resp, bytes):
        resp = resp.decode("utf-8", "replace")
    # Server text is untrusted: keep it on one line, printable, bounded.
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", resp).strip()[:1000]


def retry_after_seconds(text: str) -> float | None:
    m = _RETRY.search(text)
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit.startswith("h"):
        return n * 3600.0
    if unit.startswith("m"):
        return n * 60.0
    return float(n)


# Phases before MAIL FROM: there a 4.7.x is about security, not sending volume
# (RFC 4954: "454 4.7.0 Temporary authentication failure"; RFC 3207: "454 TLS
# not available due to temporary reason").
_BEFORE_MAIL = frozenset({"connect", "tls", "auth"})


def is_provider_limit(code: int, text: str, phase: str = "mail") -> bool:
    """True if the reply says a sending limit is reached: 5.4.5, a 4.7.x at
    MAIL/RCPT/DATA, or (at any phase) words such as quota or rate limit."""
    m = _ENHANCED.search(text)
    if m:
        cls, subj, det = m.groups()
        if cls == "4" and subj == "7" and phase not in _BEFORE_MAIL:
            return True
        if cls == "5" and subj == "4" and det == "5":
            return True
    return bool(_LIMIT_WORDS.search(text)) and code >= 400


def classify(phase: str, code: int, text: str) -> Outcome:
    """Map a non-success reply at ``phase`` to its outcome (SPEC's reply table)."""
    if code == 421:
        return Outcome(TRANSIENT, phase, code, text)
    if is_provider_limit(code, text, phase):
        return Outcome(PROVIDER_LIMIT, phase, code, text, retry_after_seconds(text))
    if phase == "auth":
        if code in (534, 535):
            return Outcome(AUTH_FAILED, phase, code, text)
        return Outcome(TRANSIENT if code < 500 else REJECTED, phase, code, text)
    if 400 <= code < 500:
        return Outcome(TRANSIENT, phase, code, text)
    if phase in ("connect", "tls"):
        # A 5xx greeting or reply to STARTTLS refuses the account, not a recipient.
        return Outcome(REJECTED, phase, code, text)
    if phase == "mail":
        return Outcome(REJECTED, phase, code, text)
    if phase == "rcpt":
        return Outcome(RECIPIENT_FAILED, phase, code, text)
    m = _ENHANCED.search(text)
    if phase in ("data", "body") and m and m.group(1) == "5" and m.group(2) == "7":
        return Outcome(CONTENT_REJECTED, phase, code, text)
    if phase == "data":
        return Outcome(REJECTED, phase, code, text)
    return Outcome(RECIPIENT_FAILED, phase, code, text)


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
# OpenSSL's reasons when a TLS client gets plain text (an SMTP greeting) back.
_NOT_TLS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "RECORD_LAYER_FAILURE",
        "UNKNOWN_PROTOCOL",
        "PACKET_LENGTH_TOO_LONG",
        "HTTP_REQUEST",
        "WRONG_SSL_VERSION",
    }
)
# X509_V_ERR_* codes: the issuer is not trusted / the name does not match / expired.
_UNTRUSTED = frozenset({2, 18, 19, 20, 21, 27})
_NAME_MISMATCH = frozenset({62, 64})
_EXPIRED = 10


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """True if ``host:port`` answers a TLS handshake (nothing else is sent).

    Only the protocol is probed here, so the certificate is not checked; the
    real connection checks it.
    """
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            probe.wrap_socket(raw, server_hostname=host),
        ):
            return True
    except ssl.SSLError as exc:
        # A TLS alert (e.g. the server wants a client certificate) is TLS too.
        return "ALERT" in str(exc.reason or "")
    except OSError:
        return False


def _certificate_problem(exc: ssl.SSLCertVerificationError, s: SmtpSettings) -> str:
    detail = _text(str(exc.verify_message or exc))
    if exc.verify_code in _NAME_MISMATCH:
        return Message("smtp.cert_name", host=repr(s.host), detail=detail)
    if exc.verify_code == _EXPIRED:
        return Message("smtp.cert_expired", detail=detail)
    if exc.verify_code in _UNTRUSTED:
        if s.ca_pem:
            return Message("smtp.cert_untrusted_ca", ca_file=s.ca_file, detail=detail)
        return Message("smtp.cert_untrusted", detail=detail)
    return Message("smtp.cert_other", detail=detail)


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
    ) -> None:
        self.settings = settings
        self._password = password
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
                if not conn.has_extn("starttls"):
                    raise ConnectError(Outcome(REJECTED, "tls", None, Message("smtp.no_starttls")))
                code, resp = conn.starttls(context=self._ctx)
                if code != 220:
                    raise ConnectError(classify("tls", code, _text(resp)))
                conn.ehlo()
            if s.user:
                phase = "auth"
                if not self._password:
                    raise ConnectError(Outcome(REJECTED, "auth", None, Message("smtp.no_password")))
                try:
                    self._login(conn, s.user, self._password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise ConnectError(
                        classify("auth", exc.smtp_code, _text(exc.smtp_error))
                    ) from None
                except smtplib.SMTPNotSupportedError:
                    raise ConnectError(
                        Outcome(REJECTED, "auth", None, Message("smtp.no_auth"))
                    ) from None
            return conn
        except ConnectError:
            _quit(conn)  # the server is listening: say goodbye
            raise
        except ssl.SSLCertVerificationError as exc:
            _close(conn)
            raise ConnectError(
                Outcome(REJECTED, "tls", None, _certificate_problem(exc, s))
            ) from None
        except ssl.SSLError as exc:
            _close(conn)
            reason = str(exc.reason or exc)
            handshake = s.security == "tls" and conn is None  # SMTP_SSL's own handshake
            if handshake and reason in _NOT_TLS:
                raise ConnectError(
                    Outcome(REJECTED, "tls", None, Message("smtp.plain_port", port=s.port))
                ) from None
            raise ConnectError(
                Outcome(REJECTED, "tls", None, Message("smtp.tls_failed", problem=reason))
            ) from None
        except smtplib.SMTPConnectError as exc:
            _close(conn)
            raise ConnectError(classify("connect", exc.smtp_code, _text(exc.smtp_error))) from None
        except smtplib.SMTPResponseException as exc:
            _quit(conn)
            raise ConnectError(classify(phase, exc.smtp_code, _text(exc.smtp_error))) from None
        except (smtplib.SMTPException, OSError) as exc:
            _close(conn)
            raise ConnectError(
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
            ) from None

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
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                try:
                    conn.close()
                except OSError:
                    pass

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

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
        before_body: Callable[[], None] | None = None,
    ) -> Outcome:
        """Send one message to one recipient; the outcome says what happened.

        ``before_body`` is called after the server's 354 and before the body
        (whose final dot is what lets the server accept): if it raises, the
        line is dropped without the dot, so nothing can be delivered, and the
        exception propagates.
        """
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
        reused = self._conn is not None
        if self._conn is None:
            try:
                self._conn = self._open()
            except ConnectError as exc:
                return exc.outcome
        outcome = self._transaction(msg, from_addr, to_addr, reused, before_body)
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
    def _payload(conn: smtplib.SMTP, msg: EmailMessage) -> tuple[bytes, list[str]]:
        """The message as sent, and the MAIL FROM parameters it needs.

        An 8-bit body goes as is, announced with ``BODY=8BITMIME``, only to a
        server that offers 8BITMIME; any other server gets it re-encoded to
        7 bits (quoted-printable or base64), which decodes to the same text.
        """
        raw = msg.as_bytes(policy=msg.policy)
        if raw.isascii():
            return _dot_stuff(raw), []
        if conn.has_extn("8bitmime"):
            return _dot_stuff(raw), ["BODY=8BITMIME"]
        return _dot_stuff(seven_bit(msg).as_bytes(policy=msg.policy)), []

    def _transaction(
        self,
        msg: EmailMessage,
        from_addr: str,
        to_addr: str,
        retry_stale: bool,
        before_body: Callable[[], None] | None,
    ) -> Outcome:
        conn = self._conn
        assert conn is not None
        payload, options = self._payload(conn, msg)
        try:
            code, resp = conn.mail(from_addr, options)
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
        if before_body is not None:
            try:
                before_body()
            except BaseException:
                self._drop()
                raise
        try:
            conn.send(payload)
        except (smtplib.SMTPException, OSError) as exc:
            # The final "." never reached the server, so it cannot have accepted it.
            return Outcome(
                TRANSIENT, "data", None, f"connection lost while sending: {_text(str(exc))}"
            )
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
