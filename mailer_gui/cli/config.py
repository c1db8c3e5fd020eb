"""``config``: the SMTP account, the limits and working hours, the provider's
count this month, and ``config show``. Every save re-plans the waiting queue
entries in the same transaction (``sending.replan``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mailer_gui.cli import mailbox, presets, signin
from mailer_gui.cli.common import CliError, UsageError
from mailer_gui.core.config import oauth
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import ENV_DATABASE_URL, AppContext, store_database_password
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.sending import calendar, replan


def cmd_config_smtp(ctx: AppContext, a: argparse.Namespace) -> int:
    smtp, preset = presets.smtp_from_args(a)
    with ctx.db.read() as s:
        old = settings_mod.load(s).smtp
    smtp = _with_ca(smtp, a, old)
    if a.signin is None and preset is None and old is not None:  # keep the sign-in chosen before
        from dataclasses import replace

        smtp = replace(smtp, signin=old.signin)
    smtp.validate()
    _store_password(ctx, a, smtp)
    with ctx.db.write() as s:
        # Saving the account is the operator's word that it is fixed (a password
        # may have changed in the keychain or the environment): try it again.
        limits = None
        if preset is not None:
            limits = presets.with_preset_limits(settings_mod.load(s).limits, preset)
        counts = replan.save_and_replan(
            s, ctx.clock.now(), smtp=smtp, limits=limits, recheck_smtp=True
        )
    print(f"SMTP settings saved: {smtp.host}:{smtp.port} ({smtp.security})")
    if limits is not None and preset is not None:
        print(f"limits of the {preset.name} preset (documented, checked {preset.checked}):")
        _print_limits(limits)
    if not smtp.uses_password and not ctx.oauth.state(smtp.signin, oauth.login_of(smtp)).signed_in:
        print(f"next: sign in with `config signin --provider {smtp.signin}`")
    for cert in smtp.ca_certs:
        print(
            f"trusting {cert.subject or 'a certificate'} from {smtp.ca_file} "
            f"(SHA-256 {cert.sha256})"
        )
    _print_replan(counts)
    return 0


def _with_ca(
    smtp: settings_mod.SmtpSettings, a: argparse.Namespace, old: settings_mod.SmtpSettings | None
) -> settings_mod.SmtpSettings:
    """The CA file as asked: --no-ca-file, a new --ca-file, or the one kept from before."""
    if a.no_ca_file:
        smtp = smtp.with_ca_file(None)
    elif a.ca_file is not None:
        if not a.ca_file.strip():
            raise CliError(
                "--ca-file: give the path of a CA file, or --no-ca-file to stop trusting one"
            )
        smtp = smtp.with_ca_file(a.ca_file)  # SettingsError naming the file: nothing saved
    elif old is not None and old.ca_pem:  # keep the CA the operator chose before
        from dataclasses import replace

        smtp = replace(smtp, ca_file=old.ca_file, ca_pem=old.ca_pem)
    return smtp


def _store_password(
    ctx: AppContext, a: argparse.Namespace, smtp: settings_mod.SmtpSettings
) -> None:
    """--password-stdin: into the OS keychain (a warning if there is none)."""
    password = None
    if a.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin: no password on standard input")
    if password is not None:  # before the save, so an engine that re-plans finds it
        if not ctx.secrets.keychain_available():
            print(
                "warning: no OS keychain is available, so the password was not stored; "
                "set MAILER_GUI_SMTP_PASSWORD when you run `run` or `test-send`",
                file=sys.stderr,
            )
        else:
            ctx.secrets.set_password(smtp.keyring_account, password)


def _smtp_json(smtp: settings_mod.SmtpSettings | None) -> dict[str, Any] | None:
    """The SMTP settings for ``config show``: the CA file as path and certificates."""
    if smtp is None:
        return None
    from dataclasses import asdict

    out = asdict(smtp)
    del out["ca_pem"]
    out["ca_certificates"] = [
        {"subject": c.subject, "sha256": c.sha256, "not_after": c.not_after} for c in smtp.ca_certs
    ]
    return out


def _print_replan(counts: dict[str, int]) -> None:
    """What a settings save did to the waiting queue entries (queue.replan)."""
    released, held = counts.get("released", 0), counts.get("held", 0)
    if released:
        print(
            f"{released} waiting queue entr{'y' if released == 1 else 'ies'} can send now; "
            "a running app sends within 30 seconds, else start `run`"
        )
    if held:
        print(
            f"{held} waiting queue entr{'y' if held == 1 else 'ies'} still "
            f"wait{'s' if held == 1 else ''} (reason and time recomputed; see `status`)"
        )


def _count(text: str) -> int:
    """A limit on the command line: a whole number, 0 or more (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


def cmd_config_limits(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        new = _new_limits(settings_mod.load(s).limits, a)
        counts = replan.save_and_replan(s, ctx.clock.now(), limits=new)
    _print_limits(new)
    _print_replan(counts)
    return 0


def _limit_changes(a: argparse.Namespace) -> dict[str, Any]:
    """The plain fields ``config limits`` was given (the calendar aside)."""
    changes: dict[str, Any] = {
        name: getattr(a, name)
        for name in ("per_minute", "hourly", "daily", "monthly", "timezone")
        if getattr(a, name) is not None
    }
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
    return changes


def _new_limits(
    cur: settings_mod.LimitSettings, a: argparse.Namespace
) -> settings_mod.LimitSettings:
    from dataclasses import replace

    new = replace(cur, **_limit_changes(a))
    days_off = None
    if a.clear_days_off or a.day_off:
        days_off = (() if a.clear_days_off else new.days_off) + tuple(a.day_off or ())
    return new.with_calendar(
        windows=calendar.parse_week(a.windows) if a.windows is not None else None,
        days_off=days_off,
        holidays="" if a.no_holidays else a.holidays,
    )


def _print_limits(new: settings_mod.LimitSettings) -> None:
    if new.windows:
        hours = calendar.format_week(new.week)
    else:
        hours = f"{new.start}-{new.end} {','.join(new.days)}"
    rules = [f"{new.per_minute}/minute"] if new.per_minute else []
    rules.append(f"{new.hourly}/hour")
    rules += [f"{new.daily}/day"] if new.daily else []
    rules.append(f"{new.monthly}/month")
    print(f"limits: {', '.join(rules)}, {hours} ({new.timezone})")
    if new.days_off:
        print(f"days off: {', '.join(new.days_off)}")
    if new.holidays:
        print(f"public holidays of {new.holidays} are days off")


def _calendar_json(limits: settings_mod.LimitSettings) -> dict[str, Any]:
    """The sending calendar for ``config show``: each weekday's windows (either
    stored form), days off and the holiday country."""
    return {
        "week": calendar.format_week(limits.week),
        "windows": {
            d: [w.text for w in ws]
            for d, ws in zip(settings_mod.DAY_NAMES, limits.week, strict=True)
        },
        "days_off": list(limits.days_off),
        "holidays": limits.holidays or None,
        "timezone": limits.timezone,
    }


def _gap(text: str) -> float:
    """``--min-gap S``: seconds, more than 0 (argparse type: a usage error)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= settings_mod.MAX_MIN_GAP:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"{text}: give more than 0 and at most {settings_mod.MAX_MIN_GAP:.0f} seconds"
        )
    return value


def cmd_config_pacing(ctx: AppContext, a: argparse.Namespace) -> int:
    from dataclasses import replace

    from mailer_gui.core.sending import pacing

    mode = "spread" if a.spread else "min_gap" if a.min_gap is not None else "off"
    with ctx.db.write() as s:
        cur = settings_mod.load(s).limits
        new = replace(cur, pacing=mode, min_gap=a.min_gap if a.min_gap is not None else 0.0)
        counts = replan.save_and_replan(s, ctx.clock.now(), limits=new)
    gap = pacing.gap(new)
    if gap is None:
        print("pacing: off (messages go as fast as the limits allow)")
    else:
        how = "spread evenly" if mode == "spread" else "minimum gap"
        print(f"pacing: {how}, at most one message every {gap.total_seconds():g} s")
    _print_replan(counts)
    return 0


def cmd_config_quota_sync(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        counts = replan.save_and_replan(s, ctx.clock.now(), quota_used=a.used)
    print(f"provider usage this month recorded: {a.used}")
    _print_replan(counts)
    return 0


def cmd_config_show(ctx: AppContext, a: argparse.Namespace) -> int:
    from dataclasses import asdict

    with ctx.db.read() as s:
        st = settings_mod.load(s)
    out = {
        "data_dir": str(ctx.data_dir),
        "smtp": _smtp_json(st.smtp),
        "limits": {
            **asdict(st.limits),
            "windows": list(st.limits.windows),
            "days_off": list(st.limits.days_off),
        },
        "calendar": _calendar_json(st.limits),
        "quota": None
        if st.quota is None
        else {"used": st.quota.used, "synced_at": st.quota.synced_at.isoformat()},
        "keychain_available": ctx.secrets.keychain_available(),
        **mailbox.settings_json(ctx),
        "signin": signin.grant_json(ctx, st.smtp),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_config_database_password(url: str | None, a: argparse.Namespace) -> int:
    """Store the team database's password in the OS keychain (runs before the
    database is opened: without the password it could not be)."""
    if not url:
        raise UsageError(f"give the database with --database-url URL or {ENV_DATABASE_URL}")
    if a.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("Database password: ")
    if not password:
        raise CliError("no password given; nothing stored")
    secrets = SecretStore()
    if not secrets.keychain_available():
        raise CliError(
            "no OS keychain is available, so the password was not stored; "
            "put it in ~/.pgpass (or PGPASSFILE) instead"
        )
    where, stored = store_database_password(secrets, url, password)
    if not stored:
        raise CliError("the OS keychain refused the password; put it in ~/.pgpass instead")
    print(f"database password stored in the OS keychain for {where}")
    return 0


def register(sub: Any) -> None:
    """Add the ``config`` group."""
    cfg = sub.add_parser("config", help="settings").add_subparsers(dest="sub", required=True)
    _register_smtp(cfg)
    _register_limits(cfg)
    _register_pacing(cfg)
    presets.register(cfg)
    mailbox.register_config(cfg)
    p = cfg.add_parser("quota-sync", help="usage this month as the provider reports it")
    p.add_argument("--used", type=int, required=True)
    p.set_defaults(func=cmd_config_quota_sync)
    cfg.add_parser("show", help="print the settings (no password)").set_defaults(
        func=cmd_config_show
    )
    p = cfg.add_parser(
        "database-password",
        help="store the team database's password (--database-url) in the OS keychain",
    )
    p.add_argument("--stdin", action="store_true", help="read it from standard input")
    p.set_defaults(func=cmd_config_database_password, without_database=True)
    signin.register(cfg)


def _register_pacing(cfg: Any) -> None:
    p = cfg.add_parser("pacing", help="space the messages evenly instead of in bursts")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--spread",
        action="store_true",
        help="at most one message per (window / limit) of the strictest rule "
        "(100 an hour: one every 36 s)",
    )
    mode.add_argument(
        "--min-gap", type=_gap, metavar="S", help="at least S seconds between two messages"
    )
    mode.add_argument("--off", action="store_true", help="no pacing: only the limits")
    p.set_defaults(func=cmd_config_pacing)


def _register_smtp(cfg: Any) -> None:
    p = cfg.add_parser("smtp", help="the SMTP account")
    p.add_argument(
        "--preset",
        metavar="NAME",
        help="fill host, port, security, sign-in and the limits from a provider "
        "preset (`config presets`); options given here win",
    )
    p.add_argument("--host", help="required unless --preset gives it")
    p.add_argument("--port", type=int, help="required unless --preset gives it")
    p.add_argument(
        "--security",
        choices=settings_mod.SECURITY_MODES,
        help="required unless --preset gives it",
    )
    p.add_argument("--from-addr", required=True)
    p.add_argument("--from-name")
    p.add_argument("--user")
    p.add_argument("--reply-to")
    p.add_argument("--unsubscribe-url")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument(
        "--signin",
        choices=settings_mod.SIGNIN_MODES,
        help="log in with a password, or with a Microsoft or Google sign-in "
        "(then `config signin`); default: as before, else password",
    )
    ca = p.add_mutually_exclusive_group()
    ca.add_argument(
        "--ca-file",
        metavar="FILE",
        help="also trust this CA (or server certificate) file, PEM; its content "
        "is stored, and kept until changed or --no-ca-file",
    )
    ca.add_argument(
        "--no-ca-file", action="store_true", help="stop trusting the CA file chosen before"
    )
    p.set_defaults(func=cmd_config_smtp)


def _register_limits(cfg: Any) -> None:
    p = cfg.add_parser("limits", help="limits per minute/hour/day/month and the calendar")
    p.add_argument(
        "--per-minute",
        type=_count,
        metavar="N",
        help="at most N a clock minute and any 60 seconds (0: no limit)",
    )
    p.add_argument(
        "--hourly", type=_count, metavar="N", help="at most N a clock hour and any 60 minutes"
    )
    p.add_argument(
        "--daily",
        type=_count,
        metavar="N",
        help="at most N a local day and any 24 hours (0: no limit)",
    )
    p.add_argument("--monthly", type=_count, metavar="N", help="at most N a calendar month")
    p.add_argument("--timezone")
    p.add_argument("--hours", help="HH:MM-HH:MM (00:00-24:00 = all day)")
    p.add_argument("--days", help="e.g. mon,tue,wed,thu,fri or mon-fri")
    p.add_argument(
        "--windows",
        metavar="SPEC",
        help='sending windows per weekday, e.g. "mon-fri 09:00-13:00,14:00-18:00; '
        'sat 10:00-12:00"; days not named are closed; an end before the '
        "start crosses midnight (22:00-02:00)",
    )
    p.add_argument(
        "--day-off",
        action="append",
        metavar="YYYY-MM-DD",
        help="a date on which nothing is sent (repeat for more)",
    )
    p.add_argument(
        "--clear-days-off",
        action="store_true",
        help="forget the days off given before (with --day-off: replace them)",
    )
    hol = p.add_mutually_exclusive_group()
    hol.add_argument(
        "--holidays",
        metavar="CC[-SUBDIV]",
        help="also keep the public holidays of this country as days off, e.g. RU, DE-BY, US-CA",
    )
    hol.add_argument("--no-holidays", action="store_true", help="stop keeping public holidays")
    p.set_defaults(func=cmd_config_limits)
