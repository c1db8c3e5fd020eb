"""Trusting a company's own CA (or a server's own certificate) for SMTP TLS.

The operator chooses a PEM (or DER) file; it is checked here, and its
content is stored in the SMTP settings beside the path it came from, so the
engine trusts the same certificates on every computer that shares the
database, whether or not the file is still there. TLS then trusts the
system's CAs plus these, and still checks the server's host name.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailer_gui.core.errors import SettingsError
from mailer_gui.core.messages import Message

MAX_CA_FILE_BYTES = 1024 * 1024
_PEM_CERT = re.compile(
    r"-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----"
)


@dataclass(frozen=True)
class CaCert:
    """One trusted certificate as the operator sees it."""

    sha256: str  # AB:CD:... of the DER bytes
    subject: str  # "CN=Example Corp Root CA, O=Example Corp", or "" if unknown
    not_after: str = ""  # as OpenSSL prints it, e.g. "Jan  1 00:00:00 2030 GMT"


def fingerprint(der: bytes) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _subject_text(decoded: dict[str, Any]) -> str:
    names = {
        "commonName": "CN",
        "organizationName": "O",
        "organizationalUnitName": "OU",
        "countryName": "C",
        "localityName": "L",
        "stateOrProvinceName": "ST",
    }
    parts = [f"{names.get(k, k)}={v}" for rdn in decoded.get("subject", ()) for k, v in rdn]
    return ", ".join(parts)


def _decode(pem_block: str) -> dict[str, Any]:
    """The certificate's fields as ``SSLSocket.getpeercert`` gives them."""
    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None:  # pragma: no cover - every CPython has it
        return {}
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(pem_block)
        return dict(decode(path))
    except (ssl.SSLError, ValueError, OSError):
        return {}
    finally:
        os.unlink(path)


def describe(pem: str) -> list[CaCert]:
    """The certificates in ``pem``; raises ValueError if it is not usable."""
    blocks = [m.group(0) for m in _PEM_CERT.finditer(pem)]
    if not blocks:
        raise ValueError(Message("settings.ca_no_certificate"))
    ctx = ssl.create_default_context()
    try:
        ctx.load_verify_locations(cadata=pem)
    except ssl.SSLError as exc:
        raise ValueError(Message("settings.ca_not_valid", problem=exc.reason or exc)) from None
    out = []
    for block in blocks:
        try:
            der = ssl.PEM_cert_to_DER_cert(block)
        except ValueError:
            raise ValueError(Message("settings.ca_damaged")) from None
        decoded = _decode(block)
        out.append(
            CaCert(fingerprint(der), _subject_text(decoded), str(decoded.get("notAfter", "")))
        )
    return out


def read_ca_file(path: str) -> tuple[str, list[CaCert]]:
    """Read a CA or certificate file: (its certificates as PEM text, what they are).

    Raises SettingsError (field ``ca_file``) naming the file and what to do.
    """

    def bad(why: str) -> SettingsError:
        return SettingsError("ca_file", Message("settings.ca_bad_file", path=path, problem=why))

    try:
        p = Path(path).expanduser()
        if p.stat().st_size > MAX_CA_FILE_BYTES:
            raise bad(Message("settings.ca_too_large"))
        data = p.read_bytes()
    except FileNotFoundError:
        raise bad(Message("settings.ca_missing")) from None
    except IsADirectoryError:
        raise bad(Message("settings.ca_folder")) from None
    except OSError as exc:
        raise bad(Message("settings.ca_unreadable", problem=exc.strerror or exc)) from None
    if b"PRIVATE KEY-----" in data:
        raise SettingsError("ca_file", Message("settings.ca_private_key", path=path))
    if b"-----BEGIN" in data:
        text = data.decode("ascii", "replace")
        pem = "\n".join(m.group(0) for m in _PEM_CERT.finditer(text))
    else:  # a DER certificate (.cer)?
        try:
            pem = ssl.DER_cert_to_PEM_cert(data)
            describe(pem)
        except ValueError:
            raise bad(Message("settings.ca_no_certificate_any")) from None
    try:
        certs = describe(pem)
    except ValueError as exc:
        raise bad(exc.args[0]) from None
    return pem.strip() + "\n", certs


def client_context(ca_pem: str = "") -> ssl.SSLContext:
    """The system's trust store, plus ``ca_pem`` when given; host names always checked.

    A trusted certificate needs no chain up to a root (partial chain), so the
    server's own certificate or an intermediate CA can be chosen too.
    """
    ctx = ssl.create_default_context()
    if ca_pem.strip():
        ctx.load_verify_locations(cadata=ca_pem)
        ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return ctx
