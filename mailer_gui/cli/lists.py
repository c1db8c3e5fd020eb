"""``list`` (contact lists), ``contact`` (history, forget) and the audience
commands of ``campaign``: ``audience``, ``duplicate``, ``repeat``.

The contract (issue 13): ``list create --name N`` and ``campaign duplicate ID``
print the new id alone on stdout; ``list show --json`` gives an object with
``contacts``, each with ``email`` and ``fields``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from mailer_gui.cli.content import _campaign_group, _delimiter, parse_map
from mailer_gui.core.audience import audiences, forget, history, list_export, lists
from mailer_gui.core.audience.contacts import ImportOptions
from mailer_gui.core.content.duplicate import duplicate
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import repeats

_SHOW_REJECTS = 10


def _iso(dt: Any) -> str | None:
    return None if dt is None else dt.isoformat()


def cmd_list_create(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        list_id = lists.create_list(s, a.name, ctx.clock.now())
    print(list_id)
    return 0


def cmd_list_import(ctx: AppContext, a: argparse.Namespace) -> int:
    opts = ImportOptions(encoding=a.encoding, delimiter=a.delimiter, mapping=a.map, sheet=a.sheet)
    r = lists.import_file(ctx.db, a.list_id, a.file, ctx.clock.now(), opts, update=a.update)
    print(
        f"on the list {r.imported} (new {r.new}, "
        + (f"updated {r.updated}" if a.update else f"kept as they were {r.kept}")
        + f", already on it {r.already}), invalid {r.invalid}, duplicate {r.duplicate}, "
        f"blocked {r.suppressed}"
    )
    if a.rejects_out:
        r.write_rejects_csv(a.rejects_out)
        print(f"rejected rows written to {a.rejects_out}")
    else:
        for rej in r.rejects[:_SHOW_REJECTS]:
            print(f"row {rej.row}: {rej.value!r}: {rej.reason}", file=sys.stderr)
        if len(r.rejects) > _SHOW_REJECTS:
            print(
                f"... and {len(r.rejects) - _SHOW_REJECTS} more; use --rejects-out FILE",
                file=sys.stderr,
            )
    sys.stdout.flush()
    lists.index_new_contacts(ctx.db)  # the search index, after the import's transaction
    return 0


def cmd_list_ls(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        rows = lists.list_lists(s)
    if a.json:
        out = [
            {"id": r.id, "name": r.name, "contacts": r.contacts, "created_at": _iso(r.created_at)}
            for r in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r.id}\t{r.name}\t{r.contacts} contact(s)")
    return 0


def _contact(c: lists.ContactRow) -> dict[str, Any]:
    return {
        "id": c.id,
        "email": c.email,
        "fields": c.fields,
        "source": c.source,
        "created_at": _iso(c.created_at),
        "updated_at": _iso(c.updated_at),
    }


def cmd_list_show(ctx: AppContext, a: argparse.Namespace) -> int:
    filters = dict(a.where or [])
    with ctx.db.read() as s:
        info = lists.get_list(s, a.list_id)
        name = info.name
        rows: list[lists.ContactRow] = []
        after = 0
        while True:
            page = lists.contact_page(s, a.list_id, a.search or "", filters, after, 5000)
            rows.extend(page)
            if len(page) < 5000:
                break
            after = page[-1].id
    if a.json:
        doc = {"id": a.list_id, "name": name, "contacts": [_contact(c) for c in rows]}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    print(f"list {a.list_id}: {name}, {len(rows)} contact(s)")
    for c in rows:
        fields = ", ".join(f"{k}={v}" for k, v in c.fields.items())
        print(f"{c.email}\t{fields}".rstrip())
    return 0


def cmd_list_remove(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        lists.remove(s, a.list_id, a.email)
    print(f"{a.email.strip()} removed from list {a.list_id}")
    return 0


def cmd_list_rename(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        info = lists.rename_list(s, a.list_id, a.name)
    print(f"list {info.id} is now {info.name!r}")
    return 0


def cmd_list_delete(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        gone = lists.delete_list(s, a.list_id)
    print(
        f"list {gone.id} {gone.name!r} deleted; its {len(gone.members)} contact(s) stay "
        f"({gone.orphans} now on no list); {len(gone.rules)} campaign audience rule(s) "
        "named it and were removed"
    )
    return 0


def cmd_list_export(ctx: AppContext, a: argparse.Namespace) -> int:
    n = list_export.export(ctx.db, a.list_id, a.out, a.format)
    print(f"{n} contact(s) written to {a.out}")
    return 0


def cmd_contact_forget(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        done = forget.forget(s, a.email, ctx.clock.now())
    ctx.emit("queue")
    print(
        f"forgotten: {done.contacts} contact(s), {done.memberships} list membership(s), "
        f"{done.recipients} campaign recipient(s) made anonymous, {done.texts} stored note(s) "
        "cleaned; the address is blocked from future imports"
    )
    return 0


def cmd_contact_history(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.read() as s:
        rows = history.contact_history(s, a.email)
    if a.json:
        out = [
            {
                "campaign_id": h.campaign_id,
                "campaign": h.campaign,
                "status": h.status,
                "at": _iso(h.at),
                "reply": h.reply,
            }
            for h in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"{a.email.strip()} was never a recipient of a campaign")
    for h in rows:
        print(f"{h.campaign_id}\t{h.campaign}\t{h.status}\t{_iso(h.at) or ''}".rstrip())
    return 0


def cmd_campaign_audience(ctx: AppContext, a: argparse.Namespace) -> int:
    aud = audiences.Audience(
        tuple(a.list or ()), tuple(a.exclude_list or ()), tuple(a.not_sent_to_campaign or ())
    )
    with ctx.db.write() as s:
        if a.list:
            audiences.set_audience(s, a.id, aud)
        aud = audiences.get(s, a.id)
        n = audiences.count(s, aud)
    if a.json:
        print(json.dumps({"campaign_id": a.id, **n.as_dict()}, indent=2))
        return 0
    print(
        f"campaign {a.id} reaches {n.reached} of {n.on_lists} contact(s) on its list(s): "
        f"{n.excluded_by_list} on an exclusion list, {n.sent_before} sent the earlier "
        f"campaign(s), {n.suppressed} suppressed; resolved into recipients when queued"
    )
    return 0


def cmd_campaign_duplicate(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        new_id = duplicate(s, a.id, ctx.clock.now(), a.name)
    print(new_id)
    return 0


def cmd_campaign_repeat(ctx: AppContext, a: argparse.Namespace) -> int:
    now = ctx.clock.now()
    with ctx.db.write() as s:
        if a.off:
            was = repeats.repeat_off(s, a.id)
            print(f"campaign {a.id} " + ("no longer repeats" if was else "did not repeat"))
            return 0
        grace = timedelta(hours=a.misfire_grace_hours)
        rule = (
            repeats.working_day_rule(a.first_working_day)
            if a.first_working_day is not None
            else a.cron
        )
        info = repeats.set_repeat(s, a.id, rule, now, grace)
    ctx.emit("queue")
    nexts = ", ".join(t.isoformat() for t in info.next_runs[:3])
    print(
        f"campaign {a.id} repeats on {info.cron!r} ({info.timezone}); next: {nexts}; "
        f"copy {info.planned_campaign_id} is scheduled for the first"
    )
    return 0


def register(sub: Any) -> None:
    _register_list(sub)
    _register_contact(sub)
    _register_campaign(sub)


def _register_list(sub: Any) -> None:
    grp = sub.add_parser("list", help="contact lists kept between campaigns")
    ls = grp.add_subparsers(dest="sub", required=True)
    p = ls.add_parser("create", help="a new empty list; prints its id")
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_list_create)
    p = ls.add_parser("import", help="import a CSV or XLSX file into a list")
    p.add_argument("list_id", type=int)
    p.add_argument("file")
    p.add_argument("--map", type=parse_map, help="FIELD=COLUMN,...; e.g. email=E-mail")
    p.add_argument("--encoding", help="utf-8, utf-8-sig, utf-16, cp1251 (detected if not given)")
    p.add_argument("--delimiter", type=_delimiter, help="',' ';' or tab (detected if not given)")
    p.add_argument("--sheet", help="the sheet of an .xlsx file (the first if not given)")
    p.add_argument(
        "--update",
        action="store_true",
        help="contacts already stored take the file's field values (default: keep theirs)",
    )
    p.add_argument("--rejects-out", help="write the rejected rows to this CSV file")
    p.set_defaults(func=cmd_list_import)
    p = ls.add_parser("ls", help="every list with its number of contacts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list_ls)
    p = ls.add_parser("show", help="a list's contacts")
    p.add_argument("list_id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--search", help="only contacts whose address or a field contains this")
    p.add_argument(
        "--where",
        type=_field_filter,
        action="append",
        metavar="FIELD=VALUE",
        help="only contacts whose field is exactly this (repeat for more)",
    )
    p.set_defaults(func=cmd_list_show)
    p = ls.add_parser("remove", help="take an address off a list (the contact stays)")
    p.add_argument("list_id", type=int)
    p.add_argument("email")
    p.set_defaults(func=cmd_list_remove)
    p = ls.add_parser("rename", help="give a list another name")
    p.add_argument("list_id", type=int)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_list_rename)
    p = ls.add_parser("delete", help="delete a list (its contacts stay)")
    p.add_argument("list_id", type=int)
    p.set_defaults(func=cmd_list_delete)
    p = ls.add_parser("export", help="write a list's contacts to a CSV or XLSX file")
    p.add_argument("list_id", type=int)
    p.add_argument("out")
    p.add_argument("--format", choices=list_export.FORMATS, help="default: from the suffix")
    p.set_defaults(func=cmd_list_export)


def _field_filter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: use FIELD=VALUE, e.g. city=Moscow")
    return name.strip(), value


def _register_contact(sub: Any) -> None:
    grp = sub.add_parser("contact", help="one person: history, forget")
    cs = grp.add_subparsers(dest="sub", required=True)
    p = cs.add_parser("forget", help="erase a person (their request); blocks re-import")
    p.add_argument("email")
    p.set_defaults(func=cmd_contact_forget)
    p = cs.add_parser("history", help="the campaigns sent to an address, when, with what outcome")
    p.add_argument("email")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contact_history)


def _register_campaign(sub: Any) -> None:
    camp = _campaign_group(sub)
    p = camp.add_parser("audience", help="send to lists; show how many it reaches and why not")
    p.add_argument("id", type=int)
    p.add_argument("--list", type=int, action="append", metavar="L", help="a list to send to")
    p.add_argument("--exclude-list", type=int, action="append", metavar="L")
    p.add_argument("--not-sent-to-campaign", type=int, action="append", metavar="C")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_campaign_audience)
    p = camp.add_parser("duplicate", help="a new campaign with this content and audience")
    p.add_argument("id", type=int)
    p.add_argument("--name", help="default: the name with ' (copy)'")
    p.set_defaults(func=cmd_campaign_duplicate)
    p = camp.add_parser(
        "repeat", help="repeat on a calendar rule (cron, first working day), or stop"
    )
    p.add_argument("id", type=int)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--cron", help='five fields, in the settings\' zone, e.g. "0 10 * * mon"')
    g.add_argument(
        "--first-working-day",
        metavar="HH:MM",
        help="the first working day of each month at this time (Monday to Friday, "
        "not a day off or public holiday of the settings' calendar)",
    )
    g.add_argument("--off", action="store_true")
    p.add_argument(
        "--misfire-grace-hours",
        type=float,
        default=repeats.DEFAULT_GRACE.total_seconds() / 3600,
        help="a missed occurrence is caught up (once) only within this many hours",
    )
    p.set_defaults(func=cmd_campaign_repeat)
