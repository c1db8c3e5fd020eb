"""The send step end to end against a real SMTP server and a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Recipient, SlotReservation

from .conftest import configure, make_campaign

pytestmark = pytest.mark.backends


def _statuses(ctx, cid):
    with ctx.db.read() as s:
        return dict(
            s.execute(
                select(Recipient.status, func.count())
                .where(Recipient.campaign_id == cid)
                .group_by(Recipient.status)
            ).all()
        )


def test_sends_every_recipient_once_and_completes(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 5)
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    eng.release()
    got = smtp_server.received
    assert sorted(r.rcpt_tos[0] for r in got) == [f"r{i}@example.org" for i in range(5)]
    assert all(len(r.rcpt_tos) == 1 for r in got)
    msg = got[0].message
    assert msg["Subject"].startswith("Hello Name")
    assert msg["Message-ID"].endswith("@example.com>")
    assert _statuses(ctx, cid) == {"sent": 5}
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        assert entry.status == "completed"
        stored = set(s.scalars(select(Recipient.message_id)))
        assert {r.message["Message-ID"] for r in got} == stored
        assert s.scalar(select(func.count()).select_from(SlotReservation)) == 5


def test_hourly_limit_defers_with_time_and_resumes_at_that_moment(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=3)
    cid = make_campaign(ctx, 5)
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        assert (entry.status, entry.reason_code) == ("deferred", "hourly_limit")
        # the clock hour 07:00-08:00 UTC is full: capacity returns at 08:00.
        assert entry.next_run_at == clock.now().replace(minute=0) + timedelta(hours=1)
        nxt = entry.next_run_at
    clock.set(nxt - timedelta(seconds=1))
    eng.run_until_idle()
    assert len(smtp_server.received) == 3
    clock.set(nxt)
    eng.run_until_idle()
    assert len(smtp_server.received) == 5
    eng.release()
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "completed"


def test_snapshot_reports_reason_and_counts(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=2)
    cid = make_campaign(ctx, 4)
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    eng.release()
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now()).to_json()
    (entry,) = [e for e in snap["entries"] if e["campaign_id"] == cid]
    assert entry["reason_code"] == "hourly_limit"
    assert entry["counts"]["sent"] == 2 and entry["counts"]["pending"] == 2
    assert snap["limits"]["hourly"] == {"limit": 2, "used": 2, "next_slot_at": entry["next_run_at"]}
    assert snap["next_campaign_at"] == entry["next_run_at"]
    assert entry["eta"] is not None and entry["eta"] >= entry["next_run_at"]


def test_no_write_lock_is_held_while_the_server_judges_a_message(ctx, smtp_server):
    """The step leaves the server's verdict on the body on the line and reads it
    at the next step, before that step takes the write lock: while a slow
    server judges the message, another writer (the window saving a campaign)
    is not held up."""
    import threading

    from mailer_gui.core.content import campaigns

    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 3)
    eng = Engine(ctx)
    eng.acquire()
    try:
        smtp_server.set_slow(0.0, 3.0)  # each message stored, its 250 held back 3 s
        assert eng.step().kind == "sending"  # the body is out, the verdict not read
        stepping = threading.Thread(target=eng.step)  # reads that verdict first
        stepping.start()
        smtp_server.wait_for(1)
        with ctx.db.write() as s:  # waits for any write lock the step holds
            campaigns.find(s, cid).name = "Renamed while the server judges"
        assert stepping.is_alive()  # the step still waits for the verdict
        stepping.join(30)
        smtp_server.set_slow(0.0, 0.0)
        eng.run_until_idle()
    finally:
        eng.release()
    with ctx.db.read() as s:
        assert campaigns.find(s, cid).name == "Renamed while the server judges"
        statuses = s.scalars(select(Recipient.status).where(Recipient.campaign_id == cid)).all()
    assert sorted(statuses) == ["sent", "sent", "sent"]
