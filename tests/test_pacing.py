"""Even pacing (issue 11 part 3): a gap from the newest ledger slot, judged in
transaction A; a paced wait is not a pause. Real SQLite, real aiosmtpd."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mailer_gui.core.codes import NotificationKind
from mailer_gui.core.config import settings
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import pacing, queue, snapshot
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Notification, PauseEvent, SlotReservation

from .conftest import configure, make_campaign

pytestmark = pytest.mark.backends

T0 = datetime(2026, 11, 25, 7, 0, 10, tzinfo=UTC)


def _engine(ctx):
    eng = Engine(ctx)
    eng.acquire()
    return eng


def _entry(ctx, cid):
    with ctx.db.read() as s:
        e = queue.campaign_entry(s, cid)
        return e.status, e.reason_code, e.next_run_at


def _count(ctx, model) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def _pause_notices(ctx) -> int:
    with ctx.db.read() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.kind == NotificationKind.DEFERRED)
            )
        )


def test_spread_gap_is_the_strictest_rules_window_over_limit():
    lim = settings.LimitSettings(hourly=100, pacing="spread")
    assert pacing.gap(lim) == timedelta(seconds=36)
    # 30 a minute (2 s), 100 an hour (36 s), 500 a day (172.8 s): the day rules.
    lim = settings.LimitSettings(per_minute=30, hourly=100, daily=500, pacing="spread")
    assert pacing.gap(lim) == timedelta(seconds=172.8)
    # Rounded up to the microsecond, never down: 7 an hour.
    assert pacing.gap(settings.LimitSettings(hourly=7, pacing="spread")) == timedelta(
        microseconds=514_285_715
    )
    assert pacing.gap(settings.LimitSettings(pacing="min_gap", min_gap=2.5)) == timedelta(
        seconds=2.5
    )
    assert pacing.gap(settings.LimitSettings()) is None


@pytest.mark.parametrize(
    ("mode", "gap"), [("sometimes", 0.0), ("min_gap", 0.0), ("min_gap", -1.0), ("min_gap", 1e6)]
)
def test_bad_pacing_is_refused_naming_the_field(mode, gap):
    with pytest.raises(SettingsError) as err:
        settings.LimitSettings(pacing=mode, min_gap=gap).validate()
    assert err.value.field in ("pacing", "min_gap")


def test_min_gap_paces_without_a_pause_and_resumes_at_the_exact_microsecond(
    ctx, smtp_server, clock
):
    configure(ctx, smtp_server, pacing="min_gap", min_gap=30.0)
    clock.set(T0)
    cid = make_campaign(ctx, 3)
    eng = _engine(ctx)
    results = eng.run_until_idle()
    assert len(smtp_server.received) == 1
    paced = results[-1]
    assert (paced.kind, paced.next_wake_at) == ("paced", T0 + timedelta(seconds=30))
    # Not a pause: still the active entry, no reason, no time, no history, no notice.
    assert _entry(ctx, cid) == ("processing", None, None)
    assert _count(ctx, PauseEvent) == 0
    assert _count(ctx, Notification) == 0
    clock.set(T0 + timedelta(seconds=29, microseconds=999_999))
    assert eng.run_until_idle()[-1].kind == "paced"
    assert len(smtp_server.received) == 1
    clock.set(T0 + timedelta(seconds=30))
    eng.run_until_idle()
    assert len(smtp_server.received) == 2
    clock.set(T0 + timedelta(seconds=60))
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 3
    assert _entry(ctx, cid)[0] == "completed"
    # The one notice is the campaign's end; never one for a paced wait.
    assert _count(ctx, PauseEvent) == 0 and _pause_notices(ctx) == 0
    with ctx.db.read() as s:
        assert [n.kind for n in s.scalars(select(Notification))] == [NotificationKind.FINISHED]


def test_the_gap_holds_across_a_restart(ctx, smtp_server, clock):
    configure(ctx, smtp_server, pacing="min_gap", min_gap=30.0)
    clock.set(T0)
    make_campaign(ctx, 2)
    first = _engine(ctx)
    first.run_until_idle()
    first.release()
    clock.set(T0 + timedelta(seconds=10))
    second = _engine(ctx)  # a new process: it knows only the ledger
    assert second.run_until_idle()[-1].next_wake_at == T0 + timedelta(seconds=30)
    assert len(smtp_server.received) == 1
    second.release()


def test_a_test_send_counts_for_the_gap(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=100, pacing="spread")
    clock.set(T0)
    cid = make_campaign(ctx, 2)
    with ctx.db.write() as s:
        queue.enqueue_test(s, cid, "me@example.org", {"first_name": "Me"}, T0, "me@example.org")
    eng = _engine(ctx)
    results = eng.run_until_idle()
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0].rcpt_tos == ["me@example.org"]
    assert results[-1].kind == "paced"
    assert results[-1].next_wake_at == T0 + timedelta(seconds=36)
    eng.release()


def test_limits_still_pause_under_pacing(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=2, pacing="min_gap", min_gap=1.0)
    clock.set(T0)
    cid = make_campaign(ctx, 3)
    eng = _engine(ctx)
    for i in range(3):
        clock.set(T0 + timedelta(seconds=i))
        eng.run_until_idle()
    eng.release()
    assert len(smtp_server.received) == 2
    status, reason, when = _entry(ctx, cid)
    assert (status, reason) == ("deferred", "hourly_limit")
    assert when == T0 + timedelta(hours=1)


def test_snapshot_and_status_json_show_the_paced_wait(ctx, smtp_server, clock):
    configure(ctx, smtp_server, hourly=100, pacing="spread")
    clock.set(T0)
    cid = make_campaign(ctx, 3)
    eng = _engine(ctx)
    eng.run_until_idle()
    eng.release()
    clock.set(T0 + timedelta(seconds=6))
    with ctx.db.read() as s:
        snap = snapshot.build(s, clock.now())
    data = snap.to_json()
    assert data["pacing"] == {
        "mode": "spread",
        "gap_seconds": 36.0,
        "last_slot_at": T0.isoformat(),
        "next_slot_at": (T0 + timedelta(seconds=36)).isoformat(),
    }
    (entry,) = [e for e in data["entries"] if e["campaign_id"] == cid]
    assert entry["status"] == "processing" and entry["reason_code"] is None
    assert entry["paced_until"] == (T0 + timedelta(seconds=36)).isoformat()
    assert data["next_campaign_at"] == (T0 + timedelta(seconds=36)).isoformat()
    # The existing fields stay as they were.
    assert set(data["limits"]) == {"hourly", "monthly", "minute", "daily"}
    # Two left, 36 s apart, from the paced slot: the last goes at T0 + 72 s.
    assert snap.entries[0].eta == T0 + timedelta(seconds=73)


def test_pacing_off_in_status_json(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    with ctx.db.read() as s:
        data = snapshot.build(s, clock.now()).to_json()
    assert data["pacing"] == {
        "mode": "off",
        "gap_seconds": None,
        "last_slot_at": None,
        "next_slot_at": None,
    }


def test_the_gap_is_read_from_the_newest_slot_only(ctx, smtp_server, clock):
    """A slot given back (failure before MAIL FROM) leaves the ledger, so it
    does not hold the next message."""
    configure(ctx, smtp_server, pacing="min_gap", min_gap=30.0)
    with ctx.db.write() as s:
        s.add(SlotReservation(at=T0 - timedelta(seconds=40)))
        s.add(SlotReservation(at=T0 - timedelta(seconds=10)))
    with ctx.db.read() as s:
        assert pacing.last_slot(s) == T0 - timedelta(seconds=10)
        lim = settings.load(s).limits
        assert pacing.next_slot(s, lim, T0) == T0 + timedelta(seconds=20)
        assert pacing.next_slot(s, lim, T0 + timedelta(seconds=20)) is None


def test_run_until_idle_says_the_entry_is_paced(ctx, smtp_server, capsys):
    from mailer_gui.cli import main as cli

    configure(ctx, smtp_server, pacing="min_gap", min_gap=600.0)
    make_campaign(ctx, 2)
    assert cli.main(["--data-dir", str(ctx.data_dir), "run", "--until-idle"]) == 0
    out = capsys.readouterr().out
    assert len(smtp_server.received) == 1
    assert "idle: 1 message(s) sent in this run" in out
    (line,) = [x for x in out.splitlines() if x.startswith("sending: #")]
    assert "next message at" in line and "even pacing" in line
    assert "waiting:" not in out  # a paced wait is not a pause
