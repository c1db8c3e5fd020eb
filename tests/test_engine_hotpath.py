"""The send step's SQL fast path: what it reads fresh, and what it keeps exact."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns, compose
from mailer_gui.core.sending import claims, limits, queue
from mailer_gui.core.sending import engine as engine_module
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Attachment, Recipient, SlotReservation

from .conftest import configure, make_campaign

pytestmark = pytest.mark.backends


def _send(ctx, steps):
    eng = Engine(ctx)
    eng.acquire()
    try:
        return eng.run_until_idle(max_steps=steps)
    finally:
        eng.release()


def test_content_and_attachment_changes_between_messages_are_sent(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 3)
    _send(ctx, 1)
    assert len(smtp_server.received) == 1
    with ctx.db.write() as s:
        queue.pause(s, cid, clock.now())
    with ctx.db.write() as s:
        # The same instant (simulated clock): no timestamp can tell the edit apart.
        campaigns.update(s, cid, clock.now(), confirm_sent=True, subject="Changed {{ first_name }}")
        # The way the editor stores an attachment: a row, no core function.
        s.add(
            Attachment(campaign_id=cid, filename="a.txt", mime_type="text/plain", content=b"first")
        )
        queue.resume(s, cid, clock.now())
    _send(ctx, 1)
    second = smtp_server.received[1].message
    assert second["Subject"].startswith("Changed Name")
    assert [p.get_content() for p in second.iter_attachments()] == ["first"]
    with ctx.db.write() as s:
        queue.pause(s, cid, clock.now())
    with ctx.db.write() as s:
        att = s.scalars(select(Attachment).where(Attachment.campaign_id == cid)).one()
        s.delete(att)
        s.flush()
        # Same name, same size, quite possibly the same row id: still new content.
        s.add(
            Attachment(campaign_id=cid, filename="a.txt", mime_type="text/plain", content=b"other")
        )
        queue.resume(s, cid, clock.now())
    _send(ctx, 5)
    third = smtp_server.received[2].message
    assert [p.get_content() for p in third.iter_attachments()] == ["other"]
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "completed"


def test_settings_change_between_messages_is_used(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    make_campaign(ctx, 2)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.step()
        with ctx.db.write() as s:
            smtp = settings.load(s).smtp
            assert smtp is not None
            settings.save_smtp(
                s, settings.SmtpSettings(**{**smtp.__dict__, "from_addr": "other@example.com"})
            )
        eng.run_until_idle()
    finally:
        eng.release()
    got = smtp_server.received
    assert [r.mail_from for r in got] == ["news@example.com", "other@example.com"]


def test_capacity_counts_match_the_ledger_functions(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=3)
    make_campaign(ctx, 5)
    _send(ctx, 10)
    now = clock.now()
    with ctx.db.write() as s:
        st = settings.load(s)
        month, hour = limits.capacity(s, st.limits, st.quota, now)
        assert month == limits.monthly_usage(s, st.limits, st.quota, now)
        assert hour == limits.hourly_usage(s, st.limits, now)
        assert hour is not None and hour.next_slot_at is not None
        assert s.scalar(select(func.count()).select_from(SlotReservation)) == 3
        assert s.scalar(select(func.sum(Recipient.attempts))) == 3
        settings.save_quota(s, 100, now)
    with ctx.db.write() as s:
        st = settings.load(s)
        month, _ = limits.capacity(s, st.limits, st.quota, now)
        assert month == limits.monthly_usage(s, st.limits, st.quota, now)
        assert month.used == 100 + 3  # reservations stamped at the sync instant count


def test_any_left_sees_pending_and_sending_only(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        entry = queue.campaign_entry(s, cid)
        assert claims.any_left(s, "campaign", entry.id, cid)
        s.execute(Recipient.__table__.update().values(status="sending"))
        assert claims.any_left(s, "campaign", entry.id, cid)
        s.execute(Recipient.__table__.update().values(status="failed"))
        assert not claims.any_left(s, "campaign", entry.id, cid)


def test_one_engine_sends_what_changed_between_its_steps(ctx, smtp_server, clock, monkeypatch):
    """On PostgreSQL the engine builds the message to the recipient it expects
    next while its next step's reads are answered; that message is sent only
    if nothing it was built from changed. Here the subject changes, then a
    recipient's fields, then the recipient expected next is taken out, each
    between two steps of the same engine: every message is the one its claim
    says (subject, name, address, Message-ID)."""
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 5)
    built: list[str] = []

    def build(content, smtp, to_addr, *args, **kw):  # the real one, counted
        built.append(to_addr)
        return compose.build_message(content, smtp, to_addr, *args, **kw)

    monkeypatch.setattr(engine_module, "build_message", build)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.step()  # r0; r1 is expected next, then r2
        eng.step()  # r1 (its reads answered while r2's message was built)
        with ctx.db.write() as s:
            queue.pause(s, cid, clock.now())
        with ctx.db.write() as s:
            campaigns.update(s, cid, clock.now(), confirm_sent=True, subject="New {{ first_name }}")
            queue.resume(s, cid, clock.now())
        eng.step()  # r2, with the new subject
        with ctx.db.write() as s:
            r3 = s.scalars(select(Recipient).where(Recipient.email == "r3@example.org")).one()
            r3.fields = {"first_name": "Edited"}
        eng.step()  # r3, with its new name
        with ctx.db.write() as s:
            s.delete(s.scalars(select(Recipient).where(Recipient.email == "r4@example.org")).one())
            campaigns.add_recipients(s, cid, [(9, "late@example.org", {"first_name": "Late"})])
        eng.run_until_idle()  # not r4: the late one
    finally:
        eng.release()
    got = [
        (r.message["To"], r.message["Subject"], r.message["Message-ID"])
        for r in smtp_server.received
    ]
    with ctx.db.read() as s:
        ids = dict(s.execute(select(Recipient.email, Recipient.message_id)).all())
    assert [(to, subject) for to, subject, _ in got] == [
        ("r0@example.org", "Hello Name0"),
        ("r1@example.org", "Hello Name1"),
        ("r2@example.org", "New Name2"),
        ("r3@example.org", "New Edited"),
        ("late@example.org", "New Late"),
    ]
    assert [mid for _, _, mid in got] == [ids[to] for to, _, _ in got]
    assert len(set(ids.values())) == 5
    # Built once each on SQLite; on PostgreSQL r1's built ahead is the one sent,
    # and r2, r3 and the late one's place (r4 expected) were built again.
    twice = {"r2@example.org", "r3@example.org"}
    if ctx.db.backend == "postgresql":
        assert sorted(built) == sorted([*(to for to, _, _ in got), *twice, "r4@example.org"])
    else:
        assert built == [to for to, _, _ in got]
