"""The bounce-rate guard: hard bounces at or over the threshold (default 5 %
once 50 went out) pause the campaign with ``bounce_rate`` until the operator
resumes; from the mailbox and from 5xx refusals at RCPT alike."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from mailer_gui.cli import main as cli
from mailer_gui.core.codes import EntryStatus, NotificationKind, Reason, RecipientStatus
from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.mailbox import check, guard
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Notification, Recipient

from .conftest import configure, drain, make_campaign
from .test_mailbox import deliver, sent, setup_imap


def in_send_order(n: int) -> list[str]:
    """make_campaign's addresses in the order the engine sends them (by address)."""
    return sorted(f"r{i}@example.org" for i in range(n))


def entry_of(ctx: Any, cid: int) -> Any:
    with ctx.db.read() as s:
        return queue.campaign_entry(s, cid)


def send_52_and_bounce(ctx: Any, smtp_server: Any, imap_server: Any, bounces: int) -> int:
    """A campaign of 100 that sends 52 (the hourly limit), then ``bounces`` of them bounce."""
    configure(ctx, smtp_server, hourly=52)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 100)
    drain(ctx)
    out = went_out(ctx, cid)
    assert len(out) == 52
    for r in out[:bounces]:
        deliver(ctx, imap_server, "postfix_user_unknown", r)
    return cid


def went_out(ctx: Any, cid: int) -> list[Any]:
    return sorted(
        (r for r in sent(ctx, cid).values() if r.status == RecipientStatus.SENT),
        key=lambda r: r.id,
    )


def test_hard_bounces_over_the_threshold_pause_the_campaign(ctx, smtp_server, imap_server):
    cid = send_52_and_bounce(ctx, smtp_server, imap_server, 3)  # 3/52 = 5.8 %
    result = check.check_once(ctx)
    assert result.paused == [cid]
    e = entry_of(ctx, cid)
    assert (e.status, e.reason_code, e.next_run_at) == (
        EntryStatus.DEFERRED,
        Reason.BOUNCE_RATE,
        None,
    )
    with ctx.db.read() as s:
        texts = [
            n.text
            for n in s.scalars(
                select(Notification).where(
                    Notification.campaign_id == cid, Notification.reason_code == Reason.BOUNCE_RATE
                )
            )
        ]
    assert len(texts) == 1 and "3 of 52" in texts[0] and "5.8 %" in texts[0]
    # The hour passes: the limit frees up, the guard still holds it.
    ctx.clock.advance(2 * 3600)
    assert [x for x in drain(ctx) if x.kind == "sent"] == []
    # A settings save does not release it; the operator's resume does.
    with ctx.db.write() as s:
        queue.replan(s, ctx.clock.now(), smtp_changed=True, account_changed=True)
        queue.release_operator_holds(s, ctx.clock.now())
    assert entry_of(ctx, cid).reason_code == Reason.BOUNCE_RATE
    with ctx.db.write() as s:
        queue.resume(s, cid, ctx.clock.now())
    assert len([x for x in drain(ctx) if x.kind in ("sent", "finished")]) == 48
    assert entry_of(ctx, cid).status == EntryStatus.COMPLETED


def test_under_the_threshold_nothing_pauses(ctx, smtp_server, imap_server):
    cid = send_52_and_bounce(ctx, smtp_server, imap_server, 2)  # 2/52 = 3.8 %
    assert check.check_once(ctx).paused == []
    assert entry_of(ctx, cid).reason_code == Reason.HOURLY_LIMIT


def test_the_threshold_and_minimum_are_settings(ctx, smtp_server, imap_server, capsys):
    cid = send_52_and_bounce(ctx, smtp_server, imap_server, 2)
    code = cli.main(
        [
            "--data-dir",
            str(ctx.data_dir),
            "config",
            "mailbox",
            "--bounce-rate-percent",
            "3",
            "--bounce-rate-min-sent",
            "20",
        ]
    )
    assert code == 0, capsys.readouterr().err
    with ctx.db.read() as s:
        assert imap_settings.load_mailbox(s).bounce_rate_percent == 3
    assert check.check_once(ctx).paused == [cid]


def test_not_before_the_minimum_has_gone_out(ctx, smtp_server, imap_server):
    configure(ctx, smtp_server, hourly=40)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 100)
    drain(ctx)
    for r in went_out(ctx, cid)[:10]:  # 25 %, but only 40 went out
        deliver(ctx, imap_server, "exim_failed", r)
    res = check.check_once(ctx)
    assert res.counts["bounces"] == 10, json.dumps(res.to_json())
    assert entry_of(ctx, cid).reason_code == Reason.HOURLY_LIMIT


def test_refusals_at_rcpt_count_and_pause_during_sending(ctx, smtp_server):
    configure(ctx, smtp_server)
    for i in (50, 51, 52):  # the 51st to 53rd sent
        smtp_server.rules[f"rcpt:{in_send_order(100)[i]}"] = "550 5.1.1 no such user"
    cid = make_campaign(ctx, 100)
    drain(ctx)
    e = entry_of(ctx, cid)
    assert e.reason_code == Reason.BOUNCE_RATE
    with ctx.db.read() as s:
        assert guard.hard_bounce_counts(s, cid) == (3, 53)
        left = s.scalars(
            select(Recipient).where(
                Recipient.campaign_id == cid, Recipient.status == RecipientStatus.PENDING
            )
        ).all()
        assert len(left) == 47
        kinds = set(s.scalars(select(Notification.kind).where(Notification.campaign_id == cid)))
    assert NotificationKind.DEFERRED in kinds


def test_after_resume_it_waits_for_another_minimum(ctx, smtp_server):
    configure(ctx, smtp_server, hourly=1000)
    for i in (50, 51, 52, 60):
        smtp_server.rules[f"rcpt:{in_send_order(200)[i]}"] = "550 5.1.1 no such user"
    cid = make_campaign(ctx, 200)
    drain(ctx)
    assert entry_of(ctx, cid).reason_code == Reason.BOUNCE_RATE
    with ctx.db.write() as s:
        queue.resume(s, cid, ctx.clock.now())
    drain(ctx)  # r60 fails at 61 out: 4/61 = 6.6 %, but only 8 more went out
    assert entry_of(ctx, cid).status == EntryStatus.COMPLETED_WITH_ERRORS
