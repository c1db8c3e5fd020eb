"""Preflight renders every pending recipient and lists each failure; enqueue is
refused while any remains; the engine sends once it passes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mailer_gui.core.audience import contacts
from mailer_gui.core.content import campaigns, preflight
from mailer_gui.core.errors import StateError
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import QueueEntry, Recipient

from .conftest import configure

pytestmark = pytest.mark.backends


def _campaign(ctx, subject, html, text=None, rows=None) -> int:
    rows = (
        rows
        if rows is not None
        else [
            (2, "ann@example.org", {"first_name": "Ann", "city": "Tver"}),
            (3, "bob@example.org", {"first_name": "Bob"}),  # no city
            (4, "cid@example.org", {"first_name": "Cid", "city": "Omsk"}),
        ]
    )
    with ctx.db.write() as s:
        cid = campaigns.create(s, "P", subject, html, text, ctx.clock.now()).id
        campaigns.add_recipients(s, cid, rows)
        return cid


def _run(ctx, cid, limit=None):
    with ctx.db.read() as s:
        return preflight.preflight(s, cid, limit=limit)


def test_clean_campaign_has_no_failures(ctx):
    cid = _campaign(ctx, "Hi {{ first_name }}", "<p>{{ email }} {{ unsubscribe_url }}</p>")
    assert _run(ctx, cid) == []


def test_unknown_field_reported_for_the_rows_that_lack_it(ctx):
    cid = _campaign(ctx, "Hi {{ first_name }}", "<p>From {{ city }}</p>")
    (err,) = _run(ctx, cid)
    assert (err.row, err.email, err.field) == (3, "bob@example.org", "html")
    assert "'city' is undefined" in err.message


def test_syntax_error_reported_for_every_row(ctx):
    cid = _campaign(ctx, "Hi {{ first_name", "<p>x</p>")
    errs = _run(ctx, cid)
    assert [(e.row, e.field) for e in errs] == [(2, "subject"), (3, "subject"), (4, "subject")]
    assert all("TemplateSyntaxError" in e.message for e in errs)
    assert len(_run(ctx, cid, limit=2)) == 2


def test_sandbox_escape_reported_per_row_not_crashing(ctx):
    cid = _campaign(
        ctx,
        "{{ ''.__class__.__mro__ }}",
        "<p>{{ first_name.__class__ }}</p>",
        text="{{ lipsum.__globals__ }}",
    )
    errs = _run(ctx, cid)
    assert {(e.row, e.field) for e in errs} == {
        (r, f) for r in (2, 3, 4) for f in ("subject", "html", "text")
    }
    assert all("SecurityError" in e.message or "unsafe" in e.message for e in errs)


def test_header_injection_from_data_reported_with_the_field(ctx):
    rows = [
        (2, "ann@example.org", {"first_name": "Ann\r\nBcc: all@example.net"}),
        (3, "bob@example.org", {"first_name": "Bob"}),
    ]
    cid = _campaign(ctx, "Hi {{ first_name }}", "<p>x</p>", rows=rows)
    (err,) = _run(ctx, cid)
    assert (err.row, err.field) == (2, "subject") and "line breaks" in err.message


def test_only_pending_recipients_are_checked(ctx, tmp_path):
    cid = _campaign(ctx, "Hi {{ first_name }}", "<p>{{ city }}</p>")
    with ctx.db.write() as s:
        bob = s.scalars(select(Recipient).where(Recipient.email == "bob@example.org")).one()
        bob.status = "suppressed"
    assert _run(ctx, cid) == []


def test_enqueue_refused_until_preflight_passes_then_sends(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = _campaign(ctx, "Hi {{ first_name }}", "<p>From {{ city }}</p>")
    with ctx.db.write() as s, pytest.raises(StateError) as e:
        queue.enqueue(s, cid, ctx.clock.now())
    assert "row 3 (bob@example.org): html:" in str(e.value)
    assert "'city' is undefined" in str(e.value)
    with ctx.db.read() as s:
        assert s.scalars(select(QueueEntry).where(QueueEntry.campaign_id == cid)).all() == []
    with ctx.db.write() as s:
        campaigns.update(s, cid, ctx.clock.now(), html_body="<p>From {{ city | default('?') }}</p>")
        queue.enqueue(s, cid, ctx.clock.now())
    eng = Engine(ctx)
    eng.acquire()
    eng.run_until_idle()
    eng.release()
    assert len(smtp_server.wait_for(3)) == 3
    bodies = sorted(
        r.message.get_body(("html",)).get_content().strip() for r in smtp_server.received
    )
    assert bodies == ["<p>From ?</p>", "<p>From Omsk</p>", "<p>From Tver</p>"]


def test_attachment_over_the_cap_is_a_campaign_level_failure(ctx):
    from mailer_gui.core.store.models import Attachment

    cid = _campaign(ctx, "s", "<p>x</p>")
    with ctx.db.write() as s:
        s.add(
            Attachment(
                campaign_id=cid,
                filename="huge.bin",
                mime_type="application/zip",
                content=b"\0" * (11 * 1024 * 1024),
            )
        )
    (err,) = _run(ctx, cid)
    assert (err.row, err.field) == (None, "attachments") and "10 MB limit" in err.message


def test_preflight_over_an_imported_file_names_file_rows(ctx, tmp_path):
    with ctx.db.write() as s:
        cid = campaigns.create(
            s, "F", "Hi {{ first_name }}", "<p>{{ company }}</p>", None, ctx.clock.now()
        ).id
    p = tmp_path / "r.csv"
    p.write_text(
        "email;first_name;company\n\nann@example.org;Ann;ACME\nbob@example.org;;\n"
        "cid@example.org;Cid;X\n",
        encoding="utf-8",
    )
    contacts.import_file(ctx.db, cid, p)
    # Empty cells are empty strings, not missing fields: nothing fails.
    assert _run(ctx, cid) == []
    with ctx.db.write() as s:
        campaigns.update(s, cid, ctx.clock.now(), subject="Hi {{ frist_name }}")
    errs = _run(ctx, cid)
    assert [(e.row, e.email) for e in errs] == [
        (3, "ann@example.org"),
        (4, "bob@example.org"),
        (5, "cid@example.org"),
    ]
