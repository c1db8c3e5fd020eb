"""Reserved domains (issue 9, item 5): outside demo mode preflight refuses
recipients at the names of RFC 2606/6761 (example.com/.net/.org and their
subdomains, .test, .example, .invalid, .localhost), naming the rows, so the
sample campaign cannot go out through the operator's real account.

These tests open their data folders as the app and the CLI do outside demo
mode (``allow_reserved_domains`` False), unlike the shared ``ctx`` fixture."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mailer_gui.cli import main as cli
from mailer_gui.core.audience import addresses
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.content import campaigns
from mailer_gui.core.content.preflight import preflight
from mailer_gui.core.content.sample import (
    SAMPLE_RECIPIENTS,
    create_sample_campaign,
    write_sample_files,
)
from mailer_gui.core.context import open_context
from mailer_gui.core.errors import MailerError, StateError
from mailer_gui.core.sending import queue

ROWS = [
    "ann@example.com",
    "bob@news.example.org",
    "cat@EXAMPLE.NET",
    "dan@shop.test",
    "eve@x.example",
    "fay@nowhere.invalid",
    "gus@dev.localhost",
    "hal@plain-mail.net",
    "ida@notexample.com",
    "jon@example.com.au",
    "kim@test.de",
]
RESERVED = {
    2: "example.com",
    3: "example.org",
    4: "example.net",
    5: ".test",
    6: ".example",
    7: ".invalid",
    8: ".localhost",
}
# The address check already refuses these special-use names; rows stored by an
# older version may still hold them, so preflight checks them as well.
REFUSED_AT_IMPORT = {5, 7, 8}


@pytest.mark.parametrize(
    "email,name",
    [
        ("a@example.com", "example.com"),
        ("a@b.c.example.net", "example.net"),
        ("a@Example.Org.", "example.org"),
        ("a@x.TEST", ".test"),
        ("a@localhost.localhost", ".localhost"),
        ("a@example.co", None),
        ("a@myexample.com", None),
        ("a@test.com", None),
        ("a@example.com.ru", None),
        ("a@invalid.de", None),
    ],
)
def test_reserved_domain_names(email, name):
    assert addresses.reserved_domain(email) == name


@pytest.fixture
def plain_ctx(tmp_path, clock):
    """A data folder as the app opens it outside demo mode."""
    c = open_context(tmp_path / "plain", clock=clock, secrets=SecretStore(use_env=False))
    yield c
    c.close()


def test_preflight_refuses_reserved_domains_naming_the_rows(plain_ctx):
    now = plain_ctx.clock.now()
    with plain_ctx.db.write() as s:
        cid = campaigns.create(s, "R", "Hi", "<p>x</p>", None, now).id
        with pytest.raises(MailerError, match="row 5: 'dan@shop.test'.*special-use"):
            campaigns.add_recipients(s, cid, [(i + 2, e, {}) for i, e in enumerate(ROWS)])
        campaigns.add_recipients(
            s, cid, [(i + 2, e, {}) for i, e in enumerate(ROWS) if i + 2 not in REFUSED_AT_IMPORT]
        )
        for row in REFUSED_AT_IMPORT:  # as an older version stored them
            s.connection().exec_driver_sql(
                "INSERT INTO recipients (campaign_id, email, email_norm, fields, row_number, "
                "status, attempts) VALUES (?, ?, ?, '{}', ?, 'pending', 0)",
                (cid, ROWS[row - 2], ROWS[row - 2].lower(), row),
            )
    with plain_ctx.db.read() as s:
        errors = preflight(s, cid)
    assert {e.row: e.field for e in errors} == dict.fromkeys(RESERVED, "to")
    for e in errors:
        assert RESERVED[e.row] in e.message and "RFC 2606/6761" in e.message
    with plain_ctx.db.write() as s, pytest.raises(StateError, match=r"row 2 \(ann@example\.com\)"):
        queue.enqueue(s, cid, now)
    with pytest.raises(StateError, match="row 3"):
        queue.enqueue_checked(plain_ctx.db, cid, now)


def test_demo_mode_and_the_test_harness_may_queue_them(tmp_path, clock):
    ctx = open_context(tmp_path / "demo", clock=clock, allow_reserved_domains=True)
    try:
        now = ctx.clock.now()
        with ctx.db.write() as s:
            cid = create_sample_campaign(s, now)
        with ctx.db.read() as s:
            assert preflight(s, cid) == []
        assert queue.enqueue_checked(ctx.db, cid, now) == "queued"
    finally:
        ctx.close()


def test_the_sample_campaign_cannot_be_queued_outside_demo_mode(plain_ctx):
    """ "Open the sample campaign" then "Put in queue" sent 25 messages to example.com/.org."""
    now = plain_ctx.clock.now()
    with plain_ctx.db.write() as s:
        cid = create_sample_campaign(s, now)
    with plain_ctx.db.read() as s:
        errors = preflight(s, cid)
    assert [e.row for e in errors] == list(range(2, 2 + len(SAMPLE_RECIPIENTS)))
    with pytest.raises(StateError, match="reserved domain"):
        queue.enqueue_checked(plain_ctx.db, cid, now)


def test_a_test_send_to_a_reserved_domain_is_refused_outside_demo_mode(plain_ctx):
    with plain_ctx.db.write() as s:
        cid = campaigns.create(s, "T", "Hi", "<p>x</p>", None, plain_ctx.clock.now()).id
        with pytest.raises(MailerError, match="you@example.com: example.com is a reserved"):
            campaigns.test_send(s, cid, "you@example.com", plain_ctx.clock.now())


def test_cli_enqueue_of_the_sample_files_is_refused_with_the_rows(tmp_path, capsys):
    data = tmp_path / "data"
    sample = write_sample_files(tmp_path / "sample")
    html, text, csv_file = (str(p) for p in sample)

    def run(*args: str) -> int:
        return cli.main(["--data-dir", str(data), *args])  # as typed: no demo, no harness

    assert (
        run(
            "campaign",
            "create",
            "--name",
            "Spring",
            "--subject",
            "Hi",
            "--html-file",
            html,
            "--text-file",
            text,
        )
        == 0
    )
    cid = capsys.readouterr().out.strip()
    assert run("campaign", "add-recipients", cid, csv_file) == 0
    capsys.readouterr()
    assert run("campaign", "enqueue", cid) == 1
    err = capsys.readouterr().err
    assert "row 2 (alice.martin@example.com): to: example.com is a reserved domain" in err
    assert "row 3 (boris.ivanov@example.org)" in err
    assert len(err.strip().splitlines()) == 1
    con = sqlite3.connect(Path(data) / "mailer.db")
    try:
        assert con.execute("SELECT count(*) FROM queue_entries").fetchone() == (0,)
    finally:
        con.close()
    assert run("campaign", "preflight", cid) == 1
    out = capsys.readouterr()
    assert "row 26 (yusuf.demir@example.com)" in out.out + out.err
