"""The suppression list: add, remove, list, import; applied on import; fed by
the engine's 5xx-at-RCPT failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from mailer_gui.core.audience import contacts, suppression
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Recipient, Suppression

from .conftest import configure, make_campaign

pytestmark = pytest.mark.backends


def test_add_remove_list(ctx, clock):
    with ctx.db.write() as s:
        assert suppression.add(s, " Ann@Example.COM ", "unsubscribed", clock.now())
        assert not suppression.add(s, "ann@example.com", "manual", clock.now())
        assert suppression.add(s, "bob@пример.рф", "manual", clock.now() + timedelta(seconds=1))
    with ctx.db.read() as s:
        entries = suppression.list_all(s)
        assert [(e.email_norm, e.reason) for e in entries] == [
            ("bob@xn--e1afmkfd.xn--p1ai", "manual"),
            ("ann@example.com", "unsubscribed"),
        ]
        assert suppression.is_suppressed(s, "BOB@xn--e1afmkfd.xn--p1ai")
    with ctx.db.write() as s:
        assert suppression.remove(s, "ANN@example.com")
        assert not suppression.remove(s, "ann@example.com")
    with ctx.db.read() as s:
        assert [e.email_norm for e in suppression.list_all(s)] == ["bob@xn--e1afmkfd.xn--p1ai"]


def test_add_refuses_bad_input(ctx, clock):
    with ctx.db.write() as s:
        with pytest.raises(suppression.SuppressionError, match="not an email address"):
            suppression.add(s, "nobody", "manual", clock.now())
        with pytest.raises(suppression.SuppressionError, match="reason 'spam'"):
            suppression.add(s, "a@example.com", "spam", clock.now())


def test_import_plain_list_and_table(ctx, clock, tmp_path):
    plain = tmp_path / "list.txt"
    plain.write_text("a@example.com\nB@EXAMPLE.COM\n\nnot an address\na@example.com\n")
    assert suppression.import_file(ctx.db, plain, clock.now()) == 2
    table = tmp_path / "unsub.csv"
    table.write_bytes("Имя;Эл. почта\nВася;c@example.com\nБорис;b@example.com\n".encode("cp1251"))
    assert suppression.import_file(ctx.db, table, clock.now()) == 1
    wb = Workbook()
    wb.active.append(["email"])
    wb.active.append(["d@example.com"])
    wb.save(tmp_path / "u.xlsx")
    assert suppression.import_file(ctx.db, tmp_path / "u.xlsx", clock.now()) == 1
    with ctx.db.read() as s:
        assert sorted(e.email_norm for e in suppression.list_all(s)) == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
            "d@example.com",
        ]


def test_import_refuses_table_without_email_column(ctx, clock, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("name;phone\nVasya;123\n")
    with pytest.raises(suppression.SuppressionError, match="row 1: no email column"):
        suppression.import_file(ctx.db, p, clock.now())
    with ctx.db.read() as s:
        assert suppression.list_all(s) == []


def test_suppressed_addresses_are_stored_as_suppressed_never_pending(ctx, clock, tmp_path):
    with ctx.db.write() as s:
        suppression.add(s, "gone@example.com", "hard_bounce", clock.now())
        cid = campaigns.create(s, "S", "s", "<p>x</p>", None, clock.now()).id
    p = tmp_path / "r.csv"
    p.write_text("email\nGONE@example.com\nstay@example.com\n")
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.suppressed) == (1, 1)
    with ctx.db.read() as s:
        got = dict(
            s.execute(
                select(Recipient.email_norm, Recipient.status).where(Recipient.campaign_id == cid)
            ).all()
        )
    assert got == {"gone@example.com": "suppressed", "stay@example.com": "pending"}


def test_engine_adds_hard_bounces_and_next_import_applies_them(ctx, smtp_server, tmp_path):
    configure(ctx, smtp_server)
    smtp_server.rules["rcpt:r1@example.org"] = "550 5.1.1 no such user"
    make_campaign(ctx, 3)
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    eng.release()
    with ctx.db.read() as s:
        entry = s.get(Suppression, "r1@example.org")
        assert entry is not None and entry.reason == "hard_bounce"
    with ctx.db.write() as s:
        cid = campaigns.create(s, "Next", "s", "<p>x</p>", None, ctx.clock.now()).id
    p = tmp_path / "next.csv"
    p.write_text("email\nR1@example.org\nr2@example.org\n")
    res = contacts.import_file(ctx.db, cid, p)
    assert (res.imported, res.suppressed) == (1, 1)
