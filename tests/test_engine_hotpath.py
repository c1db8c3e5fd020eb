"""The send step's SQL fast path: what it reads fresh, and what it keeps exact."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import claims, limits, queue
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
