"""The log file: rotating, in the log folder, with secrets redacted.

Redaction happens in a ``logging.Filter`` on the file handler, so every
record that reaches the file passes through it, whichever logger it came
from (smtplib's debug output included): ``password=...``-like pairs, SMTP
``AUTH`` lines and their base64 continuations, credentials in URLs, and any
secret value registered with ``register_secret`` (the session's password).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILENAME = "mailer-gui.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MASK = "***"
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

_KEYS = r"(?:password|passwd|passwort|pwd|pass|secret|token|api[_-]?key|authorization)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # key=value, key: value, "key": "value", key='value'
    (
        re.compile(rf"""(?i)(["']?\b{_KEYS}\b["']?\s*[=:]\s*)(["'])(?:(?!\2).)*\2"""),
        rf"\1\2{MASK}\2",
    ),
    (re.compile(rf"""(?i)(["']?\b{_KEYS}\b["']?\s*[=:]\s*)[^\s,;'"}})\]]+"""), rf"\1{MASK}"),
    # SMTP AUTH with an initial response (PLAIN/LOGIN/XOAUTH2/CRAM-MD5)
    # (a mechanism list such as "AUTH LOGIN PLAIN" in EHLO is kept)
    (
        re.compile(
            r"(\b(?:AUTH|auth)\s+[A-Za-z0-9_-]+)(\s+)"
            r"(?![A-Z][A-Z0-9-]*(?:[\s'\"\\]|$))[^\s'\"\\]+"
        ),
        rf"\1\2{MASK}",
    ),
    # smtplib debug: a bare base64 line sent during AUTH LOGIN
    (re.compile(r"""(?i)(\bsend:\s*b?['"])[A-Za-z0-9+/]{6,}={0,2}(\\r\\n['"])"""), rf"\1{MASK}\2"),
    # 334 challenges carry base64 too
    (re.compile(r"(\b334[ -])[A-Za-z0-9+/]{6,}={0,2}"), rf"\1{MASK}"),
    # scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@"), rf"\1{MASK}@"),
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_handler: RotatingFileHandler | None = None


def register_secret(value: str | None) -> None:
    """Redact this exact value wherever it appears (e.g. the session password)."""
    if value and len(value) >= 3:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with anything that looks like a secret replaced by ``***``."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    env = os.environ.get("MAILER_GUI_SMTP_PASSWORD")
    if env and len(env) >= 3:
        known.append(env)
    for value in known:
        text = text.replace(value, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we can
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``log_dir/mailer-gui.log`` (1 MB x 5, rotating); returns the file path.

    Calling it again (another data folder) replaces the previous file handler.
    """
    global _handler
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _handler = handler
    logging.captureWarnings(True)
    register_secret(os.environ.get("MAILER_GUI_SMTP_PASSWORD"))
    logging.getLogger(__name__).info("logging to %s", path)
    return path


def stop_logging() -> None:
    """Close and remove the file handler ``setup_logging`` added (a CLI command
    called in-process leaves no open file behind)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def current_log_file() -> Path | None:
    """The file ``setup_logging`` set up in this process, if any."""
    return Path(_handler.baseFilename) if _handler is not None else None


def tail(path: Path | None, lines: int = 50) -> list[str]:
    """The last ``lines`` lines of a log file, redacted again (it may predate a fix)."""
    if path is None or not path.exists():
        return []
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 256 * 1024))
        data = f.read().decode("utf-8", errors="replace")
    return [redact(line) for line in data.splitlines()[-lines:]]
