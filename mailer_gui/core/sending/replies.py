"""SMTP replies and what they mean: the outcome of a send and its phase, and the
map from a server's reply to one outcome of the SMTP reply table
(docs/spec.md#smtp-replies), also the provider's sending limits and the retry
time a reply may name. Talks no SMTP:
:mod:`~mailer_gui.core.sending.smtp` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailer_gui.core.codes import OutcomeKind

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
    """Map a non-success reply at ``phase`` to its outcome (docs/spec.md#smtp-replies)."""
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
