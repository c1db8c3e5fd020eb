"""Issue 9 item 4: a campaign that has sent cannot be edited silently.

Content (subject, bodies, attachments, reply-to) is read-only while the campaign
is live and has sent; after a pause an edit says how many already received the
earlier version and needs confirming; each recipient records the version it
was sent, and the report names the subject each got. Real SQLite, real SMTP.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import select

from mailer_gui.core.config import settings
from mailer_gui.core.content import attachments, campaigns
from mailer_gui.core.reports.campaign import campaign_report
from mailer_gui.core.sending import queue
from mailer_gui.core.store import db as dbmod
from mailer_gui.core.store.models import Campaign, CampaignVersion, Recipient

from .conftest import configure, drain, make_campaign

pytestmark = pytest.mark.backends


def _half_sent(ctx, smtp_server, clock) -> int:
    """35 recipients, hourly limit 4: four are sent, then the campaign waits."""
    configure(ctx, smtp_server, hourly=4)
    cid = make_campaign(ctx, 35)
    drain(ctx)
    assert len(smtp_server.received) == 4
    with ctx.db.read() as s:
        assert queue.campaign_entry(s, cid).status == "deferred"
    return cid


def test_content_of_a_live_campaign_that_has_sent_is_refused(ctx, smtp_server, clock, tmp_path):
    cid = _half_sent(ctx, smtp_server, clock)
    for change in (
        {"subject": "New"},
        {"html_body": "<p>x</p>"},
        {"text_body": "x"},
        {"reply_to": "other@example.com"},
    ):
        with pytest.raises(campaigns.ContentLockedError) as err, ctx.db.write() as s:
            campaigns.update(s, cid, clock.now(), confirm_sent=True, **change)
        assert err.value.code == "content_locked" and err.value.received == 4
        assert "pause it to edit" in str(err.value)
    f = tmp_path / "a.txt"
    f.write_text("x")
    with pytest.raises(campaigns.ContentLockedError), ctx.db.write() as s:
        attachments.attach_file(s, cid, f, confirm_sent=True)
    with ctx.db.write() as s:  # the name is not content: allowed
        campaigns.update(s, cid, clock.now(), name="Renamed")
    with ctx.db.read() as s:
        c = s.get(Campaign, cid)
        assert (c.name, c.subject, c.html_body, c.content_version) == (
            "Renamed",
            "Hello {{ first_name }}",
            "<p>Dear {{ first_name }},</p><p>News.</p>",
            1,
        )
        assert attachments.list_for(s, cid) == []


def test_a_queued_campaign_that_has_not_sent_may_still_change(ctx, clock):
    cid = make_campaign(ctx, 3)
    with ctx.db.write() as s:
        campaigns.update(s, cid, clock.now(), subject="Better")
    with ctx.db.read() as s:
        assert s.get(Campaign, cid).content_version == 1
        assert s.scalars(
            select(CampaignVersion.subject).where(CampaignVersion.campaign_id == cid)
        ).all() == ["Better"]


def test_after_a_pause_the_edit_counts_who_received_and_the_report_names_each_version(
    ctx, smtp_server, clock
):
    cid = _half_sent(ctx, smtp_server, clock)
    with ctx.db.write() as s:
        queue.pause(s, cid, clock.now())
    with ctx.db.read() as s:
        state = campaigns.content_state(s, cid)
    assert not state.locked and state.needs_confirmation and state.received == 4
    with pytest.raises(campaigns.ConfirmationNeeded) as err, ctx.db.write() as s:
        campaigns.update(s, cid, clock.now(), subject="Second {{ first_name }}")
    assert err.value.received == 4 and "4 recipient(s) already received" in str(err.value)
    with ctx.db.read() as s:
        assert s.get(Campaign, cid).subject == "Hello {{ first_name }}"
    with ctx.db.write() as s:
        campaigns.update(s, cid, clock.now(), confirm_sent=True, subject="Second {{ first_name }}")
        # A second edit before anyone got version 2 stays version 2.
        campaigns.update(s, cid, clock.now(), confirm_sent=True, subject="New {{ first_name }}")
        settings.save_limits(s, replace(settings.load(s).limits, hourly=100))
        queue.resume(s, cid, clock.now())
    drain(ctx)
    subjects = [r.message["Subject"] for r in smtp_server.received]
    assert len(subjects) == 35
    assert all(x.startswith("Hello ") for x in subjects[:4])
    assert all(x.startswith("New ") for x in subjects[4:])
    with ctx.db.read() as s:
        versions = s.scalars(
            select(Recipient.content_version)
            .where(Recipient.campaign_id == cid)
            .order_by(Recipient.id)
        ).all()
        assert versions == [1] * 4 + [2] * 31
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        rows = list(rep.rows)
        assert rep.summary.versions == (
            (1, "Hello {{ first_name }}", 4),
            (2, "New {{ first_name }}", 31),
        )
    assert [(r.version, r.subject) for r in rows[:4]] == [(1, "Hello {{ first_name }}")] * 4
    assert {(r.version, r.subject) for r in rows[4:]} == {(2, "New {{ first_name }}")}


def test_attachments_are_content_too(ctx, smtp_server, clock, tmp_path):
    cid = _half_sent(ctx, smtp_server, clock)
    with ctx.db.write() as s:
        queue.pause(s, cid, clock.now())
    f = tmp_path / "price.txt"
    f.write_text("prices")
    with pytest.raises(campaigns.ConfirmationNeeded), ctx.db.write() as s:
        attachments.attach_file(s, cid, f)
    with ctx.db.write() as s:
        att = attachments.attach_file(s, cid, f, confirm_sent=True, now=clock.now())
        assert s.get(Campaign, cid).content_version == 2
        assert attachments.remove(s, cid, att.id, confirm_sent=True)
        assert s.get(Campaign, cid).content_version == 2  # nobody got version 2 yet


def test_migration_0003_starts_every_campaign_at_version_1(tmp_path):
    d = dbmod.Database(tmp_path / "mailer.db")
    cfg = dbmod._alembic_config(d)
    with d.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    con = sqlite3.connect(d.path)
    con.execute(
        "INSERT INTO campaigns (id, name, subject, html_body, created_at, updated_at)"
        " VALUES (1, 'Old', 'Old subject', '', '2026-11-01 10:00:00.000000',"
        " '2026-11-01 10:00:00.000000')"
    )
    for i, (status, attempts) in enumerate((("sent", 1), ("pending", 0))):
        con.execute(
            "INSERT INTO recipients (campaign_id, email, email_norm, fields, status,"
            " attempts) VALUES (1, ?, ?, '{}', ?, ?)",
            (f"r{i}@x.org", f"r{i}@x.org", status, attempts),
        )
    con.execute(
        "INSERT INTO slot_ledger (at, recipient_id, campaign_id)"
        " VALUES ('2026-11-01 10:00:00.000000', 1, 1)"
    )
    con.commit()
    con.close()
    dbmod.upgrade(d)
    con = sqlite3.connect(d.path)
    assert con.execute("SELECT content_version FROM campaigns").fetchall() == [(1,)]
    assert con.execute(
        "SELECT campaign_id, version, subject FROM campaign_versions"
    ).fetchall() == [(1, 1, "Old subject")]
    assert con.execute("SELECT content_version FROM recipients ORDER BY id").fetchall() == [
        (1,),
        (None,),
    ]
    assert con.execute("SELECT hourly_limit, monthly_limit FROM slot_ledger").fetchall() == [
        (None, None)
    ]
    con.close()
    d.dispose()


def test_cli_attach_asks_for_confirm_sent(ctx, smtp_server, clock, tmp_path, capsys):
    from mailer_gui.cli import main as cli

    cid = _half_sent(ctx, smtp_server, clock)
    f = tmp_path / "a.txt"
    f.write_text("x")
    args = ["--data-dir", str(ctx.data_dir), "campaign", "attach", str(cid), str(f)]
    assert cli.main(args) == 1
    assert "pause it to edit" in capsys.readouterr().err
    with ctx.db.write() as s:
        queue.pause(s, cid, clock.now())
    assert cli.main(args) == 1
    assert "--confirm-sent" in capsys.readouterr().err
    assert cli.main([*args, "--confirm-sent"]) == 0
    with ctx.db.read() as s:
        assert [a.filename for a in attachments.list_for(s, cid)] == ["a.txt"]
        assert s.get(Campaign, cid).content_version == 2
