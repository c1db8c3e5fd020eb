"""``config imap``, ``config mailbox`` and ``inbox``: the mailbox loop from a terminal.

``inbox check`` processes the new messages once (bounces, unsubscribes,
complaints) and prints the counts; ``--json`` prints them as one object with
at least ``bounces``, ``soft_bounces``, ``unsubscribes``, ``complaints`` and
``ignored``. ``inbox status`` prints the last check.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

from mailer_gui.cli.common import CliError
from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.context import AppContext
from mailer_gui.core.mailbox import check


def cmd_config_imap(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        smtp = settings_mod.load(s).smtp
        old = imap_settings.load_imap(s)
    st = imap_settings.ImapSettings(
        host=a.host, port=a.port, security=a.security, user=a.user, folder=a.folder or "INBOX"
    )
    if a.ca_file:
        st = st.with_ca_file(a.ca_file)
    elif old is not None and old.ca_pem and not a.no_ca_file:
        st = replace(st, ca_file=old.ca_file, ca_pem=old.ca_pem)
    password = _read_password(a)
    st = replace(st, reuse_smtp=password is None and st.same_account_as(smtp))
    st.validate()
    if password is not None:
        if ctx.secrets.keychain_available():
            ctx.secrets.set_password(st.keyring_account, password)
        else:
            print(
                "warning: no OS keychain is available, so the password was not stored; "
                "set MAILER_GUI_IMAP_PASSWORD when you run `inbox check` or `run`",
                file=sys.stderr,
            )
    with ctx.db.write() as s:
        imap_settings.save_imap(s, st)
    print(f"IMAP settings saved: {st.user} at {st.host}:{st.port} ({st.security}), {st.folder}")
    if st.reuse_smtp:
        print("the SMTP account's password is used (same user)")
    return 0


def _read_password(a: argparse.Namespace) -> str | None:
    if not a.password_stdin:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("--password-stdin: no password on standard input")
    return password


def cmd_config_mailbox(ctx: AppContext, a: argparse.Namespace) -> int:
    changes: dict[str, Any] = {
        name: getattr(a, name)
        for name in ("check_minutes", "bounce_rate_percent", "bounce_rate_min_sent")
        if getattr(a, name) is not None
    }
    if a.auto_resolve_uncertain is not None:
        changes["auto_resolve_uncertain"] = a.auto_resolve_uncertain == "on"
    with ctx.db.write() as s:
        new = replace(imap_settings.load_mailbox(s), **changes)
        imap_settings.save_mailbox(s, new)
    print(
        f"mailbox: checked every {new.check_minutes} min; a campaign pauses at "
        f"{new.bounce_rate_percent:g} % hard bounces once {new.bounce_rate_min_sent} went out"
    )
    return 0


def cmd_inbox_check(ctx: AppContext, a: argparse.Namespace) -> int:
    result = check.check_once(ctx)
    if a.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    c = result.counts
    print(
        f"{result.messages} new message(s): {c['bounces']} hard bounce(s), "
        f"{c['soft_bounces']} soft bounce(s), {c['unsubscribes']} unsubscribe(s), "
        f"{c['complaints']} complaint(s), {c['ignored']} ignored, "
        f"{c['unreadable']} unreadable; {result.suppressed} address(es) suppressed"
    )
    for cid in result.paused:
        print(f"campaign {cid} paused: too many hard bounces (bounce_rate); see `status`")
    if result.uncertain_found:
        print(
            f"{result.uncertain_found} uncertain recipient(s) found in the Sent folder"
            + (
                f", {result.uncertain_marked_sent} marked sent"
                if result.uncertain_marked_sent
                else "; `campaign resolve-uncertain ID --list` shows them"
            )
        )
    for note in result.notes:
        print(f"note: {note}")
    if result.more:
        print("more new messages wait; run `inbox check` again")
    return 0


def cmd_inbox_status(ctx: AppContext, a: argparse.Namespace) -> int:
    last = check.last_check(ctx)
    if last is None:
        print(json.dumps({"checked_at": None}))
        return 0
    when = last["checked_at"]
    out = {**last, "checked_at": when.isoformat() if when else None}
    out["error"] = str(out["error"]) if out["error"] else None
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def settings_json(ctx: AppContext) -> dict[str, Any]:
    """``config show``'s ``imap`` (no password, the CA as its path) and ``mailbox``."""
    from dataclasses import asdict

    with ctx.db.read() as s:
        st = imap_settings.load_imap(s)
        ms = imap_settings.load_mailbox(s)
    imap_out = None
    if st is not None:
        imap_out = {k: v for k, v in asdict(st).items() if k != "ca_pem"}
    return {"imap": imap_out, "mailbox": asdict(ms)}


def register_config(cfg: Any) -> None:
    """Add ``config imap`` and ``config mailbox`` to the ``config`` group."""
    p = cfg.add_parser("imap", help="the mailbox (IMAP) that bounces and unsubscribes reach")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--security", choices=settings_mod.SECURITY_MODES, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--folder", help="the folder to read (default INBOX)")
    ca = p.add_mutually_exclusive_group()
    ca.add_argument("--ca-file", metavar="FILE", help="also trust this CA file (PEM)")
    ca.add_argument("--no-ca-file", action="store_true", help="stop trusting the CA file")
    p.set_defaults(func=cmd_config_imap)
    m = cfg.add_parser("mailbox", help="how often the mailbox is checked; the bounce-rate guard")
    m.add_argument("--check-minutes", type=int, metavar="N")
    m.add_argument("--bounce-rate-percent", type=float, metavar="PCT")
    m.add_argument("--bounce-rate-min-sent", type=int, metavar="N")
    m.add_argument("--auto-resolve-uncertain", choices=("on", "off"))
    m.set_defaults(func=cmd_config_mailbox)


def register(sub: Any) -> None:
    """Add the ``inbox`` group."""
    inbox = sub.add_parser("inbox", help="the mailbox: bounces, unsubscribes, complaints")
    grp = inbox.add_subparsers(dest="sub", required=True)
    p = grp.add_parser("check", help="process new messages once")
    p.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    p.set_defaults(func=cmd_inbox_check)
    grp.add_parser("status", help="the last mailbox check").set_defaults(func=cmd_inbox_status)
