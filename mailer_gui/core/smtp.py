"""The SMTP transport: the only module that talks SMTP (invariant A).

One connection is reused across messages and reopened on demand. TLS always
verifies certificates. ``MAIL``, ``RCPT`` and ``DATA`` are separate calls so
that the phase of a failure is known, and every reply maps to one outcome of
SPEC's reply table.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from . import addresses
from .settings import SmtpSettings

# Outcome kinds.
SENT = "sent"
RECIPIENT_FAILED = "recipient_failed"  # 5xx for this address: fail it, go on
TRANSIENT = "transient"  # 4xx, dropped line, timeout: retry later
PROVIDER_LIMIT = "provider_limit"  # the server says a sending limit is reached
AUTH_FAILED = "auth_failed"  # 535/534
REJECTED = "rejected"  # sender refused, or TLS/config problem: operator action
CONTENT_REJECTED = "content_rejected"  # 5.7.x at end of DATA: fail it; 3 in a row -> REJECTED
UNCERTAIN = "uncertain"  # sent, but the reply never came


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
    r"quota|rate.?limit|limit (?:exceeded|reached)|throttl|too many (?:messages|mails|emails)",
    re.I)


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


def is_provider_limit(code: int, text: str) -> bool:
    m = _ENHANCED.search(text)
    if m:
        cls, subj, det = m.groups()
        if cls == "4" and subj == "7":
            return True
        if cls == "5" and subj == "4" and det == "5":
            return True
    return bool(_LIMIT_WORDS.search(text)) and code >= 400


def classify(phase: str, code: int, text: str) -> Outcome:
    """Map a non-success reply at ``phase`` to its outcome (SPEC's reply table)."""
    if code == 421:
        return Outcome(TRANSIENT, phase, code, text)
    if is_provider_limit(code, text):
        return Outcome(PROVIDER_LIMIT, phase, code, text, retry_after_seconds(text))
    if phase == "auth":
        if code in (534, 535):
            return Outcome(AUTH_FAILED, phase, code, text)
        return Outcome(TRANSIENT if code < 500 else REJECTED, phase, code, text)
    if 400 <= code < 500:
        return Outcome(TRANSIENT, phase, code, text)
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


class SmtpTransport:
    """One SMTP account; ``send`` returns an :class:`Outcome`, never raises for SMTP."""

    def __init__(self, settings: SmtpSettings, password: str | None,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self._password = password
        self._ctx = tls_context or ssl.create_default_context()
        self._conn: smtplib.SMTP | None = None

    # -- connection --------------------------------------------------------
    def _open(self) -> smtplib.SMTP:
        s = self.settings
        phase = "connect"
        try:
            if s.security == "tls":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                     context=self._ctx)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                phase = "tls"
                if not conn.has_extn("starttls"):
                    conn.close()
                    raise ConnectError(Outcome(
                        REJECTED, "tls", None,
                        "the server does not offer STARTTLS; the app will not send "
                        "in plaintext. Choose security 'tls' or check the port"))
                code, resp = conn.starttls(context=self._ctx)
                if code != 220:
                    conn.close()
                    raise ConnectError(classify("tls", code, _text(resp)))
                conn.ehlo()
            if s.user:
                phase = "auth"
                if not self._password:
                    conn.close()
                    raise ConnectError(Outcome(REJECTED, "auth", None,
                                               "no password is available for the SMTP account"))
                try:
                    self._login(conn, s.user, self._password)
                except smtplib.SMTPAuthenticationError as exc:
                    conn.close()
                    raise ConnectError(classify("auth", exc.smtp_code,
                                                _text(exc.smtp_error))) from None
                except smtplib.SMTPNotSupportedError:
                    conn.close()
                    raise ConnectError(Outcome(
                        REJECTED, "auth", None,
                        "the server does not offer login (AUTH); check the security "
                        "setting and port")) from None
            return conn
        except ConnectError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise ConnectError(Outcome(
                REJECTED, "tls", None,
                f"the server's certificate does not verify ({exc.verify_message}); "
                "check the host name")) from None
        except ssl.SSLError as exc:
            raise ConnectError(Outcome(REJECTED, "tls", None,
                                       f"TLS failed: {exc.reason or exc}")) from None
        except smtplib.SMTPConnectError as exc:
            raise ConnectError(classify("connect", exc.smtp_code, _text(exc.smtp_error))) from None
        except smtplib.SMTPResponseException as exc:
            raise ConnectError(classify(phase, exc.smtp_code, _text(exc.smtp_error))) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ConnectError(Outcome(
                TRANSIENT, phase, None,
                f"could not reach {s.host}:{s.port}: {_text(str(exc)) or type(exc).__name__}"
            )) from None

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
    def send(self, msg: EmailMessage, from_addr: str, to_addr: str,
             before_body: Callable[[], None] | None = None) -> Outcome:
        """Send one message to one recipient; the outcome says what happened.

        ``before_body`` is called after the server's 354 and before the body
        (whose final dot is what lets the server accept): if it raises, the
        line is dropped without the dot, so nothing can be delivered, and the
        exception propagates.
        """
        try:  # no SMTPUTF8: the envelope takes ASCII only (an IDN domain as its A-label)
            from_addr = addresses.envelope(from_addr)
        except addresses.InvalidAddress as exc:
            return Outcome(REJECTED, "connect", None, f"the sender address {from_addr!r} "
                           f"cannot be used: {exc}; change it in Settings")
        try:
            to_addr = addresses.envelope(to_addr)
        except addresses.InvalidAddress as exc:
            return Outcome(RECIPIENT_FAILED, "compose", None,
                           f"{to_addr.strip()!r} cannot be sent to: {exc}")
        reused = self._conn is not None
        if self._conn is None:
            try:
                self._conn = self._open()
            except ConnectError as exc:
                return exc.outcome
        outcome = self._transaction(msg, from_addr, to_addr, reused, before_body)
        if outcome.kind == SENT:
            return outcome
        if outcome.kind in (RECIPIENT_FAILED, CONTENT_REJECTED):
            self._reset()
        else:
            self._drop() if outcome.kind != REJECTED else self._reset()
        return outcome

    def _transaction(self, msg: EmailMessage, from_addr: str, to_addr: str,
                     retry_stale: bool, before_body: Callable[[], None] | None) -> Outcome:
        conn = self._conn
        assert conn is not None
        try:
            code, resp = conn.mail(from_addr)
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
            return Outcome(TRANSIENT, "data", None, f"connection lost before DATA: "
                                                    f"{_text(str(exc)) or type(exc).__name__}")
        payload = _dot_stuff(msg.as_bytes(policy=msg.policy))
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
            return Outcome(TRANSIENT, "data", None,
                           f"connection lost while sending: {_text(str(exc))}")
        try:
            code, resp = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(UNCERTAIN, "body", None,
                           "the connection was lost after the message was sent, before the "
                           f"server replied ({_text(str(exc)) or type(exc).__name__}); it may "
                           "have been delivered")
        if code == 250:
            return Outcome(SENT, "done", code, _text(resp))
        return classify("body", code, _text(resp))
