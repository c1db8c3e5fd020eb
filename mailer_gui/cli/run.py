"""Sending from the terminal: ``test-send``, ``run`` and ``status``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mailer_gui.cli.common import CliError, time_text
from mailer_gui.core import timefmt
from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import LeaseHeldError
from mailer_gui.core.sending import snapshot
from mailer_gui.core.sending.engine import Engine


def cmd_test_send(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        entry = campaigns.test_send(s, a.id, a.to, ctx.clock.now(), row=a.row)
        entry_id = entry.id
    engine = Engine(ctx, label="cli test-send")
    try:
        engine.acquire()
    except LeaseHeldError as exc:
        print(f"test send queued; the running app will send it ({exc})")
        return 0
    try:
        engine.run_until_idle()
    finally:
        engine.release()
    with ctx.db.read() as s:
        r = campaigns.outcome_of_test_send(s, entry_id)
        zone = settings_mod.load(s).limits.timezone
    assert r is not None and r.entry_status is not None
    if r.status == "sent":
        print(f"sent to {r.email}: {r.reply}".rstrip())
        return 0
    if r.status == "failed":
        print(f"failed: {r.reply}")
        return 1
    when = time_text(r.next_run_at, zone) if r.next_run_at else "operator action"
    print(f"waiting: {r.reason_code} ({r.reason_detail or ''}); next try: {when}")
    return 0


def cmd_run(ctx: AppContext, a: argparse.Namespace) -> int:
    engine = Engine(ctx, label="cli run")
    try:
        fixed = engine.acquire()
    except LeaseHeldError as exc:
        raise CliError(str(exc)) from None
    if fixed["uncertain"]:
        print(
            f"{fixed['uncertain']} recipient(s) from an interrupted run are now uncertain; "
            "see `campaign resolve-uncertain`",
            file=sys.stderr,
        )

    def on_signal(signum: int, frame: Any) -> None:
        engine.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sent = 0
    from mailer_gui.core.sending.repeat_scheduler import RepeatScheduler

    scheduler = RepeatScheduler(ctx, on_change=engine.wake)
    if not a.until_idle:
        # Team mode: a campaign queued or resumed on another laptop wakes this
        # engine at once (LISTEN/NOTIFY), not at its next periodic re-check.
        def on_change(_event: str) -> None:
            engine.wake()

        ctx.listeners.append(on_change)
        ctx.listen()
    try:
        for said in scheduler.wake() if a.until_idle else scheduler.start():
            print(said, file=sys.stderr)  # a missed repeat: caught up once, or skipped
        if a.until_idle:
            results = engine.run_until_idle()
            sent = sum(1 for r in results if r.outcome is not None and r.outcome.kind == "sent")
        else:
            engine.run_forever()
    finally:
        scheduler.stop()
        engine.release()
    if a.until_idle:
        print(f"idle: {sent} message(s) sent in this run")
        for line in _waiting_lines(ctx):
            print(line)
        log.info("run --until-idle: %d message(s) sent", sent)
    return 0


log = logging.getLogger("mailer_gui.cli.main")  # the CLI's one log name, as before


# What each wait means, for the operator (the codes stay in `status --json`).
_REASON_WORDS = {
    "outside_hours": "outside working hours",
    "minute_limit": "per-minute limit reached",
    "hourly_limit": "hourly limit reached",
    "daily_limit": "daily limit reached",
    "monthly_quota": "monthly quota used up",
    "transient_error": "temporary server error, will retry",
    "provider_limit": "the provider is throttling sending",
    "smtp_not_configured": "SMTP is not set up",
    "smtp_auth_failed": "the server refused the login",
    "smtp_rejected": "the server refused the sender or content",
    "scheduled": "scheduled",
    "paused": "paused by you",
    "waiting": "waiting for its turn",
}


def _local_text(when: datetime, zone: str) -> str:
    """``when`` in the settings' zone, to the minute (rounded up: never early),
    labelled with the zone."""
    local = utc(when).astimezone(ZoneInfo(zone))
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{local:%Y-%m-%d %H:%M} ({zone})"


def _to_second(when: datetime | None, zone: str) -> str:
    """A paced time: to the second (the gap may be a few seconds)."""
    return timefmt.local_time(when, zone, "%Y-%m-%d %H:%M:%S")


def _waiting_lines(ctx: AppContext) -> list[str]:
    """One line per entry left waiting: why, and until when."""
    with ctx.db.read() as s:
        snap = snapshot.build(s, ctx.clock.now())
        zone = settings_mod.load(s).limits.timezone
    lines = []
    for e in snap.entries:
        what = f"#{e.campaign_id} {e.name}" + (" (test send)" if e.kind == "test" else "")
        if e.paced_until is not None:  # sending, between two paced messages: not a pause
            lines.append(
                f"sending: {what}: next message at {_to_second(e.paced_until, zone)} "
                f"(even pacing; `run` keeps going)"
            )
            continue
        if e.position is None or e.status not in ("queued", "deferred", "paused"):
            continue
        words = _REASON_WORDS.get(e.reason_code or "", e.reason_code or e.status)
        detail = (e.reason_detail or "").strip()
        why = (
            detail
            if detail.lower().startswith(words.lower())
            else f"{words} ({detail})"
            if detail
            else words
        )
        if e.status == "paused":
            until = f"until you resume it (`campaign resume {e.campaign_id}`)"
        elif e.next_run_at is not None:
            until = f"until {_local_text(e.next_run_at, zone)}"
        elif e.status == "deferred":
            until = "until you act on it"
        else:
            until = ""
        lines.append(f"waiting: {what}: {why}" + (f", {until}" if until else ""))
    return lines


def cmd_status(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        snap = snapshot.build(s, ctx.clock.now())
    if a.json:
        out = snap.to_json()
        out["database"] = ctx.database_json()
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    b = snap.budget
    minute = f"This minute {b.minute.used}/{b.minute.limit} · " if b.minute else ""
    today = f" · Today {b.daily.used}/{b.daily.limit}" if b.daily else ""
    waits = [u.next_slot_at for u in (b.minute, b.daily) if u and u.next_slot_at]
    slot = max([b.next_slot_at, *waits] if b.next_slot_at else waits, default=None)
    print(
        f"{minute}This hour {b.hourly_used}/{b.hourly_limit}{today} · Month {b.monthly_used}/"
        f"{b.monthly_limit}" + (f" · next slot {time_text(slot, snap.timezone)}" if slot else "")
    )
    pace = snap.pacing
    if pace.gap_seconds is not None:
        nxt = f"; next message at {_to_second(pace.next_slot_at, snap.timezone)}"
        print(
            f"pacing ({pace.mode}): at most one message every {pace.gap_seconds:g} s"
            + (nxt if pace.next_slot_at else "")
        )
    if not snap.smtp_configured:
        print("SMTP is not configured: run `config smtp`")
    if snap.active_campaign:
        print(f"sending: {snap.active_campaign[1]} (#{snap.active_campaign[0]})")
    for e in snap.entries:
        c = e.counts
        when = time_text(e.next_run_at, snap.timezone)
        print(
            f"{e.position or '-':>3} #{e.campaign_id} {e.name} [{e.kind}] {e.status} "
            f"{e.reason_code or ''} {when} sent {c.get('sent', 0)}/{e.total} "
            f"failed {c.get('failed', 0)} uncertain {c.get('uncertain', 0)}".rstrip()
        )
    return 0


def register(sub: Any) -> None:
    """Add ``test-send``, ``run`` and ``status``."""
    p = sub.add_parser("test-send", help="send one test message through the engine")
    p.add_argument("id", type=int)
    p.add_argument("--to", required=True)
    p.add_argument("--row", type=int, help="render with this recipient's data (1-based)")
    p.set_defaults(func=cmd_test_send)
    p = sub.add_parser("run", help="send what the queue allows")
    p.add_argument("--until-idle", action="store_true")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("status", help="the queue and the limits")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
