"""Demo mode: the built-in server catches what the real engine sends, on this
machine only."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.content.sample import SAMPLE_RECIPIENTS, recipients_csv, write_sample_files
from mailer_gui.core.context import open_context
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Campaign, Recipient
from mailer_gui.demo import mode as demo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[demo.DemoSession]:
    d = demo.start_demo(tmp_path / "demo")
    yield d
    d.stop()


def test_settings_point_only_at_the_local_server(session: demo.DemoSession) -> None:
    ctx = open_context(session.data_dir, allow_reserved_domains=True)
    try:
        with ctx.db.read() as s:
            st = settings.load(s)
    finally:
        ctx.close()
    assert st.smtp is not None
    assert (st.smtp.host, st.smtp.port, st.smtp.security) == ("127.0.0.1", session.port, "none")
    assert st.smtp.user == "" and st.smtp.from_addr == "demo@example.com"
    assert st.limits.hourly == 20
    assert (st.limits.start, st.limits.end, st.limits.days) == (
        "00:00",
        "24:00",
        settings.DAY_NAMES,
    )
    ZoneInfo(st.limits.timezone)
    # The server listens on loopback only.
    with socket.create_connection(("127.0.0.1", session.port), timeout=2) as c:
        assert c.recv(100).startswith(b"220")
    assert session.running


def test_sample_campaign_uses_reserved_domains_only(session: demo.DemoSession) -> None:
    ctx = open_context(session.data_dir, allow_reserved_domains=True)
    try:
        with ctx.db.read() as s:
            c = s.get(Campaign, session.campaign_id)
            assert c is not None and "{{ first_name }}" in c.subject
            emails = [r.email for r in s.query(Recipient).filter_by(campaign_id=c.id)]
    finally:
        ctx.close()
    assert len(emails) == len(SAMPLE_RECIPIENTS) == 25
    assert all(e.rsplit("@", 1)[1] in ("example.com", "example.org") for e in emails)


def test_engine_send_is_caught_in_the_outbox(session: demo.DemoSession) -> None:
    ctx = open_context(session.data_dir, allow_reserved_domains=True)
    try:
        with ctx.db.write() as s:
            campaigns.test_send(s, session.campaign_id, "you@example.com", ctx.clock.now())
        engine = Engine(ctx, label="test")
        engine.acquire()
        try:
            results = engine.run_until_idle()
        finally:
            engine.release()
    finally:
        ctx.close()
    assert [r.outcome.kind for r in results if r.outcome] == ["sent"]
    (msg,) = session.outbox.messages()
    assert msg.number == 1 and msg.path.name == "0001.eml"
    assert msg.rcpt_tos == ("you@example.com",) and msg.mail_from == "demo@example.com"
    assert msg.subject == "Alice, our spring collection is here"
    assert "Hello Alice" in msg.text and "Hello Alice" in msg.html
    assert ("To", "you@example.com") in msg.headers
    assert msg.raw.startswith(b"From:") or b"\nSubject:" in msg.raw
    assert msg.received_at.tzinfo is not None


def test_hourly_limit_pauses_after_twenty(session: demo.DemoSession) -> None:
    ctx = open_context(session.data_dir, allow_reserved_domains=True)
    try:
        with ctx.db.write() as s:
            queue.enqueue(s, session.campaign_id, ctx.clock.now())
        engine = Engine(ctx, label="test")
        engine.acquire()
        try:
            results = engine.run_until_idle()
        finally:
            engine.release()
        with ctx.db.read() as s:
            entry = queue.campaign_entry(s, session.campaign_id)
            assert entry is not None
            reason, next_run = entry.reason_code, entry.next_run_at
    finally:
        ctx.close()
    assert sum(1 for r in results if r.outcome and r.outcome.kind == "sent") == 20
    assert session.outbox.count() == 20
    assert reason == "hourly_limit" and next_run is not None


def test_reopen_keeps_campaign_and_outbox(tmp_path: Path) -> None:
    first = demo.start_demo(tmp_path / "d")
    first.outbox.store("demo@example.com", ["a@example.com"], b"Subject: x\r\n\r\nbody\r\n")
    first.stop()
    again = demo.start_demo(tmp_path / "d")
    try:
        assert again.campaign_id == first.campaign_id
        assert [m.subject for m in again.outbox.messages()] == ["x"]
        ctx = open_context(again.data_dir, allow_reserved_domains=True)
        with ctx.db.read() as s:
            assert settings.load(s).smtp.port == again.port  # type: ignore[union-attr]
            assert len(campaigns.list_campaigns(s)) == 1
        ctx.close()
    finally:
        again.stop()


def test_fresh_temporary_folder_by_default() -> None:
    d = demo.start_demo()
    try:
        assert d.data_dir.is_dir() and "mailer-gui-demo-" in d.data_dir.name
        assert (d.data_dir / "outbox").is_dir()
    finally:
        d.stop()
    assert not d.running


def test_sample_files_match_the_code(tmp_path: Path) -> None:
    """resources/sample/ (for the README's CLI walkthrough) is what the code creates."""
    write_sample_files(tmp_path)
    for name in ("sample.html", "sample.txt", "recipients.csv"):
        assert (ROOT / "resources" / "sample" / name).read_text("utf-8") == (
            tmp_path / name
        ).read_text("utf-8"), "run python -m mailer_gui.core.content.sample"
    assert recipients_csv().splitlines()[0] == "email,first_name,last_name,company"
