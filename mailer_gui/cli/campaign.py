"""``campaign``: create, add recipients, queue, pause, cancel, resume, move,
resolve uncertain recipients, list (``cli.content`` adds import, preview,
attachments and the suppression list)."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mailer_gui.cli.common import CliError, Handler, parse_time, read_text_file
from mailer_gui.core.audience.mapping import clean_headers, field_keys
from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.sending import queue


def cmd_campaign_create(ctx: AppContext, a: argparse.Namespace) -> int:
    html = read_text_file(a.html_file, "--html-file")
    text = read_text_file(a.text_file, "--text-file") if a.text_file else None
    with ctx.db.write() as s:
        c = campaigns.create(s, a.name, a.subject, html, text, ctx.clock.now(), reply_to=a.reply_to)
        cid = c.id
    print(cid)
    return 0


def read_recipient_csv(path: str) -> list[tuple[int, str, dict[str, str]]]:
    """A UTF-8 CSV with a header row and an ``email`` column, as (row, address,
    fields) rows; the addresses are checked where every recipient is
    (``contacts.add_recipients``), and the fields named as an import names them."""
    text = read_text_file(path, "recipients file")
    lines = csv.reader(text.splitlines())
    header = next(lines, None)
    headers = clean_headers(header or [])
    email_header = next((h for h in headers if h.lower() == "email"), None)
    if email_header is None:
        raise CliError(f"{path}: no `email` column in the header row; add one")
    try:
        keys = field_keys(headers, {"email": email_header}, 1)
    except MailerError as exc:
        raise CliError(f"{path}: {exc}") from None
    col = keys.index(None)
    rows = []
    for i, cells in enumerate(lines, start=2):
        if not "".join(cells).strip():
            continue  # a blank line
        cells = cells + [""] * (len(keys) - len(cells))
        if len(cells) > len(keys) and "".join(cells[len(keys) :]).strip():
            raise CliError(
                f"{path}: row {i}: {len(cells)} cells but the header has "
                f"{len(keys)} columns; put values that contain a comma in double "
                "quotes"
            )
        fields = {k: cells[j].strip() for j, k in enumerate(keys) if k is not None}
        rows.append((i, cells[col].strip(), fields))
    return rows


def cmd_campaign_add_recipients(ctx: AppContext, a: argparse.Namespace) -> int:
    rows = read_recipient_csv(a.file)
    with ctx.db.write() as s:
        counts = campaigns.add_recipients(s, a.id, rows)
    print(
        f"added {counts['added']}, duplicates skipped {counts['duplicate']}, "
        f"suppressed {counts['suppressed']}"
    )
    return 0


def cmd_campaign_enqueue(ctx: AppContext, a: argparse.Namespace) -> int:
    start = parse_time(a.start_at, "--start-at") if a.start_at else None
    status = queue.enqueue_checked(
        ctx.db, a.id, ctx.clock.now(), start_at=start, priority=a.priority
    )
    print(f"campaign {a.id} queued ({status})")
    return 0


def _simple(action: Callable[..., Any], done: str) -> Handler:
    def handler(ctx: AppContext, a: argparse.Namespace) -> int:
        with ctx.db.write() as s:
            action(s, a.id, ctx.clock.now())
        print(f"campaign {a.id} {done}")
        return 0

    return handler


def _when(s: Any, at: datetime) -> str:
    """A time for the operator: ISO 8601 in the settings' zone, zone named."""
    tz = settings_mod.load(s).limits.tz
    return f"{utc(at).astimezone(tz).isoformat(timespec='minutes')} ({tz.key})"


def cmd_campaign_resume(ctx: AppContext, a: argparse.Namespace) -> int:
    """Release the campaign's hold and say truthfully what that did."""
    with ctx.db.write() as s:
        before = queue.campaign_entry(s, a.id)
        was = None if before is None else (before.status, before.reason_code)
        entry = queue.resume(s, a.id, ctx.clock.now())
        status, reason, detail = entry.status, entry.reason_code, entry.reason_detail
        when = None if entry.next_run_at is None else _when(s, entry.next_run_at)
    held = was is not None and was[0] in ("paused", "deferred")
    if not held:
        print(f"campaign {a.id} was not held ({status}); nothing to resume")
    elif status in ("queued", "processing"):
        print(
            f"campaign {a.id} resumed (was {was[1]}): it sends at the engine's next step; "
            "a running app sends within 30 seconds, else start `run`"
        )
    else:
        why = f"{reason}" + (f" ({detail})" if detail else "")
        hint = {
            "scheduled": "its start time is the one it was queued with",
            "outside_hours": "widen the working hours with `config limits` to send sooner",
            "minute_limit": "raise the limit with `config limits` to send sooner",
            "hourly_limit": "raise the limit with `config limits` to send sooner",
            "daily_limit": "raise the limit with `config limits` to send sooner",
            "monthly_quota": "raise the quota with `config limits` to send sooner",
        }.get(reason or "", "")
        print(
            f"campaign {a.id} resumed (was {was[1]}) but still waits: {why}"
            + (f" until {when}" if when else "")
            + (f"; {hint}" if hint else "")
        )
    return 0


def cmd_campaign_move(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        queue.move(s, a.id, -1 if a.direction == "up" else 1)
    print(f"campaign {a.id} moved {a.direction}")
    return 0


def cmd_campaign_resolve(ctx: AppContext, a: argparse.Namespace) -> int:
    if a.list:
        if a.email:
            raise CliError("--email goes with --mark-sent or --requeue, not --list")
        with ctx.db.read() as s:
            rows = queue.uncertain_recipients(s, a.id)
            for u in rows:
                when = _when(s, u.claimed_at) if u.claimed_at else "?"
                reply = " ".join((u.reply or "").split())
                print(f"{u.email}\tclaimed {when}\tattempts {u.attempts}\t{reply}")
        if not rows:
            print(f"campaign {a.id} has no uncertain recipients")
        return 0
    action = "mark_sent" if a.mark_sent else "requeue"
    with ctx.db.write() as s:
        n = queue.resolve_uncertain(s, a.id, action, ctx.clock.now(), emails=a.email or None)
        left = len(queue.uncertain_recipients(s, a.id))
    print(
        f"{n} uncertain recipient(s) "
        + ("marked sent" if a.mark_sent else "re-queued")
        + (f"; {left} still uncertain" if left else "")
    )
    return 0


def cmd_campaign_list(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        rows = [(c.id, c.name) for c in campaigns.list_campaigns(s)]
    for cid, name in rows:
        print(f"{cid}\t{name}")
    return 0


def register(sub: Any) -> None:
    """Add the ``campaign`` group (``cli.content`` adds more commands to it)."""
    camp = sub.add_parser("campaign", help="campaigns").add_subparsers(dest="sub", required=True)
    _register_content(camp)
    _register_queue(camp)


def _register_content(camp: Any) -> None:
    p = camp.add_parser("create")
    p.add_argument("--name", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--html-file", required=True)
    p.add_argument("--text-file")
    p.add_argument("--reply-to")
    p.set_defaults(func=cmd_campaign_create)
    p = camp.add_parser("add-recipients")
    p.add_argument("id", type=int)
    p.add_argument("file")
    p.set_defaults(func=cmd_campaign_add_recipients)
    p = camp.add_parser("enqueue")
    p.add_argument("id", type=int)
    p.add_argument("--start-at")
    p.add_argument("--priority", type=int, default=0)
    p.set_defaults(func=cmd_campaign_enqueue)


def _register_queue(camp: Any) -> None:
    for name, action, done in (
        ("pause", queue.pause, "paused"),
        ("cancel", queue.cancel, "cancelled"),
    ):
        p = camp.add_parser(name)
        p.add_argument("id", type=int)
        p.set_defaults(func=_simple(action, done))
    p = camp.add_parser("resume", help="release any hold; says if it still waits, and why")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_campaign_resume)
    p = camp.add_parser("move")
    p.add_argument("id", type=int)
    p.add_argument("direction", choices=("up", "down"))
    p.set_defaults(func=cmd_campaign_move)
    p = camp.add_parser(
        "resolve-uncertain", help="decide on recipients that may have got the message"
    )
    p.add_argument("id", type=int)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--mark-sent", action="store_true", help="never send them again")
    g.add_argument("--requeue", action="store_true", help="send them again (same Message-ID)")
    g.add_argument(
        "--list",
        action="store_true",
        help="list them: address, when claimed, attempts, the server's last words",
    )
    p.add_argument(
        "--email",
        action="append",
        metavar="ADDR",
        help="only this recipient (repeat for more); default: all uncertain ones",
    )
    p.set_defaults(func=cmd_campaign_resolve)
    camp.add_parser("list").set_defaults(func=cmd_campaign_list)
