"""Unsubscribe codes (issue 9, item 13): every unsubscribe link and mailto
carries a per-recipient keyed MAC; a forged, altered or copied code is
refused; the key stays out of the database and the logs; the sample campaign
scores <= 0 with SpamAssassin's offline rules."""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime

import keyring
import pytest
from keyring.backends import fail

from mailer_gui.core.audience import unsubscribe
from mailer_gui.core.config.secrets import UNSUBSCRIBE_KEY_FILE, SecretStore
from mailer_gui.core.config.settings import SmtpSettings
from mailer_gui.core.content import campaigns, compose, sample
from mailer_gui.core.sending import queue

from .conftest import configure, drain

pytestmark = pytest.mark.backends

KEY = os.urandom(32)


def test_a_genuine_code_verifies():
    code = unsubscribe.code(KEY, 12, "Anna@Example.org")
    assert unsubscribe.verify(KEY, code) == (12, "anna@example.org")
    assert "anna@example.org" not in code.lower()  # never the bare address
    mac = code.rsplit(".", 1)[1]
    assert len(base64.urlsafe_b64decode(mac + "==")) == 16
    url = unsubscribe.url("https://shop.test/unsub?lang=en", code)
    assert unsubscribe.verify(KEY, url) == (12, "anna@example.org")
    assert unsubscribe.verify(KEY, unsubscribe.mailto("news@shop.test", code)) == (
        12,
        "anna@example.org",
    )
    assert unsubscribe.verify(KEY, f"Re: unsubscribe {code}"[4:]) == (12, "anna@example.org")
    assert unsubscribe.verify([os.urandom(32), KEY], code) == (12, "anna@example.org")


def _swap(text: str, i: int) -> str:
    c = text[i]
    return text[:i] + ("A" if c != "A" else "B") + text[i + 1 :]


def test_tampered_codes_are_refused():
    code = unsubscribe.code(KEY, 12, "anna@example.org")
    cid, addr, mac = code.split(".")
    for i in range(len(mac)):
        assert unsubscribe.verify(KEY, f"{cid}.{addr}.{_swap(mac, i)}") is None
    assert unsubscribe.verify(KEY, f"13.{addr}.{mac}") is None  # another campaign
    assert unsubscribe.verify(KEY, f"{cid}.{addr}.{mac[:-1]}") is None
    assert unsubscribe.verify(KEY, f"{cid}.{addr}") is None
    assert unsubscribe.verify(os.urandom(32), code) is None  # another key
    assert unsubscribe.verify(KEY, "") is None
    assert unsubscribe.verify(KEY, "https://shop.test/unsub?email=anna@example.org") is None
    # A preview's code (no key at hand) never verifies.
    assert unsubscribe.verify(KEY, unsubscribe.code(None, 12, "anna@example.org")) is None


def test_a_code_for_one_recipient_does_not_unsubscribe_another():
    mine = unsubscribe.code(KEY, 12, "anna@example.org")
    other = unsubscribe.code(KEY, 12, "boris@example.org")
    cid, _, mac = mine.split(".")
    other_addr = other.split(".")[1]
    assert unsubscribe.verify(KEY, f"{cid}.{other_addr}.{mac}") is None
    forged = base64.urlsafe_b64encode(b"boris@example.org").rstrip(b"=").decode()
    assert unsubscribe.verify(KEY, f"{cid}.{forged}.{mac}") is None


def test_the_key_lives_in_the_keychain_and_persists(tmp_path, memory_keyring):
    key = SecretStore(use_env=False).unsubscribe_key(tmp_path)
    assert len(key) == 32
    assert ("mailer-gui", "unsubscribe-key") in memory_keyring.store
    assert not (tmp_path / UNSUBSCRIBE_KEY_FILE).exists()
    assert SecretStore(use_env=False).unsubscribe_key(tmp_path) == key  # a new process


def test_without_a_keychain_the_key_is_a_0600_file_in_the_data_folder(tmp_path):
    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture restores it
    key = SecretStore(use_env=False).unsubscribe_key(tmp_path)
    path = tmp_path / UNSUBSCRIBE_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert base64.b64decode(path.read_text()) == key
    assert SecretStore(use_env=False).unsubscribe_key(tmp_path) == key
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_sent_messages_carry_codes_that_verify_and_the_key_stays_out_of_db_and_logs(
    ctx, smtp_server, caplog
):
    caplog.set_level(logging.DEBUG)
    configure(ctx, smtp_server)
    with ctx.db.write() as s:
        from mailer_gui.core.config import settings

        st = settings.load(s).smtp
        assert st is not None
        settings.save_smtp(
            s, SmtpSettings(**{**st.__dict__, "unsubscribe_url": "https://shop.example/u"})
        )
        cid = campaigns.create(
            s,
            "Весна «2026»",
            "Hi",
            '<p>x <a href="{{ unsubscribe_url }}">stop</a></p>',
            None,
            ctx.clock.now(),
        ).id
        campaigns.add_recipients(s, cid, [(2, "ann@example.org", {}), (3, "bob@example.org", {})])
        queue.enqueue(s, cid, ctx.clock.now())
    drain(ctx)
    got = smtp_server.wait_for(2)
    keys = ctx.secrets.unsubscribe_keys(ctx.data_dir)
    for r in got:
        msg = r.message
        rcpt = r.rcpt_tos[0]
        items = [v.strip().strip("<>") for v in str(msg["List-Unsubscribe"]).split(",")]
        assert [unsubscribe.verify(keys, v) for v in items] == [(cid, rcpt)] * 2
        html = msg.get_body(("html",)).get_content()
        href = re.search(r'href="([^"]+)"', html).group(1)
        assert unsubscribe.verify(keys, href) == (cid, rcpt)
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(
            rf"Весна «2026» <c{cid}\.[0-9a-f]{{8}}\.example\.com>", str(msg["List-Id"])
        )
        assert b"=?utf-8?" not in r.data.split(b"List-Unsubscribe:")[1].split(b"\r\n")[0]
    key = ctx.secrets.unsubscribe_key(ctx.data_dir)
    forms = [key, base64.b64encode(key), key.hex().encode(), base64.urlsafe_b64encode(key)]
    ctx.db.dispose()
    for name in os.listdir(ctx.data_dir):
        path = ctx.data_dir / name
        if path.is_file():
            data = path.read_bytes()
            assert not any(f in data for f in forms), name
    logged = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert not any(f in logged for f in forms)


def _sample_message(unsubscribe_url: str) -> bytes:
    smtp = SmtpSettings(
        host="smtp.greenleaf-tea.net",
        port=587,
        security="starttls",
        from_addr="news@greenleaf-tea.net",
        from_name="Green Leaf Tea Shop",
        unsubscribe_url=unsubscribe_url,
    )
    content = compose.Content(
        sample.SAMPLE_SUBJECT,
        sample.SAMPLE_HTML,
        sample.SAMPLE_TEXT,
        campaign_id=1,
        name=sample.SAMPLE_NAME,
    )
    first, last, _, company = sample.SAMPLE_RECIPIENTS[0]
    msg = compose.build_message(
        content,
        smtp,
        "alice.martin@mail-box.net",
        {"first_name": first, "last_name": last, "company": company},
        compose.new_message_id(smtp.from_addr),
        datetime(2026, 11, 25, 7, 0, tzinfo=UTC),
        unsub_key=KEY,
    )
    return msg.as_bytes(policy=msg.policy)


@pytest.mark.skipif(
    shutil.which("spamassassin") is None,
    reason="spamassassin is not installed (Debian package `spamassassin`)",
)
@pytest.mark.parametrize("url", ["", "https://greenleaf-tea.net/unsubscribe"])
def test_the_sample_campaign_scores_at_most_zero_with_spamassassin(url, tmp_path):
    """Offline rules only (-L): the sample to a non-reserved address, with the
    mailto alone and with an https unsubscribe page."""
    home = tmp_path / "sa-home"
    home.mkdir()
    out = subprocess.run(
        ["spamassassin", "-L", "-t"],
        input=_sample_message(url),
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(home)},
    )
    report = out.stdout.decode("utf-8", "replace")
    m = re.search(r"X-Spam-Status: \w+, score=(-?[\d.]+)", report)
    assert m, report[-2000:]
    assert float(m.group(1)) <= 0, report.split("Content analysis details:")[-1][:1500]
