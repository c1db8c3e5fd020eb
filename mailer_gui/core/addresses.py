"""Email address validation and normalisation, shared by import and suppression.

Validation is ``email-validator``'s syntax check (no DNS). Addresses are kept
in their ASCII form (an internationalised domain becomes punycode) because the
SMTP transport does not use SMTPUTF8; the part before the @ must therefore be
ASCII. ``email_norm`` is that form lower-cased: the key for de-duplication and
the suppression list.

Most real addresses are plain ASCII with a handful of distinct domains, so the
common case takes a fast path: the local part is checked with the library's own
dot-atom rule and each domain is validated once (cached) by the library. Any
address the fast path is not sure about goes through ``validate_email`` whole;
a test checks that both paths agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# RFC 5322 atext, exactly as email-validator's DOT_ATOM_TEXT (ASCII only).
_ATEXT = r"a-zA-Z0-9_!#\$%&'\*\+\-/=\?\^`\{\|\}~"
_FAST = re.compile(r"([" + _ATEXT + r"]+(?:\.[" + _ATEXT + r"]+)*)@([A-Za-z0-9.\-]+)\Z")
# email-validator lower-cases these local parts (RFC 2142); let it do so.
_CASE_INSENSITIVE = frozenset({
    "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster",
    "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp",
})
_MAX_LEN = 254


@dataclass(frozen=True)
class Checked:
    """A valid address: ``email`` to send to, ``norm`` to compare."""

    email: str
    norm: str


class InvalidAddress(ValueError):
    """The address is not valid; the message says why, in the library's words."""


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | InvalidAddress:
    try:
        info = validate_email(f"x@{domain}", check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return InvalidAddress(str(exc))
    return str(info.ascii_domain)


def _full(value: str) -> Checked:
    try:
        info = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None
    ascii_email = info.ascii_email
    if not ascii_email:  # cannot happen with allow_smtputf8=False; kept for safety
        raise InvalidAddress("the part before the @-sign must be ASCII")
    return Checked(ascii_email, ascii_email.lower())


def check(value: str) -> Checked:
    """Validate and normalise one address; raises :class:`InvalidAddress`."""
    value = value.strip()
    if not value:
        raise InvalidAddress("there is no email address")
    m = _FAST.match(value)
    if m is None or len(value) > _MAX_LEN or m.group(1).lower() in _CASE_INSENSITIVE:
        return _full(value)
    domain = _domain(m.group(2))
    if isinstance(domain, InvalidAddress):
        return _full(value)  # the library words the error for the whole address
    email = f"{m.group(1)}@{domain}"
    if len(email) > _MAX_LEN:
        return _full(value)
    return Checked(email, email.lower())


def normalize(value: str) -> str:
    """The comparison key of an address; a best effort for invalid ones."""
    try:
        return check(value).norm
    except InvalidAddress:
        return value.strip().lower()
