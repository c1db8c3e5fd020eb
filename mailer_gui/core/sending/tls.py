"""TLS without SMTP: whether a port answers a TLS handshake (a probe that sends
nothing else), and why a handshake or a certificate check failed, for the
operator. :mod:`~mailer_gui.core.sending.smtp` uses them.
"""

from __future__ import annotations

import socket
import ssl

from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.messages import Message
from mailer_gui.core.sending.replies import _text

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


def certificate_problem(exc: ssl.SSLCertVerificationError, s: SmtpSettings) -> str:
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


def tls_problem(exc: ssl.SSLError, s: SmtpSettings, handshake: bool) -> str:
    """Why the TLS handshake failed, for the operator (``handshake``: it was
    implicit TLS's own, before any SMTP)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return certificate_problem(exc, s)
    reason = str(exc.reason or exc)
    if handshake and reason in _NOT_TLS:
        return Message("smtp.plain_port", port=s.port)
    return Message("smtp.tls_failed", problem=reason)
