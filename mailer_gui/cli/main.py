"""The headless front: the same core as the window, from a terminal.

Exit codes: 0 success, 2 usage error, 1 any other error (one line on stderr
saying what went wrong and how to fix it).

Other modules add command groups: each module named in ``EXTENSIONS``
defines ``register(subparsers)`` that adds its parsers and sets
``func=handler(ctx, args) -> int`` on them.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from mailer_gui.core import timefmt
from mailer_gui.core.audience.mapping import clean_headers, field_keys
from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext, default_log_dir, open_context
from mailer_gui.core.errors import LeaseHeldError, MailerError, SettingsError
from mailer_gui.core.sending import calendar, queue, snapshot
from mailer_gui.core.sending.engine import Engine

log = logging.getLogger("mailer_gui.cli.main")

Handler = Callable[[AppContext, argparse.Namespace], int]
EXTENSIONS = ("mailer_gui.cli.content", "mailer_gui.cli.report", "mailer_gui.cli.app")


class CliError(MailerError):
    """A one-line error for the operator."""


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"{what}: {path} does not exist") from None
    except UnicodeDecodeError:
        raise CliError(f"{what}: {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise CliError(f"{what}: cannot read {path}: {exc.strerror}") from None


def _parse_time(value: str, what: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"{what}: {value!r} is not an ISO 8601 time, e.g. "
                       "2026-12-01T09:00:00+03:00") from None
    if dt.tzinfo is None:
        raise CliError(f"{what}: {value!r} has no UTC offset; add one, e.g. +03:00")
    return utc(dt)


def _time_text(dt: datetime | None, zone: str) -> str:
    """A time for people (not ``--json``): in the settings' zone, labelled when
    the laptop's differs, e.g. ``2026-12-02 09:00 MSK``."""
    return timefmt.local_time(dt, zone, timefmt.FULL_FORMAT)


# ----------------------------------------------------------------- config


def cmd_config_smtp(ctx: AppContext, a: argparse.Namespace) -> int:
    smtp = settings_mod.SmtpSettings(host=a.host, port=a.port, security=a.security,
                                     from_addr=a.from_addr, from_name=a.from_name or "",
                                     user=a.user or "", reply_to=a.reply_to or "",
                                     unsubscribe_url=a.unsubscribe_url or "")
    with ctx.db.read() as s:
        old = settings_mod.load(s).smtp
    if a.no_ca_file:
        smtp = smtp.with_ca_file(None)
    elif a.ca_file is not None:
        if not a.ca_file.strip():
            raise CliError("--ca-file: give the path of a CA file, or --no-ca-file to stop "
                           "trusting one")
        smtp = smtp.with_ca_file(a.ca_file)  # SettingsError naming the file: nothing saved
    elif old is not None and old.ca_pem:  # keep the CA the operator chose before
        from dataclasses import replace

        smtp = replace(smtp, ca_file=old.ca_file, ca_pem=old.ca_pem)
    smtp.validate()
    password = None
    if a.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin: no password on standard input")
    if password is not None:  # before the save, so an engine that re-plans finds it
        if not ctx.secrets.keychain_available():
            print("warning: no OS keychain is available, so the password was not stored; "
                  "set MAILER_GUI_SMTP_PASSWORD when you run `run` or `test-send`",
                  file=sys.stderr)
        else:
            ctx.secrets.set_password(smtp.keyring_account, password)
    with ctx.db.write() as s:
        # Saving the account is the operator's word that it is fixed (a password
        # may have changed in the keychain or the environment): try it again.
        counts = settings_mod.save_and_replan(s, ctx.clock.now(), smtp=smtp,
                                              recheck_smtp=True)
    print(f"SMTP settings saved: {smtp.host}:{smtp.port} ({smtp.security})")
    for cert in smtp.ca_certs:
        print(f"trusting {cert.subject or 'a certificate'} from {smtp.ca_file} "
              f"(SHA-256 {cert.sha256})")
    _print_replan(counts)
    return 0


def _smtp_json(smtp: settings_mod.SmtpSettings | None) -> dict[str, Any] | None:
    """The SMTP settings for ``config show``: the CA file as path and certificates."""
    if smtp is None:
        return None
    from dataclasses import asdict

    out = asdict(smtp)
    del out["ca_pem"]
    out["ca_certificates"] = [{"subject": c.subject, "sha256": c.sha256,
                               "not_after": c.not_after} for c in smtp.ca_certs]
    return out


def _print_replan(counts: dict[str, int]) -> None:
    """What a settings save did to the waiting queue entries (queue.replan)."""
    released, held = counts.get("released", 0), counts.get("held", 0)
    if released:
        print(f"{released} waiting queue entr{'y' if released == 1 else 'ies'} can send now; "
              "a running app sends within 30 seconds, else start `run`")
    if held:
        print(f"{held} waiting queue entr{'y' if held == 1 else 'ies'} still "
              f"wait{'s' if held == 1 else ''} (reason and time recomputed; see `status`)")


def cmd_config_limits(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        cur = settings_mod.load(s).limits
        changes: dict[str, Any] = {}
        if a.hourly is not None:
            changes["hourly"] = a.hourly
        if a.monthly is not None:
            changes["monthly"] = a.monthly
        if a.timezone is not None:
            changes["timezone"] = a.timezone
        if a.hours is not None:
            start, sep, end = a.hours.partition("-")
            if not sep:
                raise SettingsError("hours", f"{a.hours!r}: use HH:MM-HH:MM, e.g. 09:00-18:00")
            changes["start"], changes["end"] = start.strip(), end.strip()
        if a.days is not None:
            changes["days"] = settings_mod.parse_days(a.days)
        if a.windows is not None and (a.hours is not None or a.days is not None):
            raise SettingsError("windows", "give either --windows or --hours/--days, not both")
        if a.hours is not None or a.days is not None:
            changes["windows"] = ()  # one window on those days, as before
        from dataclasses import replace

        new = replace(cur, **changes)
        days_off = None
        if a.clear_days_off or a.day_off:
            days_off = (() if a.clear_days_off else new.days_off) + tuple(a.day_off or ())
        new = new.with_calendar(
            windows=calendar.parse_week(a.windows) if a.windows is not None else None,
            days_off=days_off,
            holidays="" if a.no_holidays else a.holidays)
        counts = settings_mod.save_and_replan(s, ctx.clock.now(), limits=new)
    if new.windows:
        hours = calendar.format_week(new.week)
    else:
        hours = f"{new.start}-{new.end} {','.join(new.days)}"
    print(f"limits: {new.hourly}/hour, {new.monthly}/month, {hours} ({new.timezone})")
    if new.days_off:
        print(f"days off: {', '.join(new.days_off)}")
    if new.holidays:
        print(f"public holidays of {new.holidays} are days off")
    _print_replan(counts)
    return 0


def _calendar_json(limits: settings_mod.LimitSettings) -> dict[str, Any]:
    """The sending calendar for ``config show``: each weekday's windows (either
    stored form), days off and the holiday country."""
    return {"week": calendar.format_week(limits.week),
            "windows": {d: [w.text for w in ws]
                        for d, ws in zip(settings_mod.DAY_NAMES, limits.week, strict=True)},
            "days_off": list(limits.days_off), "holidays": limits.holidays or None,
            "timezone": limits.timezone}


def cmd_config_quota_sync(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        counts = settings_mod.save_and_replan(s, ctx.clock.now(), quota_used=a.used)
    print(f"provider usage this month recorded: {a.used}")
    _print_replan(counts)
    return 0


def cmd_config_show(ctx: AppContext, a: argparse.Namespace) -> int:
    from dataclasses import asdict

    with ctx.db.read() as s:
        st = settings_mod.load(s)
    out = {"data_dir": str(ctx.data_dir),
           "smtp": _smtp_json(st.smtp),
           "limits": {**asdict(st.limits), "windows": list(st.limits.windows),
                      "days_off": list(st.limits.days_off)},
           "calendar": _calendar_json(st.limits),
           "quota": None if st.quota is None else {"used": st.quota.used,
                                                    "synced_at": st.quota.synced_at.isoformat()},
           "keychain_available": ctx.secrets.keychain_available()}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


# ----------------------------------------------------------------- campaign


def cmd_campaign_create(ctx: AppContext, a: argparse.Namespace) -> int:
    html = _read_text(a.html_file, "--html-file")
    text = _read_text(a.text_file, "--text-file") if a.text_file else None
    with ctx.db.write() as s:
        c = campaigns.create(s, a.name, a.subject, html, text, ctx.clock.now(),
                             reply_to=a.reply_to)
        cid = c.id
    print(cid)
    return 0


def read_recipient_csv(path: str) -> list[tuple[int, str, dict[str, str]]]:
    """A UTF-8 CSV with a header row and an ``email`` column, as (row, address,
    fields) rows; the addresses are checked where every recipient is
    (``contacts.add_recipients``), and the fields named as an import names them."""
    text = _read_text(path, "recipients file")
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
        if len(cells) > len(keys) and "".join(cells[len(keys):]).strip():
            raise CliError(f"{path}: row {i}: {len(cells)} cells but the header has "
                           f"{len(keys)} columns; put values that contain a comma in double "
                           "quotes")
        fields = {k: cells[j].strip() for j, k in enumerate(keys) if k is not None}
        rows.append((i, cells[col].strip(), fields))
    return rows


def cmd_campaign_add_recipients(ctx: AppContext, a: argparse.Namespace) -> int:
    rows = read_recipient_csv(a.file)
    with ctx.db.write() as s:
        counts = campaigns.add_recipients(s, a.id, rows)
    print(f"added {counts['added']}, duplicates skipped {counts['duplicate']}, "
          f"suppressed {counts['suppressed']}")
    return 0


def cmd_campaign_enqueue(ctx: AppContext, a: argparse.Namespace) -> int:
    start = _parse_time(a.start_at, "--start-at") if a.start_at else None
    status = queue.enqueue_checked(ctx.db, a.id, ctx.clock.now(), start_at=start,
                                   priority=a.priority)
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
        print(f"campaign {a.id} resumed (was {was[1]}): it sends at the engine's next step; "
              "a running app sends within 30 seconds, else start `run`")
    else:
        why = f"{reason}" + (f" ({detail})" if detail else "")
        hint = {"scheduled": "its start time is the one it was queued with",
                "outside_hours": "widen the working hours with `config limits` to send sooner",
                "hourly_limit": "raise the limit with `config limits` to send sooner",
                "monthly_quota": "raise the quota with `config limits` to send sooner",
                }.get(reason or "", "")
        print(f"campaign {a.id} resumed (was {was[1]}) but still waits: {why}"
              + (f" until {when}" if when else "") + (f"; {hint}" if hint else ""))
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
        n = queue.resolve_uncertain(s, a.id, action, ctx.clock.now(),
                                    emails=a.email or None)
        left = len(queue.uncertain_recipients(s, a.id))
    print(f"{n} uncertain recipient(s) " + ("marked sent" if a.mark_sent else "re-queued")
          + (f"; {left} still uncertain" if left else ""))
    return 0


def cmd_campaign_list(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        rows = [(c.id, c.name) for c in campaigns.list_campaigns(s)]
    for cid, name in rows:
        print(f"{cid}\t{name}")
    return 0


# ----------------------------------------------------------------- sending


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
        from mailer_gui.core.store.models import QueueEntry, Recipient

        entry_row = s.get(QueueEntry, entry_id)
        r = s.query(Recipient).filter(Recipient.test_entry_id == entry_id).one()
        assert entry_row is not None
        if r.status == "sent":
            print(f"sent to {r.email}: {r.reply or ''}".rstrip())
            return 0
        if r.status == "failed":
            print(f"failed: {r.reply}")
            return 1
        zone = settings_mod.load(s).limits.timezone
        when = (_time_text(entry_row.next_run_at, zone) if entry_row.next_run_at
                else "operator action")
        print(f"waiting: {entry_row.reason_code} ({entry_row.reason_detail or ''}); "
              f"next try: {when}")
        return 0


def cmd_run(ctx: AppContext, a: argparse.Namespace) -> int:
    engine = Engine(ctx, label="cli run")
    try:
        fixed = engine.acquire()
    except LeaseHeldError as exc:
        raise CliError(str(exc)) from None
    if fixed["uncertain"]:
        print(f"{fixed['uncertain']} recipient(s) from an interrupted run are now uncertain; "
              "see `campaign resolve-uncertain`", file=sys.stderr)

    def on_signal(signum: int, frame: Any) -> None:
        engine.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sent = 0
    try:
        if a.until_idle:
            results = engine.run_until_idle()
            sent = sum(1 for r in results if r.outcome is not None and r.outcome.kind == "sent")
        else:
            engine.run_forever()
    finally:
        engine.release()
    if a.until_idle:
        print(f"idle: {sent} message(s) sent in this run")
        for line in _waiting_lines(ctx):
            print(line)
        log.info("run --until-idle: %d message(s) sent", sent)
    return 0


# What each wait means, for the operator (the codes stay in `status --json`).
_REASON_WORDS = {
    "outside_hours": "outside working hours",
    "hourly_limit": "hourly limit reached",
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


def _waiting_lines(ctx: AppContext) -> list[str]:
    """One line per entry left waiting: why, and until when."""
    with ctx.db.read() as s:
        snap = snapshot.build(s, ctx.clock.now())
        zone = settings_mod.load(s).limits.timezone
    lines = []
    for e in snap.entries:
        if e.position is None or e.status not in ("queued", "deferred", "paused"):
            continue
        what = f"#{e.campaign_id} {e.name}" + (" (test send)" if e.kind == "test" else "")
        words = _REASON_WORDS.get(e.reason_code or "", e.reason_code or e.status)
        detail = (e.reason_detail or "").strip()
        why = detail if detail.lower().startswith(words.lower()) else \
            f"{words} ({detail})" if detail else words
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
        print(json.dumps(snap.to_json(), ensure_ascii=False, indent=2))
        return 0
    b = snap.budget
    print(f"This hour {b.hourly_used}/{b.hourly_limit} · Month {b.monthly_used}/"
          f"{b.monthly_limit}" + (f" · next slot {_time_text(b.next_slot_at, snap.timezone)}"
                                  if b.next_slot_at else ""))
    if not snap.smtp_configured:
        print("SMTP is not configured: run `config smtp`")
    if snap.active_campaign:
        print(f"sending: {snap.active_campaign[1]} (#{snap.active_campaign[0]})")
    for e in snap.entries:
        c = e.counts
        when = _time_text(e.next_run_at, snap.timezone)
        print(f"{e.position or '-':>3} #{e.campaign_id} {e.name} [{e.kind}] {e.status} "
              f"{e.reason_code or ''} {when} sent {c.get('sent', 0)}/{e.total} "
              f"failed {c.get('failed', 0)} uncertain {c.get('uncertain', 0)}".rstrip())
    return 0


# ----------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with one line
        self.exit(2, f"{self.prog}: usage error: {message} (see --help)\n")


def _register_core(sub: Any) -> None:
    cfg = sub.add_parser("config", help="settings").add_subparsers(dest="sub", required=True)
    p = cfg.add_parser("smtp", help="the SMTP account")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--security", choices=settings_mod.SECURITY_MODES, required=True)
    p.add_argument("--from-addr", required=True)
    p.add_argument("--from-name")
    p.add_argument("--user")
    p.add_argument("--reply-to")
    p.add_argument("--unsubscribe-url")
    p.add_argument("--password-stdin", action="store_true")
    ca = p.add_mutually_exclusive_group()
    ca.add_argument("--ca-file", metavar="FILE",
                    help="also trust this CA (or server certificate) file, PEM; its content "
                         "is stored, and kept until changed or --no-ca-file")
    ca.add_argument("--no-ca-file", action="store_true",
                    help="stop trusting the CA file chosen before")
    p.set_defaults(func=cmd_config_smtp)
    p = cfg.add_parser("limits", help="hourly/monthly limits and working hours")
    p.add_argument("--hourly", type=int)
    p.add_argument("--monthly", type=int)
    p.add_argument("--timezone")
    p.add_argument("--hours", help="HH:MM-HH:MM (00:00-24:00 = all day)")
    p.add_argument("--days", help="e.g. mon,tue,wed,thu,fri or mon-fri")
    p.add_argument("--windows", metavar="SPEC",
                   help="sending windows per weekday, e.g. \"mon-fri 09:00-13:00,14:00-18:00; "
                        "sat 10:00-12:00\"; days not named are closed; an end before the "
                        "start crosses midnight (22:00-02:00)")
    p.add_argument("--day-off", action="append", metavar="YYYY-MM-DD",
                   help="a date on which nothing is sent (repeat for more)")
    p.add_argument("--clear-days-off", action="store_true",
                   help="forget the days off given before (with --day-off: replace them)")
    hol = p.add_mutually_exclusive_group()
    hol.add_argument("--holidays", metavar="CC[-SUBDIV]",
                     help="also keep the public holidays of this country as days off, "
                          "e.g. RU, DE-BY, US-CA")
    hol.add_argument("--no-holidays", action="store_true",
                     help="stop keeping public holidays")
    p.set_defaults(func=cmd_config_limits)
    p = cfg.add_parser("quota-sync", help="usage this month as the provider reports it")
    p.add_argument("--used", type=int, required=True)
    p.set_defaults(func=cmd_config_quota_sync)
    cfg.add_parser("show", help="print the settings (no password)").set_defaults(
        func=cmd_config_show)

    camp = sub.add_parser("campaign", help="campaigns").add_subparsers(dest="sub", required=True)
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
    for name, action, done in (("pause", queue.pause, "paused"),
                               ("cancel", queue.cancel, "cancelled")):
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
    p = camp.add_parser("resolve-uncertain",
                        help="decide on recipients that may have got the message")
    p.add_argument("id", type=int)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--mark-sent", action="store_true", help="never send them again")
    g.add_argument("--requeue", action="store_true", help="send them again (same Message-ID)")
    g.add_argument("--list", action="store_true",
                   help="list them: address, when claimed, attempts, the server's last words")
    p.add_argument("--email", action="append", metavar="ADDR",
                   help="only this recipient (repeat for more); default: all uncertain ones")
    p.set_defaults(func=cmd_campaign_resolve)
    camp.add_parser("list").set_defaults(func=cmd_campaign_list)

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mailer-gui", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data folder (default: MAILER_GUI_HOME or the "
                        "platform's user data folder)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _register_core(sub)
    import importlib

    for name in EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None, *, allow_reserved_domains: bool = False) -> int:
    """``allow_reserved_domains`` is for the test harness only (its SMTP server is
    local, like the demo's); the command line has no way to set it."""
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir) if args.data_dir else None
    try:
        ctx = open_context(data_dir, allow_reserved_domains=allow_reserved_domains)
    except Exception as exc:  # unreadable folder, not a Mailer database...
        print(f"mailer-gui: error: cannot open the data folder: {exc}", file=sys.stderr)
        return 1
    logged = _start_log(data_dir)
    command = " ".join(str(w) for w in (args.command, getattr(args, "sub", None)) if w)
    log.info("mailer-gui %s (data folder %s, pid %d)", command, ctx.data_dir, os.getpid())
    try:
        code = int(args.func(ctx, args))
        log.info("mailer-gui %s: exit %d", command, code)
        return code
    except (MailerError, ValueError) as exc:
        print(f"mailer-gui: error: {exc}", file=sys.stderr)
        log.warning("mailer-gui %s: error: %s", command, exc)
        return 1
    except Exception:
        log.exception("mailer-gui %s: failed", command)
        raise
    finally:
        ctx.close()
        if logged:
            from mailer_gui.logsetup import stop_logging

            stop_logging()


def _start_log(data_dir: Path | None) -> bool:
    """Log to ``logs/`` in the data folder (README's table), redacted."""
    from mailer_gui.logsetup import setup_logging

    try:
        setup_logging(default_log_dir(data_dir))
    except OSError as exc:
        print(f"mailer-gui: warning: no log file ({exc})", file=sys.stderr)
        return False
    return True
