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
from typing import NamedTuple

from mailer_gui.core.messages import Message

# RFC 5322 atext, exactly as email-validator's DOT_ATOM_TEXT (ASCII only).
_ATEXT = r"a-zA-Z0-9_!#\$%&'\*\+\-/=\?\^`\{\|\}~"
# email-validator lower-cases these local parts (RFC 2142); the fast path leaves
# them to it.
_CASE_INSENSITIVE = (
    "info",
    "marketing",
    "sales",
    "support",
    "abuse",
    "noc",
    "security",
    "postmaster",
    "hostmaster",
    "usenet",
    "news",
    "webmaster",
    "www",
    "uucp",
    "ftp",
)
# The fast path's plain address (local part, domain). A local part among
# ROLE_LOCAL (any case) is not for it: checked apart, as a set lookup, which
# costs less than a look-ahead in the pattern did (half of every match).
FAST = re.compile(r"([" + _ATEXT + r"]+(?:\.[" + _ATEXT + r"]+)*)@([A-Za-z0-9.\-]+)\Z")
ROLE_LOCAL = frozenset(_CASE_INSENSITIVE)
ROLE_MAX = max(map(len, _CASE_INSENSITIVE))
MAX_LEN = 254


class Checked(NamedTuple):
    """A valid address: ``email`` to send to, ``norm`` to compare."""

    email: str
    norm: str


# The library's most frequent refusals, as codes the GUI can word; others stay
# in the library's own English.
_LIBRARY_WORDS = {
    "An email address must have an @-sign.": "address.no_at_sign",
    "There must be something before the @-sign.": "address.nothing_before_at",
    "There must be something after the @-sign.": "address.nothing_after_at",
    "The part after the @-sign is not valid. It should have a period.": "address.no_period",
    "An email address cannot have a period immediately after the @-sign.": (
        "address.period_after_at"
    ),
    "An email address cannot end with a period.": "address.ends_with_period",
    "An email address cannot have two periods in a row.": "address.two_periods",
}


class InvalidAddress(ValueError):
    """The address is not valid; the message says why, in the library's words."""


DOMAINS: dict[str, str | None] = {}  # domain as written -> ASCII form, None if invalid
DOMAINS_MAX = 20_000


def ascii_domain(domain: str) -> str | None:
    try:
        return DOMAINS[domain]
    except KeyError:
        pass
    from email_validator import EmailNotValidError, validate_email  # loaded when first used

    try:
        info = validate_email(f"x@{domain}", check_deliverability=False, allow_smtputf8=False)
        result: str | None = str(info.ascii_domain)
    except EmailNotValidError:
        result = None
    if len(DOMAINS) >= DOMAINS_MAX:
        DOMAINS.clear()
    DOMAINS[domain] = result
    return result


def _full(value: str) -> Checked:
    from email_validator import EmailNotValidError, validate_email

    try:
        info = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        code = _LIBRARY_WORDS.get(str(exc))
        raise InvalidAddress(Message(code) if code else str(exc)) from None
    ascii_email = info.ascii_email
    if not ascii_email:  # cannot happen with allow_smtputf8=False; kept for safety
        raise InvalidAddress(Message("address.local_ascii"))
    return Checked(ascii_email, ascii_email.lower())


def quick(value: str) -> tuple[str, str] | None:
    """The fast path alone: the result for a plain address it is sure of, else None
    (then call :func:`check`). ``value`` must be stripped already."""
    m = FAST.match(value)
    if m is None or len(value) > MAX_LEN:
        return None
    local, domain = m.groups()
    if len(local) <= ROLE_MAX and local.lower() in ROLE_LOCAL:
        return None  # the library lower-cases it
    found_domain = DOMAINS.get(domain) or ascii_domain(domain)
    if found_domain is None:
        return None  # the library words the error
    email = local + "@" + found_domain
    if len(email) > MAX_LEN:
        return None
    return email, email.lower()


def check(value: str) -> Checked:
    """Validate and normalise one address; raises :class:`InvalidAddress`."""
    value = value.strip()
    if not value:
        raise InvalidAddress(Message("address.empty"))
    found = quick(value)
    return Checked(*found) if found is not None else _full(value)


def envelope(value: str) -> str:
    """The address as it goes on the wire (``MAIL FROM``/``RCPT TO`` and the
    address headers) without SMTPUTF8: the domain in its ASCII (A-label,
    punycode) form. Raises :class:`InvalidAddress` when that is not possible,
    e.g. a part before the @ that is not ASCII."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise InvalidAddress(Message("address.no_at"))
    if not local.isascii():
        raise InvalidAddress(Message("address.local_not_ascii", local=repr(local)))
    if domain.isascii():
        return value
    found_domain = ascii_domain(domain)
    if found_domain is None:
        raise InvalidAddress(Message("address.bad_idn", domain=repr(domain)))
    return f"{local}@{found_domain}"


# Names that reach nobody (RFC 2606 and RFC 6761): the three example
# second-level domains and the four reserved top-level names, with every subdomain.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")


def reserved_domain(value: str) -> str | None:
    """The reserved name (RFC 2606/6761) the address's domain falls under, or None."""
    domain = value.strip().rpartition("@")[2].rstrip(".").lower()
    for name in RESERVED_DOMAINS:
        if domain == name or domain.endswith("." + name):
            return name
    tld = domain.rpartition(".")[2]
    return "." + tld if tld in RESERVED_TLDS else None


def reserved_problem(value: str) -> str | None:
    """Why an address at a reserved domain is refused outside demo mode, or None."""
    name = reserved_domain(value)
    if name is None:
        return None
    return Message("address.reserved", domain=name)


def normalize(value: str) -> str:
    """The comparison key of an address; a best effort for invalid ones."""
    try:
        return check(value).norm
    except InvalidAddress:
        return value.strip().lower()
