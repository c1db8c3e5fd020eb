"""Unsubscribe codes that cannot be forged, and the list headers around them.

Every unsubscribe link and mailto carries a per-recipient *code*::

    <campaign id>.<address, base64url>.<MAC>

where the MAC is HMAC-SHA256 over the campaign id and the recipient's
normalised address, keyed with a secret kept like the SMTP password
(:meth:`SecretStore.unsubscribe_key`: the keychain, else a 0600 file in the
data folder, never the database), truncated to 128 bits and base64url-encoded.
Knowing an address is not enough to unsubscribe it; :func:`verify` tells a
genuine code from a forged, altered or copied one.

The unsubscribe page (Settings, an https address) receives ``?u=<code>``; the
mailto's subject is ``unsubscribe <code>``. The address never appears in the
link as itself (SpamAssassin scores ``email=<address>`` links).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import parse_qs, quote, unquote, urlsplit

from mailer_gui.core.audience import addresses

MAC_BYTES = 16  # 128 bits of HMAC-SHA256
KEY_BYTES = 32
PREVIEW_MAC = "preview"  # stands in for the MAC where no key is at hand (previews); never verifies
_CODE = re.compile(r"(\d{1,12})\.([A-Za-z0-9_-]{2,700})\.([A-Za-z0-9_-]{1,64})")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, campaign_id: int, norm: str) -> str:
    msg = b"mailer-gui unsubscribe\x00" + str(campaign_id).encode() + b"\x00" + norm.encode()
    return _b64(hmac.new(key, msg, hashlib.sha256).digest()[:MAC_BYTES])


def code(key: bytes | None, campaign_id: int | None, email: str) -> str:
    """The recipient's unsubscribe code (``key`` None: a preview's, which never verifies)."""
    cid = int(campaign_id or 0)
    norm = _norm(email)
    mac = _mac(key, cid, norm) if key else PREVIEW_MAC
    return f"{cid}.{_b64(norm.encode('utf-8'))}.{mac}"


def _norm(email: str) -> str:
    """The address as ``email_norm`` holds it (ASCII form, lower case), without
    loading the validator for the plain ASCII addresses a preview renders."""
    try:
        return addresses.envelope(email).lower()
    except addresses.InvalidAddress:
        return email.strip().lower()


def verify(keys: bytes | Iterable[bytes], text: str) -> tuple[int, str] | None:
    """``(campaign id, normalised address)`` of a genuine code, else None.

    ``text`` may be the code itself, an unsubscribe URL, a mailto or a subject
    line holding one (see :func:`find_code`). ``keys``: the key, or every key
    that may have signed it (:meth:`SecretStore.unsubscribe_keys`)."""
    found = find_code(text)
    if found is None:
        return None
    m = _CODE.fullmatch(found)
    if m is None:
        return None
    cid_text, addr_b64, mac = m.groups()
    try:
        norm = _unb64(addr_b64).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    cid = int(cid_text)
    for key in [keys] if isinstance(keys, bytes) else keys:
        if key and hmac.compare_digest(_mac(key, cid, norm), mac):
            return cid, norm
    return None


def find_code(text: str) -> str | None:
    """The code in a URL's ``u=`` parameter, a mailto or subject ``unsubscribe <code>``,
    or ``text`` itself."""
    text = text.strip()
    if "u=" in text or text.lower().startswith(("http", "mailto:")):
        query = parse_qs(urlsplit(text).query)
        if query.get("u"):
            return query["u"][0].strip()
        if query.get("subject"):
            text = query["subject"][0]
    words = unquote(text).split()
    if len(words) >= 2 and words[0].lower().rstrip(":") == "unsubscribe":
        return words[1]
    return words[0] if len(words) == 1 else None


def url(base: str, code_: str) -> str:
    """The unsubscribe page's link for a code, in ASCII (it goes in a header too)."""
    base = _ascii_url(base)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}u={code_}"


def _ascii_url(value: str) -> str:
    """An internationalised host as punycode, other non-ASCII percent-encoded."""
    if value.isascii():
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        host = addresses.envelope("x@" + host).rpartition("@")[2]
    except addresses.InvalidAddress:
        host = quote(host, safe="")
    netloc = host + (f":{parts.port}" if parts.port else "")
    safe = "/:@!$&'()*+,;=%~-._?"
    return parts._replace(
        netloc=netloc,
        path=quote(parts.path, safe=safe),
        query=quote(parts.query, safe=safe),
        fragment=quote(parts.fragment, safe=safe),
    ).geturl()


def mailto(from_addr: str, code_: str) -> str:
    """A mailto that asks the sender to unsubscribe, the code in the subject."""
    return f"mailto:{from_addr}?subject={quote('unsubscribe ' + code_, safe='')}"


def list_id(key: bytes | None, campaign_id: int | None, name: str, from_addr: str) -> str:
    """RFC 2919 ``List-Id``: ``"<name>" <c<id>.<hash>.<sender's domain>>``; the hash
    (from the key) keeps lists of two installations with one domain apart."""
    domain = addresses.envelope("x@" + from_addr.rpartition("@")[2]).rpartition("@")[2]
    tag = hmac.new(key, b"mailer-gui list-id", hashlib.sha256).hexdigest()[:8] if key else "preview"
    ident = f"c{int(campaign_id or 0)}.{tag}.{domain.lower()}"
    phrase = re.sub(r"\s+", " ", name).strip()
    if phrase and not phrase.isascii():
        # Left unquoted so that the header's encoded-words (RFC 2047) apply;
        # the characters a bare phrase cannot hold become spaces.
        phrase = re.sub(r"\s+", " ", re.sub(r'[()<>@,;:\\".\[\]]', " ", phrase)).strip()
        return f"{phrase} <{ident}>" if phrase else f"<{ident}>"
    if not phrase:
        return f"<{ident}>"
    return '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + f'" <{ident}>'
