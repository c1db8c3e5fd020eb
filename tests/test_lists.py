"""Contacts and lists, audiences, forgetting and duplicating (issue 13), on a
real SQLite file and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import csv
import sqlite3
import threading
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, text

from mailer_gui.core.audience import (
    audiences,
    contacts,
    forget,
    history,
    list_export,
    lists,
    suppression,
)
from mailer_gui.core.audience.mapping import ImportFileError
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.content import attachments, campaigns
from mailer_gui.core.content.duplicate import duplicate
from mailer_gui.core.context import open_context
from mailer_gui.core.errors import StateError
from mailer_gui.core.reports.export import export_report
from mailer_gui.core.reports.formats import ExportRequest
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Recipient

from .conftest import configure, drain

pytestmark = pytest.mark.backends

CP1251 = (
    "E-mail;Имя;Город\nann@example.org;Анна;Москва\nBOB@Example.org;Боря;Казань\n"
    "not-an-address;X;Y\nann@example.org;Дубль;Сочи\n"
)


@pytest.fixture
def sqlite_ctx(tmp_path, clock):
    """A context on a SQLite file alone, for the tests of its FTS5 search index
    (migration 0007 builds it on SQLite only; PostgreSQL searches by LIKE,
    which test_search_is_the_same_on_both_backends checks on both)."""
    c = open_context(
        tmp_path / "data",
        clock=clock,
        secrets=SecretStore(use_env=False),
        allow_reserved_domains=True,
        database_clock=False,
    )
    yield c
    c.close()


def _new_list(ctx, name="Customers"):
    with ctx.db.write() as s:
        return lists.create_list(s, name, ctx.clock.now())


def _add(ctx, list_id, *emails, update=False, **fields):
    with ctx.db.write() as s:
        return lists.add_contacts(
            s, list_id, [(None, e, dict(fields)) for e in emails], ctx.clock.now(), update=update
        )


def _campaign(ctx, name="Promo"):
    with ctx.db.write() as s:
        return campaigns.create(
            s, name, "Hi {{ first_name }}", "<p>Hi {{ first_name }}</p>", None, ctx.clock.now()
        ).id


def test_import_into_list_reuses_the_import(ctx, tmp_path):
    f = tmp_path / "people.csv"
    f.write_bytes(CP1251.encode("cp1251"))
    lid = _new_list(ctx)
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())
    assert (r.imported, r.new, r.invalid, r.duplicate) == (2, 2, 1, 1)
    assert [(x.row, x.value) for x in r.rejects] == [(4, "not-an-address"), (5, "ann@example.org")]
    with ctx.db.read() as s:
        rows = lists.contact_page(s, lid)
    assert [(c.email, c.fields) for c in rows] == [
        ("ann@example.org", {"first_name": "Анна", "город": "Москва"}),
        ("BOB@example.org", {"first_name": "Боря", "город": "Казань"}),
    ]
    assert rows[0].source == "people.csv"


def test_keep_or_update_existing_contacts(ctx):
    a, b = _new_list(ctx, "A"), _new_list(ctx, "B")
    _add(ctx, a, "x@example.org", city="Omsk", age="30")
    r = _add(ctx, b, "X@example.org", city="Kazan")
    assert (r.new, r.kept, r.updated) == (0, 1, 0)
    with ctx.db.read() as s:
        assert lists.contact_page(s, b)[0].fields == {"city": "Omsk", "age": "30"}
    r = _add(ctx, b, "x@example.org", update=True, city="Kazan")
    assert (r.already, r.updated) == (1, 1)
    with ctx.db.read() as s:
        (c,) = lists.contact_page(s, None)  # one contact, on both lists
        assert c.fields == {"city": "Kazan", "age": "30"}
        assert [(i.name, i.contacts) for i in lists.list_lists(s)] == [("A", 1), ("B", 1)]


def test_bad_file_changes_nothing(ctx, tmp_path):
    lid = _new_list(ctx)
    f = tmp_path / "nocol.csv"
    f.write_text("name,city\nAnn,Omsk\n")
    with pytest.raises(ImportFileError, match="email"):
        lists.import_file(ctx.db, lid, f, ctx.clock.now())
    with ctx.db.read() as s:
        assert lists.contact_count(s, None) == 0


def test_names_remove_search_filter(ctx):
    lid = _new_list(ctx)
    with ctx.db.write() as s, pytest.raises(lists.ListError, match="exists already"):
        lists.create_list(s, " Customers ", ctx.clock.now())
    with ctx.db.write() as s, pytest.raises(lists.ListError, match="needs a name"):
        lists.create_list(s, "  ", ctx.clock.now())
    _add(ctx, lid, "ann@example.org", city="Omsk")
    _add(ctx, lid, "bob@example.org", city="Kazan_1")
    _add(ctx, lid, "cid@example.org", city="Omsk")
    with ctx.db.read() as s:
        assert [c.email for c in lists.contact_page(s, lid, "OMSK")] == [
            "ann@example.org",
            "cid@example.org",
        ]
        assert [c.email for c in lists.contact_page(s, lid, "n_")] == ["bob@example.org"]
        assert [c.email for c in lists.contact_page(s, lid, filters={"city": "Omsk"})] == [
            "ann@example.org",
            "cid@example.org",
        ]
        assert lists.contact_count(s, lid, "bob") == 1
    with ctx.db.write() as s:
        lists.remove(s, lid, "ANN@example.org")
        with pytest.raises(lists.ListError, match="is not on list"):
            lists.remove(s, lid, "ann@example.org")
    with ctx.db.read() as s:
        assert lists.contact_count(s, lid) == 2
        assert lists.contact_count(s, None) == 3  # the contact stays


def test_export_neutralises_cells(ctx, tmp_path):
    lid = _new_list(ctx)
    _add(ctx, lid, "ann@example.org", note='=HYPERLINK("http://evil")')
    n = list_export.export(ctx.db, lid, tmp_path / "l.csv")
    assert n == 1
    with open(tmp_path / "l.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["email", "note", "source", "added_at"]
    assert rows[1][:2] == ["ann@example.org", '\'=HYPERLINK("http://evil")']
    list_export.export(ctx.db, lid, tmp_path / "l.xlsx")
    ws = load_workbook(tmp_path / "l.xlsx").active
    assert ws.cell(2, 2).value == '\'=HYPERLINK("http://evil")'
    assert ws.cell(2, 2).data_type == "s"


def _database_holds(ctx, needle):
    """Whether ``needle`` (lower case) is anywhere in the database: SQLite's
    file (its free pages too, after a checkpoint), or any live row of any
    table on PostgreSQL (the server's dead rows are VACUUM's: README)."""
    if ctx.db.path is not None:
        ctx.db.dispose()
        con = sqlite3.connect(ctx.db.path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        return needle.encode() in ctx.db.path.read_bytes().lower()
    with ctx.db.read() as s:
        tables = s.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        return any(
            s.execute(
                text(f"SELECT 1 FROM {t} AS r WHERE strpos(lower(CAST(r AS text)), :n) > 0"),
                {"n": needle},
            ).first()
            for t in list(tables)
        )


def _sent_campaign(ctx, smtp_server, list_id):
    configure(ctx, smtp_server)
    cid = _campaign(ctx, "Last week")
    with ctx.db.write() as s:
        audiences.set_audience(s, cid, audiences.Audience(lists=(list_id,)))
    queue.enqueue_checked(ctx.db, cid, ctx.clock.now())
    drain(ctx)
    return cid


def test_audience_count_reasons_and_resolution(ctx, smtp_server):
    main, vip = _new_list(ctx, "Main"), _new_list(ctx, "VIP")
    _add(ctx, main, *(f"r{i}@example.org" for i in range(10)), first_name="R")
    _add(ctx, vip, "r0@example.org", "r1@example.org")
    early = _new_list(ctx, "Early")
    _add(ctx, early, "r2@example.org", "r3@example.org", first_name="E")
    last_week = _sent_campaign(ctx, smtp_server, early)
    assert len(smtp_server.received) == 2
    with ctx.db.write() as s:
        suppression.add(s, "r4@example.org", "unsubscribed", ctx.clock.now())
    cid = _campaign(ctx)
    aud = audiences.Audience((main,), (vip,), (last_week,))
    with ctx.db.write() as s:
        audiences.set_audience(s, cid, aud)
        assert audiences.count(s, aud).as_dict() == {
            "on_lists": 10,
            "excluded_by_list": 2,
            "sent_before": 2,
            "suppressed": 1,
            "reached": 5,
        }
        # Nothing is resolved before the campaign is queued.
        assert campaigns.content_state(s, cid).received == 0
        assert s.query(Recipient).filter_by(campaign_id=cid).count() == 0
    # A contact joins after the count: queueing takes the audience as it is then.
    _add(ctx, main, "late@example.org", first_name="L")
    queue.enqueue_checked(ctx.db, cid, ctx.clock.now())
    drain(ctx)
    got = sorted(r.rcpt_tos[0] for r in smtp_server.received[2:])
    assert got == ["late@example.org"] + [f"r{i}@example.org" for i in (5, 6, 7, 8, 9)]
    with ctx.db.write() as s, pytest.raises(StateError):
        queue.enqueue(s, last_week, ctx.clock.now())  # nothing left to send: not re-sent


def test_audience_is_refused_while_queued(ctx, smtp_server):
    lid = _new_list(ctx)
    _add(ctx, lid, "a@example.org", first_name="A")
    cid, other = _campaign(ctx), _campaign(ctx, "X")
    with ctx.db.write() as s:
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        queue.enqueue(s, cid, ctx.clock.now())
        with pytest.raises(StateError, match="in the queue"):
            audiences.set_audience(s, cid, audiences.Audience((lid,)))
        with pytest.raises(lists.ListError, match="no list 99"):
            audiences.set_audience(s, other, audiences.Audience((99,)))


def test_forget_erases_everywhere_keeps_counts_blocks_reimport(ctx, smtp_server, tmp_path):
    lid = _new_list(ctx)
    other = _new_list(ctx, "Other")
    _add(ctx, lid, "Ann.Person@Example.org", "bob@example.org", first_name="Ann")
    with ctx.db.write() as s:  # a file named after her: its name is erased too
        lists.add_contacts(
            s,
            other,
            [(1, "ann.person@example.org", {"first_name": "Ann"})],
            ctx.clock.now(),
            source="from Ann.Person@example.org.csv",
        )
    cid = _sent_campaign(ctx, smtp_server, lid)
    with ctx.db.write() as s:
        queue.notify(s, ctx.clock.now(), "finished", "sent to ann.person@example.org at last")
    assert _database_holds(ctx, "ann.person")  # the check below can see it
    with ctx.db.write() as s:
        assert [h.status for h in history.contact_history(s, "ann.person@example.org")] == ["sent"]
        done = forget.forget(s, " ANN.person@example.org ", ctx.clock.now())
    assert (done.contacts, done.memberships, done.recipients) == (1, 2, 1)
    with ctx.db.read() as s:
        assert lists.contact_count(s, None) == 1
        assert history.contact_history(s, "ann.person@example.org") == []
        assert forget.is_forgotten(s, "Ann.Person@example.org")
        assert queue.counts_for(s, queue.campaign_entry(s, cid))["sent"] == 2  # counts kept
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        export_report(ctx, ExportRequest(fmt=fmt, out=out, campaign_id=cid))
        assert b"ann.person" not in out.read_bytes().lower()
    today = ctx.clock.now().date()
    out = tmp_path / "period.csv"
    export_report(ctx, ExportRequest(fmt="csv", out=out, start=today, end=today + timedelta(1)))
    assert b"ann.person" not in out.read_bytes().lower()
    list_export.export(ctx.db, None, tmp_path / "all.csv")
    assert "ann.person" not in (tmp_path / "all.csv").read_text(encoding="utf-8-sig").lower()
    assert not _database_holds(ctx, "ann.person")
    # A re-import is blocked, into a list and into a campaign.
    r = _add(ctx, lid, "ann.person@example.org", first_name="Again")
    assert (r.imported, r.suppressed) == (0, 1)
    f = tmp_path / "again.csv"
    f.write_text("email\nANN.PERSON@example.org\ncarl@example.org\n")
    c2 = _campaign(ctx, "Next")
    res = contacts.import_file(ctx.db, c2, f)
    assert (res.imported, res.suppressed) == (1, 1)
    assert "forgotten" in res.rejects[0].reason


def test_forget_a_pending_recipient_is_never_sent(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = _campaign(ctx)
    with ctx.db.write() as s:
        campaigns.add_recipients(
            s,
            cid,
            [
                (2, "ann@example.org", {"first_name": "A"}),
                (3, "bob@example.org", {"first_name": "B"}),
            ],
        )
        queue.enqueue(s, cid, ctx.clock.now())
        forget.forget(s, "ann@example.org", ctx.clock.now())
    drain(ctx)
    assert [r.rcpt_tos[0] for r in smtp_server.received] == ["bob@example.org"]
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "completed"


def test_forget_refuses_a_non_address(ctx):
    with ctx.db.write() as s, pytest.raises(forget.ForgetError, match="not an email address"):
        forget.forget(s, "nobody", ctx.clock.now())


def test_duplicate_copies_content_attachments_audience_not_recipients(ctx, tmp_path):
    lid = _new_list(ctx)
    cid = _campaign(ctx)
    f = tmp_path / "a.txt"
    f.write_bytes(b"attached")
    with ctx.db.write() as s:
        campaigns.update(s, cid, ctx.clock.now(), reply_to="r@example.org")
        campaigns.add_recipients(s, cid, [(2, "ann@example.org", {})])
        attachments.attach_file(s, cid, f, now=ctx.clock.now())
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        new = duplicate(s, cid, ctx.clock.now())
    with ctx.db.read() as s:
        src, cp = campaigns.find(s, cid), campaigns.find(s, new)
        assert cp.name == "Promo (copy)"
        assert (cp.subject, cp.html_body, cp.reply_to) == (src.subject, src.html_body, src.reply_to)
        assert [(a.filename, a.content) for a in attachments.list_for(s, new)] == [
            ("a.txt", b"attached")
        ]
        assert audiences.get(s, new) == audiences.Audience((lid,))
        assert s.query(Recipient).filter_by(campaign_id=new).count() == 0
        assert queue.campaign_entry(s, new) is None


def test_a_row_repeated_across_batches_is_a_duplicate(ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(lists, "BATCH", 3)
    monkeypatch.setattr(contacts, "BATCH", 3)  # the file's rows, parsed in contacts.py
    lid = _new_list(ctx)
    f = tmp_path / "rep.csv"
    f.write_text(
        "email\na@example.org\nb@example.org\nc@example.org\nd@example.org\nA@example.org\n"
    )
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())
    assert (r.imported, r.new, r.duplicate, r.kept, r.already) == (4, 4, 1, 0, 0)
    assert [(x.row, x.reason) for x in r.rejects] == [(6, "duplicate of a row earlier in the file")]
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())  # again: all known, on the list
    assert (r.imported, r.new, r.kept, r.already, r.duplicate) == (4, 0, 4, 4, 1)


SEARCHES = ("omsk", "OMSK", "ann", "example.org", "n_", "%", "100", "ка", "Иван", "zz", "Омск")


def _search_results(ctx, list_ids):
    out = {}
    with ctx.db.read() as s:
        for lid in list_ids:
            for q in SEARCHES:
                page = [c.email for c in lists.contact_page(s, lid, q, limit=3)]
                more = [c.email for c in lists.contact_page(s, lid, q, after_id=1, limit=1000)]
                out[lid, q] = (page, more, lists.contact_count(s, lid, q))
    return out


def test_search_is_the_same_on_both_backends(ctx):
    """Search as the SQLite scan defines it, on SQLite and on PostgreSQL (its
    LIKE path, no index there): the address or any field's value contains the
    text; Latin letters in any case, other letters (Cyrillic) as typed; ``%``
    and ``_`` are themselves; field names are not searched."""
    a, b = _new_list(ctx, "A"), _new_list(ctx, "B")
    _add(ctx, a, "ann@example.org", city="Omsk", first_name="Анна")
    _add(ctx, a, "bob@example.org", city="Kazan_1", n="100%")
    _add(ctx, b, "ivan@example.net", city="Омск", first_name="Иван")
    _add(ctx, b, "city@example.com", note="no key is searched")
    _add(ctx, a, "Zed.Upper@example.org", city="ОМСК")
    want = {
        "omsk": ["ann"],
        "OMSK": ["ann"],
        "ann": ["ann"],
        "example.org": ["ann", "bob", "zed"],
        "n_": ["bob"],
        "%": ["bob"],
        "100": ["bob"],
        "Омск": ["ivan"],
        "омск": [],
        "ОМСК": ["zed"],
        "Иван": ["ivan"],
        "иван": [],
        "city": ["city"],
        "ZED.upper": ["zed"],
        "zz": [],
    }
    with ctx.db.read() as s:
        for q, names in want.items():
            got = [
                c.email.split("@")[0].split(".")[0].lower() for c in lists.contact_page(s, None, q)
            ]
            assert (q, got) == (q, names)
            assert lists.contact_count(s, None, q) == len(names)
        assert [c.email for c in lists.contact_page(s, b, "омск")] == []
        assert [c.email for c in lists.contact_page(s, b, "Омск")] == ["ivan@example.net"]
        assert [c.email for c in lists.contact_page(s, a, "example", after_id=1, limit=1)] == [
            "bob@example.org"
        ]
        assert lists.contact_count(s, a, "example.org") == 3
        assert lists.contact_count(s, b, "example.org") == 0
        assert [c.email for c in lists.contact_page(s, None, filters={"city": "Омск"})] == [
            "ivan@example.net"
        ]
        assert lists.field_names(s, a) == ["city", "first_name", "n"]


def test_search_index_and_scan_find_the_same(sqlite_ctx, monkeypatch):
    """The FTS5 trigram index (migration 0007) and the LIKE scan (no index:
    PostgreSQL, or a search under three characters) give the same contacts,
    the index kept in step by its triggers through inserts, updates and deletes."""
    ctx = sqlite_ctx
    a, b = _new_list(ctx, "A"), _new_list(ctx, "B")
    _add(ctx, a, "ann@example.org", city="Omsk", first_name="Анна")
    _add(ctx, a, "bob@example.org", city="Kazan_1", n="100%")
    _add(ctx, b, "ivan@example.net", city="Омск", first_name="Иван")
    _add(ctx, b, "city@example.com", note="no key is searched")
    for i in range(30):
        _add(ctx, a if i % 2 else b, f"p{i}@example.org", city="Omsk" if i % 3 else "Tver")
    _add(ctx, a, "bob@example.org", update=True, city="Omsk-2")  # an update: indexed anew
    with ctx.db.write() as s:
        forget.forget(s, "p4@example.org", ctx.clock.now())  # a delete: gone from the index
    with ctx.db.read() as s:
        assert lists._has_index(s)
        assert [c.email for c in lists.contact_page(s, None, "omsk-2")] == ["bob@example.org"]
        assert lists.contact_page(s, None, "Kazan") == []  # the old value left the index
        assert lists.contact_page(s, None, "p4@") == []
        assert lists.contact_count(s, None, "city") == 1  # the address, not the key
        assert [c.email for c in lists.contact_page(s, None, "Иван")] == ["ivan@example.net"]
    indexed = _search_results(ctx, (None, a, b))
    # A common search pages by the scan; force the index for every page too.
    monkeypatch.setattr(lists, "DENSE", 10**9)
    assert _search_results(ctx, (None, a, b)) == indexed
    monkeypatch.setattr(lists, "DENSE", 1)
    assert _search_results(ctx, (None, a, b)) == indexed
    with sqlite3.connect(ctx.db.path) as con:  # a database without the index
        for trigger in ("contacts_fts_ad", "contacts_fts_au"):
            con.execute(f"DROP TRIGGER {trigger}")
        con.execute("DROP TABLE contacts_fts")
    with ctx.db.read() as s:
        assert not lists._has_index(s)
    scanned = _search_results(ctx, (None, a, b))
    assert scanned == indexed
    assert scanned[a, "omsk"][2] == 12 and scanned[None, "example.org"][2] == 31


def test_the_inline_address_path_agrees_with_the_check(ctx, tmp_path):
    """The row loop's inline fast path (contacts._RowParser.process) stores what
    addresses.check gives, for the campaign and the list import alike."""
    from mailer_gui.core.audience import addresses

    tricky = [
        "Plain@Example.org",
        "info@Example.org",  # the library lower-cases these local parts
        "PostMaster@example.org",  # ... in any case (the fast path leaves them to it)
        "user@пример.рф",  # an internationalised domain: punycode
        "o'brien+tag@example.org",
        "x@sub.EXAMPLE.org",
        "a..b@example.org",  # invalid: two periods
        "no-at-sign.example.org",
        "trailing.@example.org",
    ]
    f = tmp_path / "tricky.csv"
    f.write_text("email,name\n" + "".join(f"{a},N{i}\n" for i, a in enumerate(tricky)))
    lid = _new_list(ctx)
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())
    cid = _campaign(ctx)
    rc = contacts.import_file(ctx.db, cid, f)
    want = []
    for a in tricky:
        try:
            want.append(addresses.check(a).email)
        except addresses.InvalidAddress:
            pass
    assert "postmaster@example.org" in want
    assert r.imported == rc.imported == len(want) == 6
    assert r.invalid == rc.invalid == 3
    with ctx.db.read() as s:
        assert sorted(c.email for c in lists.contact_page(s, lid)) == sorted(want)
        stored = s.query(Recipient.email, Recipient.fields).filter_by(campaign_id=cid).all()
    assert sorted(e for e, _ in stored) == sorted(want)
    assert all(set(fields) == {"name"} for _, fields in stored)


def test_field_values_of_any_text_are_stored_as_written(ctx, tmp_path):
    """The row loop's fields function (contacts._fields_function), made from the
    file's header: quotes, braces, percent signs, backslashes, control and
    line-separator characters in a value are data, stored as JSON exactly
    (stripped, as ever); headers become the keys the mapping gives them."""
    names = ['say "hi"', "{k0}", "100%", "back\\slash", "');import os;('", "Имя"]
    values = ['"quoted"', "{c[0]}", "50%s", "a\\b\tc", "\u2028 line\u2028x", "  Пётр  "]
    f = tmp_path / "odd.csv"
    with f.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["email", *names])
        w.writerow(["odd@example.org", *values])
    lid = _new_list(ctx)
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())
    cid = _campaign(ctx)
    rc = contacts.import_file(ctx.db, cid, f)
    assert r.imported == rc.imported == 1
    keys = ["say_hi", "k0", "column_4", "back_slash", "import_os", "first_name"]
    want = dict(zip(keys, [v.strip() for v in values], strict=True))
    assert want["import_os"] == "line\u2028x" and want["back_slash"] == "a\\b\tc"
    with ctx.db.read() as s:
        (contact,) = lists.contact_page(s, lid)
        (stored,) = s.query(Recipient.fields).filter_by(campaign_id=cid).all()
    assert contact.fields == want
    assert stored[0] == want


def test_a_batch_beyond_sqlites_parameter_limit_goes_in_several_statements(ctx):
    """On SQLite a batch's contacts go in as a VALUES list, three parameters a
    row: a library built with a low limit on bound parameters gets as many
    statements as it needs, every row counted once, kept and updated alike."""
    if ctx.db.backend != "sqlite":
        pytest.skip("SQLite's limit on bound parameters")
    lid = _new_list(ctx)
    _add(ctx, lid, *(f"old{i}@example.org" for i in range(7)), city="Omsk")
    emails = [f"old{i}@example.org" for i in range(7)] + [f"new{i}@example.org" for i in range(18)]
    for update in (False, True):
        with ctx.db.write() as s:
            driver = s.connection().connection.dbapi_connection
            was = driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 30)
            try:
                w = lists.ContactWriter(s, lid, ctx.clock.now(), update, "t.csv")
                assert w.per_statement == 9  # (30 - 2) // 3: the import, the time, 3 a row
                for n, e in enumerate(emails, start=1):
                    w.add(n, e, '{"city":"Tver"}')
                w.flush()
            finally:
                driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, was)
        r = w.result
        assert (r.imported, r.already) == (25, 7 if not update else 25)
        assert (r.new, r.kept, r.updated) == ((18, 7, 0) if not update else (0, 0, 25))
    with ctx.db.read() as s:
        got = {c.email: c.fields for c in lists.contact_page(s, lid, limit=100)}
    assert got == {e: {"city": "Tver"} for e in emails}


def test_rename_and_delete_a_list_keeps_the_contacts(ctx, smtp_server):
    a, b = _new_list(ctx, "A"), _new_list(ctx, "B")
    _add(ctx, a, "both@example.org", "only-a@example.org", city="Omsk")
    _add(ctx, b, "both@example.org")
    with ctx.db.write() as s:
        assert lists.rename_list(s, a, "  Customers ").name == "Customers"
        with pytest.raises(lists.ListError, match="exists already"):
            lists.rename_list(s, a, "B")
        with pytest.raises(lists.ListError, match="needs a name"):
            lists.rename_list(s, a, " ")
        with pytest.raises(lists.ListError, match="no list 99"):
            lists.rename_list(s, 99, "X")
    cid = _campaign(ctx)
    other = _campaign(ctx, "Other")
    with ctx.db.write() as s:
        audiences.set_audience(s, cid, audiences.Audience((b,), (a,)))
        audiences.set_audience(s, other, audiences.Audience((a,)))
    with ctx.db.write() as s:
        gone = lists.delete_list(s, a)
    assert (gone.name, len(gone.members), gone.orphans) == ("Customers", 2, 1)
    assert sorted(gone.rules) == [(cid, "exclude_list"), (other, "list")]
    with ctx.db.read() as s:
        assert [i.name for i in lists.list_lists(s)] == ["B"]
        # Both contacts stay: one on B, one on no list at all (with its fields).
        assert sorted(c.email for c in lists.contact_page(s, None)) == [
            "both@example.org",
            "only-a@example.org",
        ]
        assert lists.contact_page(s, None, "only-a")[0].fields == {"city": "Omsk"}
        assert audiences.get(s, cid) == audiences.Audience((b,))
        assert audiences.get(s, other) == audiences.Audience()
    with ctx.db.write() as s:  # the window's undo
        back = lists.restore_list(s, gone)
    with ctx.db.read() as s:
        assert back == a
        assert lists.contact_count(s, a) == 2
        assert audiences.get(s, cid) == audiences.Audience((b,), (a,))
        assert audiences.get(s, other) == audiences.Audience((a,))


def test_a_list_in_a_queued_campaigns_audience_is_not_deleted(ctx, smtp_server):
    configure(ctx, smtp_server)
    lid = _new_list(ctx)
    _add(ctx, lid, "a@example.org", first_name="Ann")
    cid = _campaign(ctx)
    with ctx.db.write() as s:
        audiences.set_audience(s, cid, audiences.Audience((lid,)))
        queue.enqueue(s, cid, ctx.clock.now())
    with ctx.db.write() as s, pytest.raises(lists.ListError, match="pause or cancel it"):
        lists.delete_list(s, lid)
    with ctx.db.read() as s:
        assert lists.contact_count(s, lid) == 1  # nothing changed


def test_migration_0007_indexes_the_contacts_already_stored(tmp_path):
    """A database at 0006 with contacts: the upgrade builds the index from them."""
    from alembic import command

    from mailer_gui.core.store import db as dbmod

    d = dbmod.Database(tmp_path / "mailer.db")
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    with sqlite3.connect(d.path) as con:
        con.execute(
            "INSERT INTO contacts (email, email_norm, fields, created_at, updated_at) VALUES "
            "('old@example.org', 'old@example.org', '{\"city\": \"Tver\"}', '2026-01-01', "
            "'2026-01-01')"
        )
    dbmod.upgrade(d)
    with d.read() as s:
        assert lists._has_index(s)
        n = s.connection().exec_driver_sql(
            "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '\"tver\"'"
        )
        assert n.scalar() == 1
        assert [c.email for c in lists.contact_page(s, None, "Tver")] == ["old@example.org"]
    d.dispose()


def test_contacts_not_indexed_yet_are_found_and_kept_right(sqlite_ctx, tmp_path, monkeypatch):
    """An import leaves its contacts to lists.index_new_contacts (after its
    transaction); until then a search reads them, and updates or deletes of
    them before they are indexed leave the index right."""
    ctx = sqlite_ctx
    import importlib.util

    from mailer_gui.core.store import db as dbmod

    spec = importlib.util.spec_from_file_location(
        "m0007", dbmod.MIGRATIONS_DIR / "versions" / "0007_contact_search.py"
    )
    m0007 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0007)
    assert lists.INDEX_TEXT == m0007._TEXT  # a contentless delete needs the same text

    lid = _new_list(ctx)
    _add(ctx, lid, "early@example.org", city="Omsk")  # add_contacts indexes at once
    f = tmp_path / "p.csv"
    f.write_text(
        "email,city\n" + "".join(f"u{i}@example.org,Omsk{i % 7}\n" for i in range(40)),
        encoding="utf-8",
    )
    lists.import_file(ctx.db, lid, f, ctx.clock.now())
    with ctx.db.read() as s:
        mark = lists.index_mark(s)
        assert lists.contact_count(s, None) == 41
        assert mark == 1  # the import's 40 are not in the index yet
        assert lists.contact_count(s, lid, "omsk") == 41
        assert [c.email for c in lists.contact_page(s, lid, "omsk3")] == [
            f"u{i}@example.org" for i in range(40) if i % 7 == 3
        ]
    # Changed and deleted before they are indexed: the triggers leave them.
    g = tmp_path / "q.csv"
    g.write_text("email,city\nu1@example.org,Kazan\n", encoding="utf-8")
    lists.import_file(ctx.db, lid, g, ctx.clock.now(), update=True)
    with ctx.db.write() as s:
        forget.forget(s, "u2@example.org", ctx.clock.now())
    before = _search_results(ctx, (None, lid))
    monkeypatch.setattr(lists, "INDEX_CHUNK", 7)
    assert lists.index_new_contacts(ctx.db, chunk=7) == 39
    assert lists.index_new_contacts(ctx.db) == 0
    with ctx.db.read() as s:
        assert lists.index_mark(s) == 41
        n = s.connection().exec_driver_sql(
            "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '\"kazan\"'"
        )
        assert n.scalar() == 1
    assert _search_results(ctx, (None, lid)) == before
    # Indexed now: an update and a delete go through the triggers.
    with ctx.db.write() as s:
        forget.forget(s, "u1@example.org", ctx.clock.now())
    with ctx.db.read() as s:
        assert lists.contact_page(s, None, "kazan") == []
        n = s.connection().exec_driver_sql(
            "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '\"kazan\"'"
        )
        assert n.scalar() == 0


def test_an_id_given_again_after_a_delete_is_still_found(sqlite_ctx, tmp_path):
    """SQLite gives a new row the highest id plus one: after the highest
    contact is deleted, its id comes back; the delete lowered the mark, so the
    new contact is read as not indexed yet (and indexed later)."""
    ctx = sqlite_ctx
    lid = _new_list(ctx)
    _add(ctx, lid, "a@example.org", "b@example.org", city="Omsk")
    with ctx.db.read() as s:
        assert lists.index_mark(s) == 2
    with ctx.db.write() as s:
        forget.forget(s, "b@example.org", ctx.clock.now())
    with ctx.db.read() as s:
        assert lists.index_mark(s) == 1
    f = tmp_path / "c.csv"
    f.write_text("email,city\nc@example.org,Tver\n", encoding="utf-8")
    lists.import_file(ctx.db, lid, f, ctx.clock.now())  # no catch-up yet
    with ctx.db.read() as s:
        (c,) = lists.contact_page(s, None, "tver")
        assert (c.id, c.email) == (2, "c@example.org")
    assert lists.index_new_contacts(ctx.db) == 1
    with ctx.db.read() as s:
        assert [x.email for x in lists.contact_page(s, None, "tver")] == ["c@example.org"]
        assert lists.contact_page(s, None, "b@exa") == []


# ------------------------------------------------- overlapped reading (lists.import_file)

MIXED = (
    "email,first_name,city\n"
    "a@example.org,Ann,Omsk\n"  # row 2: new
    "kept@example.org,K2,Tver\n"  # row 3: stored before, on another list
    "not-an-address,X,Y\n"  # row 4: invalid
    "b@example.org,Bob,Kazan\n"  # row 5
    "A@EXAMPLE.org,Dup,Sochi\n"  # row 6: repeats row 2 (another batch)
    "on@example.org,O2,Omsk\n"  # row 7: stored before, already on this list
    "gone@example.org,G,Omsk\n"  # row 8: forgotten
    "c@example.org,Cat,Omsk\n"  # row 9
    "c@example.org,Cat2,Omsk\n"  # row 10: repeats row 9 (same batch)
    "KEPT@example.org,K3,Tver\n"  # row 11: repeats row 3
    "d@example.org, Dan ,\u00a0Omsk\u2003\n"  # row 12: cells stripped
)


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "in-turn"])
@pytest.mark.parametrize("update", [False, True], ids=["keep", "update"])
def test_a_list_import_read_in_its_own_thread_gives_what_one_in_turn_gives(
    ctx, tmp_path, monkeypatch, overlap, update
):
    """The same file, read and checked in the import's reading thread while
    batches are stored (3 rows a batch: the queue between them fills), or read,
    checked and stored in turn: the same counts, rejects, contacts and fields."""
    monkeypatch.setattr(contacts, "BATCH", 3)
    monkeypatch.setattr(contacts, "QUEUED_BATCHES", 1)
    monkeypatch.setattr(lists.ContactWriter, "overlap", overlap)
    lid, other = _new_list(ctx), _new_list(ctx, "Other")
    _add(ctx, other, "kept@example.org", first_name="K1", age="40")
    _add(ctx, lid, "on@example.org", first_name="O1")
    _add(ctx, other, "gone@example.org")
    with ctx.db.write() as s:
        forget.forget(s, "gone@example.org", ctx.clock.now())
    f = tmp_path / "mixed.csv"
    f.write_text(MIXED, encoding="utf-8")
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now(), update=update)
    counts = (r.imported, r.new, r.already, r.invalid, r.duplicate, r.suppressed)
    assert counts == (6, 4, 1, 1, 3, 1)
    assert (r.kept, r.updated) == ((0, 2) if update else (2, 0))
    assert [(x.row, x.reason.split(":")[0]) for x in r.rejects] == [
        (4, "not a valid email address"),
        (6, "duplicate of a row earlier in the file"),
        (8, "this person asked to be forgotten; the address is blocked and was not imported"),
        (10, "duplicate of row 9"),
        (11, "duplicate of a row earlier in the file"),
    ]
    with ctx.db.read() as s:
        got = {c.email: c.fields for c in lists.contact_page(s, lid, limit=100)}
    kept = (
        {"first_name": "K2", "city": "Tver", "age": "40"}
        if update
        else {
            "first_name": "K1",
            "age": "40",
        }
    )
    on = {"first_name": "O2", "city": "Omsk"} if update else {"first_name": "O1"}
    assert got == {
        "on@example.org": on,
        "a@example.org": {"first_name": "Ann", "city": "Omsk"},
        "kept@example.org": kept,
        "b@example.org": {"first_name": "Bob", "city": "Kazan"},
        "c@example.org": {"first_name": "Cat", "city": "Omsk"},
        "d@example.org": {"first_name": "Dan", "city": "Omsk"},
    }


def _reader_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "import-reader"]


def test_a_file_error_late_in_an_overlapped_list_import_changes_nothing(ctx, tmp_path):
    lid = _new_list(ctx)
    good = "".join(f"u{i}@example.org,N\n" for i in range(3 * contacts.BATCH))
    bad = 'x@example.org,"' + "y" * (1100 * 1024) + "\n"  # a quote never closed
    f = tmp_path / "late.csv"
    f.write_text("email,name\n" + good + bad)
    with pytest.raises(ImportFileError, match=rf"row {3 * contacts.BATCH + 2}: .*quotes"):
        lists.import_file(ctx.db, lid, f, ctx.clock.now())
    assert _reader_threads() == []
    with ctx.db.read() as s:
        assert lists.contact_count(s, None) == 0


def test_a_cancel_or_a_store_error_stops_the_reading_thread_and_changes_nothing(
    ctx, tmp_path, monkeypatch
):
    lid = _new_list(ctx)
    f = tmp_path / "many.csv"
    f.write_text("email\n" + "".join(f"u{i}@example.org\n" for i in range(5 * contacts.BATCH)))
    seen: list[int] = []
    with pytest.raises(contacts.ImportCancelled):
        lists.import_file(
            ctx.db,
            lid,
            f,
            ctx.clock.now(),
            progress=lambda done, size: seen.append(done),
            cancel=lambda: len(seen) >= 6,  # a few batches in
        )
    assert 0 < seen[-1] < f.stat().st_size
    assert _reader_threads() == []
    stored = lists.ContactWriter._store

    def second_fails(self, batch):
        if self.result.imported:
            raise RuntimeError("disk full")
        stored(self, batch)

    monkeypatch.setattr(lists.ContactWriter, "_store", second_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        lists.import_file(ctx.db, lid, f, ctx.clock.now())
    assert _reader_threads() == []
    with ctx.db.read() as s:
        assert lists.contact_count(s, None) == 0


def test_the_cycle_collector_is_off_during_an_import_and_as_it_was_after(ctx, tmp_path):
    """Paused while rows are read and stored (their tuples make no cycles; the
    collections they set off cost a third of the import), then as it was."""
    import gc

    lid = _new_list(ctx)
    f = tmp_path / "p.csv"
    f.write_text("email\n" + "".join(f"u{i}@example.org\n" for i in range(3 * contacts.BATCH)))
    during: list[bool] = []
    assert gc.isenabled()
    lists.import_file(
        ctx.db, lid, f, ctx.clock.now(), progress=lambda *_: during.append(gc.isenabled())
    )
    assert gc.isenabled() and during[:-1] and not any(during[:-1])  # the last call: after
    gc.disable()
    try:
        lists.import_file(ctx.db, lid, f, ctx.clock.now(), update=True)
        assert not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()


def test_an_import_leaves_its_pages_to_the_index_pass_and_restores_the_checkpoint(
    sqlite_ctx, tmp_path
):
    """A list import's commit does not copy its WAL pages into the database
    file (db.defer_checkpoint): the search index's catch-up after it does. The
    import is durable and readable meanwhile, and every pooled connection gets
    its automatic checkpoint back, after a failed import too."""
    ctx = sqlite_ctx
    db_file = ctx.db.path
    wal = db_file.with_name(db_file.name + "-wal")

    @event.listens_for(ctx.db.engine, "connect")
    def small_threshold(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA wal_autocheckpoint = 10")  # 10 pages, not 1,000

    ctx.db.engine.dispose()
    lid = _new_list(ctx)
    with sqlite3.connect(db_file) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = db_file.stat().st_size
    f = tmp_path / "many.csv"
    f.write_text(
        "email,first_name,city\n"
        + "".join(f"user{i}@example.org,Name{i},City{i % 7}\n" for i in range(3000)),
        encoding="utf-8",
    )
    r = lists.import_file(ctx.db, lid, f, ctx.clock.now())
    assert r.imported == 3000
    assert db_file.stat().st_size == before  # the pages are in the WAL only
    assert wal.stat().st_size > 100 * 4096
    with sqlite3.connect(db_file) as raw:  # committed: another connection reads it
        n = raw.execute("SELECT count(*) FROM list_members WHERE list_id = ?", (lid,)).fetchone()
        assert n == (3000,)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,city\nAnn,Omsk\n", encoding="utf-8")
    with pytest.raises(ImportFileError):
        lists.import_file(ctx.db, lid, bad, ctx.clock.now())
    pool = ctx.db.engine.pool
    held = [ctx.db.engine.raw_connection() for _ in range(max(pool.checkedin(), 1))]
    try:
        for c in held:
            assert c.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10
    finally:
        for c in held:
            c.close()
    assert lists.index_new_contacts(ctx.db) == 3000
    assert db_file.stat().st_size > before + 100 * 4096  # copied by the index's commits
