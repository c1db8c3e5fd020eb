"""CLI commands for content: import recipients, preview, preflight, attach, and
the suppression list. Registered by ``cli.build_parser`` (see ``cli.EXTENSIONS``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mailer_gui.core import timefmt
from mailer_gui.core.audience import contacts, suppression
from mailer_gui.core.audience.recipients import recipient_at
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import attachments, compose, preflight
from mailer_gui.core.context import AppContext
from mailer_gui.core.errors import MailerError
from mailer_gui.core.store.queries import recipient_counts

_DELIMITERS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
_SHOW_REJECTS = 10


class ContentCliError(MailerError):
    """A one-line error for the operator."""


def parse_map(text: str) -> dict[str, str]:
    """``email=E-mail,first_name=Имя`` -> {"email": "E-mail", "first_name": "Имя"}."""
    out: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        name, sep, column = part.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise argparse.ArgumentTypeError(f"{part!r}: use FIELD=COLUMN, e.g. email=E-mail")
        out[name.strip()] = column.strip()
    if "email" not in out:
        raise argparse.ArgumentTypeError("the mapping must name the email column: email=COLUMN")
    return out


def _delimiter(text: str) -> str:
    value = _DELIMITERS.get(text.lower(), text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"{text!r}: use one character, e.g. ';' ',' or tab")
    return value


def cmd_import(ctx: AppContext, a: argparse.Namespace) -> int:
    opts = contacts.ImportOptions(
        encoding=a.encoding, delimiter=a.delimiter, mapping=a.map, sheet=a.sheet
    )
    result = contacts.import_file(ctx.db, a.id, a.file, opts)
    ctx.emit("queue")
    print(
        f"imported {result.imported}, invalid {result.invalid}, duplicate {result.duplicate}, "
        f"suppressed {result.suppressed}"
    )
    if a.rejects_out:
        result.write_rejects_csv(a.rejects_out)
        print(f"rejected rows written to {a.rejects_out}")
    elif result.rejects:
        for r in result.rejects[:_SHOW_REJECTS]:
            print(f"row {r.row}: {r.value!r}: {r.reason}", file=sys.stderr)
        more = len(result.rejects) - _SHOW_REJECTS
        if more > 0:
            print(f"... and {more} more; use --rejects-out FILE to get them all", file=sys.stderr)
    return 0


def cmd_preview(ctx: AppContext, a: argparse.Namespace) -> int:
    now = ctx.clock.now()
    with ctx.db.read() as s:
        content = preflight.campaign_content(s, a.id)
        smtp = settings_mod.load(s).smtp or preflight.PLACEHOLDER_SMTP
        found = recipient_at(s, a.id, a.row)
        if found is None:
            raise ContentCliError(
                f"campaign {a.id} has no recipient number {a.row}; import "
                "recipients or choose a smaller --row"
            )
        email, fields = found[0], found[1]
    msg = compose.build_message(
        content,
        smtp,
        email,
        fields,
        compose.new_message_id(smtp.from_addr),
        now,
        unsub_key=ctx.secrets.unsubscribe_key(ctx.data_dir),
    )
    for name, value in msg.items():
        print(f"{name}: {value}")
    print()
    body = msg.get_body(("plain",))
    print(body.get_content() if body is not None else "")
    for part in msg.iter_attachments():
        print(f"[attachment: {part.get_filename()} ({part.get_content_type()})]")
    return 0


def cmd_preflight(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        errors = preflight.preflight(s, a.id, limit=a.limit)
        pending = recipient_counts(s, a.id)["pending"]
    if not errors:
        print(f"ok: the message renders for all {pending} pending recipient(s)")
        return 0
    for e in errors:
        print(str(e))
    print(
        f"{len(errors)} problem(s)"
        + (" (limit reached)" if len(errors) == a.limit else "")
        + "; fix the template or the recipients' data, then run preflight again",
        file=sys.stderr,
    )
    return 1


def cmd_attach(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        att = attachments.attach_file(
            s, a.id, a.file, confirm_sent=a.confirm_sent, now=ctx.clock.now()
        )
        name, mime, size = att.filename, att.mime_type, len(att.content)
    print(f"attached {name} ({mime}, {size} bytes)")
    return 0


def cmd_supp_add(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        new = suppression.add(s, a.email, a.reason, ctx.clock.now(), detail=a.note)
    print(("suppressed " if new else "already suppressed: ") + a.email.strip())
    return 0


def cmd_supp_remove(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        removed = suppression.remove(s, a.email)
    if not removed:
        raise ContentCliError(f"{a.email.strip()} is not on the suppression list")
    print(f"removed {a.email.strip()} from the suppression list")
    return 0


def cmd_supp_list(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        rows = [
            (e.email_norm, e.reason, e.added_at, e.detail or "") for e in suppression.list_all(s)
        ]
        zone = settings_mod.load(s).limits.timezone
    if a.json:
        print(
            json.dumps(
                [
                    dict(
                        zip(
                            ("email", "reason", "added_at", "detail"),
                            (email, reason, added.isoformat(), detail),
                            strict=True,
                        )
                    )
                    for email, reason, added, detail in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for email, reason, added, detail in rows:
        when = timefmt.local_time(added, zone, timefmt.FULL_FORMAT)
        print(f"{email}\t{reason}\t{when}\t{detail}".rstrip())
    return 0


def cmd_supp_import(ctx: AppContext, a: argparse.Namespace) -> int:
    n = suppression.import_file(ctx.db, a.file, ctx.clock.now())
    print(f"{n} address(es) added to the suppression list")
    return 0


def _campaign_group(sub: Any) -> Any:
    """The subparsers action of the ``campaign`` group made by cli._register_core."""
    return sub.choices["campaign"]._subparsers._group_actions[0]


def register(sub: Any) -> None:
    _register_campaign(sub)
    _register_suppression(sub)


def _register_campaign(sub: Any) -> None:
    """``campaign import``, ``preview``, ``preflight`` and ``attach``."""
    camp = _campaign_group(sub)
    p = camp.add_parser("import", help="import recipients from a CSV or XLSX file")
    p.add_argument("id", type=int)
    p.add_argument("file")
    p.add_argument(
        "--map",
        type=parse_map,
        help="FIELD=COLUMN,...; e.g. email=E-mail,"
        "first_name=Имя (guessed from the header row when not given)",
    )
    p.add_argument("--encoding", help="utf-8, utf-8-sig, utf-16, cp1251 (detected if not given)")
    p.add_argument("--delimiter", type=_delimiter, help="',' ';' or tab (detected if not given)")
    p.add_argument("--sheet", help="the sheet of an .xlsx file (the first if not given)")
    p.add_argument("--rejects-out", help="write the rejected rows to this CSV file")
    p.set_defaults(func=cmd_import)
    p = camp.add_parser("preview", help="the rendered message for one recipient")
    p.add_argument("id", type=int)
    p.add_argument("--row", type=int, default=1, help="the N-th recipient (1-based)")
    p.set_defaults(func=cmd_preview)
    p = camp.add_parser("preflight", help="render every pending recipient; list failures")
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_preflight)
    p = camp.add_parser("attach", help="attach a file to the campaign")
    p.add_argument("id", type=int)
    p.add_argument("file")
    p.add_argument(
        "--confirm-sent",
        action="store_true",
        help="change a campaign some recipients already received (they keep "
        "the earlier version; the report names the version each got)",
    )
    p.set_defaults(func=cmd_attach)


def _register_suppression(sub: Any) -> None:
    group = sub.add_parser("suppression", help="addresses never to mail")
    supp = group.add_subparsers(dest="sub", required=True)
    p = supp.add_parser("add")
    p.add_argument("email")
    p.add_argument("--reason", default="manual", choices=suppression.REASONS)
    p.add_argument("--note")
    p.set_defaults(func=cmd_supp_add)
    p = supp.add_parser("remove")
    p.add_argument("email")
    p.set_defaults(func=cmd_supp_remove)
    p = supp.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_supp_list)
    p = supp.add_parser("import", help="add every address of a file (list or CSV/XLSX)")
    p.add_argument("file")
    p.set_defaults(func=cmd_supp_import)
