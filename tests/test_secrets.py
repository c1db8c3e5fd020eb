"""The password lives in the keychain, or for this session only; never on disk."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SERVICE, SecretStore


def test_keychain_is_used_when_available(memory_keyring):
    store = SecretStore(use_env=False)
    assert store.keychain_available()
    assert store.set_password("u@h:587", "pw") is True
    assert memory_keyring.store[(SERVICE, "u@h:587")] == "pw"
    assert SecretStore(use_env=False).get_password("u@h:587") == "pw"
    store.delete_password("u@h:587")
    assert store.get_password("u@h:587") is None


def test_without_a_keychain_the_password_stays_in_memory_for_the_session(tmp_path):
    keyring.set_keyring(fail.Keyring())
    store = SecretStore(use_env=False)
    assert not store.keychain_available()
    assert store.set_password("u@h:587", "pw") is False
    assert store.get_password("u@h:587") == "pw"
    assert SecretStore(use_env=False).get_password("u@h:587") is None  # a new session


def test_environment_password_for_a_cli_run(monkeypatch):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("MAILER_GUI_SMTP_PASSWORD", "from-env")
    assert SecretStore().get_password("u@h:587") == "from-env"
    assert SecretStore(use_env=False).get_password("u@h:587") is None


def test_password_never_reaches_the_database(ctx, memory_keyring):
    smtp = settings.SmtpSettings(
        host="smtp.example.com", port=587, security="starttls", from_addr="a@example.com", user="me"
    )
    with ctx.db.write() as s:
        settings.save_smtp(s, smtp)
    ctx.secrets.set_password(smtp.keyring_account, "hunter2-secret")
    ctx.db.dispose()
    raw = b"".join(p.read_bytes() for p in ctx.data_dir.glob("mailer.db*"))
    assert b"hunter2-secret" not in raw
    assert b"smtp.example.com" in raw  # the settings themselves are there
