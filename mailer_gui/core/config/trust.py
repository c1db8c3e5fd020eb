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

MAX_CA_FILE_BYTES = 1024 * 1024
_PEM_CERT = re.compile(
    r"-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----")


@dataclass(frozen=True)
class CaCert:
    """One trusted certificate as the operator sees it."""

    sha256: str  # AB:CD:... of the DER bytes
    subject: str  # "CN=Example Corp Root CA, O=Example Corp", or "" if unknown
    not_after: str = ""  # as OpenSSL prints it, e.g. "Jan  1 00:00:00 2030 GMT"


def fingerprint(der: bytes) -> str:
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def _subject_text(decoded: dict[str, Any]) -> str:
    names = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU",
             "countryName": "C", "localityName": "L", "stateOrProvinceName": "ST"}
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
        raise ValueError("it holds no certificate (-----BEGIN CERTIFICATE-----)")
    ctx = ssl.create_default_context()
    try:
        ctx.load_verify_locations(cadata=pem)
    except ssl.SSLError as exc:
        raise ValueError(f"it is not a valid certificate ({exc.reason or exc})") from None
    out = []
    for block in blocks:
        try:
            der = ssl.PEM_cert_to_DER_cert(block)
        except ValueError:
            raise ValueError("a certificate in it is damaged") from None
        decoded = _decode(block)
        out.append(CaCert(fingerprint(der), _subject_text(decoded),
                          str(decoded.get("notAfter", ""))))
    return out


def read_ca_file(path: str) -> tuple[str, list[CaCert]]:
    """Read a CA or certificate file: (its certificates as PEM text, what they are).

    Raises SettingsError (field ``ca_file``) naming the file and what to do.
    """
    def bad(why: str) -> SettingsError:
        return SettingsError("ca_file", f"{path}: {why}; choose a CA or certificate file "
                             "in PEM format (.pem or .crt, starting -----BEGIN CERTIFICATE-----)")

    try:
        p = Path(path).expanduser()
        if p.stat().st_size > MAX_CA_FILE_BYTES:
            raise bad("the file is too large for a certificate file")
        data = p.read_bytes()
    except FileNotFoundError:
        raise bad("the file does not exist") from None
    except IsADirectoryError:
        raise bad("this is a folder, not a file") from None
    except OSError as exc:
        raise bad(f"cannot read it ({exc.strerror or exc})") from None
    if b"PRIVATE KEY-----" in data:
        raise SettingsError("ca_file", f"{path}: the file holds a private key, which must "
                            "stay on the server; choose the file with the certificate only")
    if b"-----BEGIN" in data:
        text = data.decode("ascii", "replace")
        pem = "\n".join(m.group(0) for m in _PEM_CERT.finditer(text))
    else:  # a DER certificate (.cer)?
        try:
            pem = ssl.DER_cert_to_PEM_cert(data)
            describe(pem)
        except ValueError:
            raise bad("it holds no certificate (neither PEM text nor a DER "
                      "certificate)") from None
    try:
        certs = describe(pem)
    except ValueError as exc:
        raise bad(str(exc)) from None
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
