"""The log file rotates and never holds a password or an AUTH secret."""

from __future__ import annotations

import logging
import smtplib
from pathlib import Path

import pytest

from mailer_gui import logsetup
from mailer_gui.core.context import default_log_dir

from .smtp_server import TestSmtpServer

SECRET = "s3cr3t-Hunter2!"


@pytest.fixture
def log_file(tmp_path: Path):
    path = logsetup.setup_logging(default_log_dir(tmp_path / "data"))
    yield path
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, logging.handlers.RotatingFileHandler):
            root.removeHandler(h)
            h.close()
    logsetup._handler = None  # noqa: SLF001 - leave no file handler to later tests


def _read(path: Path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


def test_log_file_in_the_log_folder_and_rotating(tmp_path: Path, log_file: Path) -> None:
    assert log_file == tmp_path / "data" / "logs" / "mailer-gui.log"
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
    logging.getLogger("mailer_gui.test").info("hello %s", "world")
    assert "hello world" in _read(log_file)
    assert logsetup.current_log_file() == log_file


@pytest.mark.parametrize(
    "line",
    [
        f"login with password={SECRET}",
        f'settings {{"password": "{SECRET}", "user": "bob"}}',
        f"smtp://bob:{SECRET}@mail.example.com:587",
        f"pwd: {SECRET}",
    ],
)
def test_password_like_values_are_redacted(log_file: Path, line: str) -> None:
    logging.getLogger("mailer_gui.any").warning(line)
    text = _read(log_file)
    assert SECRET not in text
    assert "***" in text


def test_registered_secret_is_redacted_anywhere(log_file: Path) -> None:
    logsetup.register_secret(SECRET)
    try:
        raise RuntimeError(f"server said no to {SECRET}")
    except RuntimeError:
        logging.getLogger("mailer_gui.x").exception("failed with %s", SECRET)
    text = _read(log_file)
    assert SECRET not in text
    assert "RuntimeError: server said no to ***" in text


def test_env_password_is_redacted(log_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILER_GUI_SMTP_PASSWORD", "envpass-XYZ")
    logging.getLogger("x").error("the value envpass-XYZ leaked into a message")
    assert "envpass-XYZ" not in _read(log_file)


@pytest.mark.parametrize("initial_response", [True, False])
def test_smtplib_debug_auth_is_redacted(log_file: Path, initial_response: bool) -> None:
    """smtplib's own debug output of a real AUTH exchange never reaches the file raw."""
    import base64

    server = TestSmtpServer(user="bob", password=SECRET).start()
    try:
        logger = logging.getLogger("smtplib.debug")
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            smtp.set_debuglevel(1)
            # smtplib prints debug output to stderr; route it into the log.
            smtp._print_debug = lambda *a: logger.warning(" ".join(map(str, a)))  # type: ignore[method-assign]  # noqa: SLF001
            smtp.login("bob", SECRET, initial_response_ok=initial_response)
    finally:
        server.stop()
    text = _read(log_file)
    plain_blob = base64.b64encode(f"\0bob\0{SECRET}".encode()).decode()
    assert "AUTH PLAIN" in text  # the exchange was logged...
    assert ("AUTH PLAIN ***" if initial_response else "send: '***") in text  # ...masked
    assert SECRET not in text
    assert plain_blob not in text
    assert base64.b64encode(SECRET.encode()).decode() not in text
