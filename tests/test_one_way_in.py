"""One way in for an address (issue 9, item 2): every path that adds
recipients validates, stores (IDN domain as punycode), de-duplicates and
applies the suppression list the same way; and one recipient whose message
cannot be composed or sent fails alone while the run goes on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from mailer_gui.cli import main as cli
from mailer_gui.core.audience import contacts, suppression
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.sending.smtp import SmtpTransport
from mailer_gui.core.store.models import Recipient

from .conftest import configure, drain
from .smtp_server import TestSmtpServer

InvalidRecipients = getattr(contacts, "InvalidRecipients", ValueError)

IDN_ASCII = "xn--bcher-kva.de"  # bücher.de as its A-label


def run_cli(data: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(data), *args])


def db_rows(data: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(data / "mailer.db")
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def cli_campaign(data: Path, tmp_path: Path, server: TestSmtpServer, capsys) -> int:
    html = tmp_path / "body.html"
    html.write_text("<p>Hello {{ first_name }}</p>", encoding="utf-8")
    assert (
        run_cli(
            data,
            "config",
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            str(server.port),
            "--security",
            "none",
            "--from-addr",
            "news@shop-mail.net",
        )
        == 0
    )
    assert (
        run_cli(
            data,
            "config",
            "limits",
            "--hours",
            "00:00-24:00",
            "--days",
            "mon-sun",
            "--timezone",
            "UTC",
        )
        == 0
    )
    capsys.readouterr()
    assert (
        run_cli(
            data, "campaign", "create", "--name", "IDN", "--subject", "Hi", "--html-file", str(html)
        )
        == 0
    )
    return int(capsys.readouterr().out.strip())


def test_suppressed_idn_address_added_by_cli_is_suppressed_and_the_run_goes_on(
    tmp_path, smtp_server, capsys
):
    """The issue's scenario: `suppression add Anna@Bücher.de`, then
    `add-recipients` of anna@bücher.de stored it pending and every `run` exited 1
    with "'ascii' codec can't encode character '\\xfc'"."""
    data = tmp_path / "data"
    cid = cli_campaign(data, tmp_path, smtp_server, capsys)
    assert run_cli(data, "suppression", "add", "Anna@Bücher.de") == 0
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        f"email,first_name\nanna@bücher.de,Anna\nbob@bücher.de,Bob\nBOB@{IDN_ASCII},Bob again\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run_cli(data, "campaign", "add-recipients", str(cid), str(csv_file)) == 0
    assert "added 1, duplicates skipped 1, suppressed 1" in capsys.readouterr().out
    assert db_rows(data, "SELECT email, email_norm, status FROM recipients ORDER BY id") == [
        (f"anna@{IDN_ASCII}", f"anna@{IDN_ASCII}", "suppressed"),
        (f"bob@{IDN_ASCII}", f"bob@{IDN_ASCII}", "pending"),
    ]
    assert run_cli(data, "campaign", "enqueue", str(cid)) == 0
    assert run_cli(data, "run", "--until-idle") == 0
    assert "1 message(s) sent" in capsys.readouterr().out
    (got,) = smtp_server.received
    assert got.rcpt_tos == [f"bob@{IDN_ASCII}"]
    assert got.message["To"] == f"bob@{IDN_ASCII}"


def test_legacy_rows_fail_alone_and_an_idn_domain_goes_out_as_its_a_label(
    tmp_path, smtp_server, capsys
):
    """Rows stored before there was one way in (raw, not normalised): a
    non-ASCII local part fails that recipient with a reason naming SMTPUTF8, an
    IDN domain is sent with its A-label in the envelope and the header, an
    unencodable field value fails that one message; the rest is sent."""
    data = tmp_path / "data"
    cid = cli_campaign(data, tmp_path, smtp_server, capsys)
    con = sqlite3.connect(data / "mailer.db")
    with con:
        for row, email, fields in (
            (2, "ännä@bücher.de", '{"first_name": "Anna"}'),
            (3, "carl@bücher.de", '{"first_name": "Carl"}'),
            (4, "dora@plain-mail.net", '{"first_name": "D\\udcffra"}'),
            (5, "emil@plain-mail.net", '{"first_name": "Emil"}'),
        ):
            con.execute(
                "INSERT INTO recipients (campaign_id, email, email_norm, fields, "
                "row_number, status, attempts) VALUES (?, ?, ?, ?, ?, 'pending', 0)",
                (cid, email, email.lower(), fields, row),
            )
    con.close()
    assert run_cli(data, "campaign", "enqueue", str(cid)) == 1  # preflight names row 2
    assert "row 2" in capsys.readouterr().err
    # Queued anyway (as a database from an older version could hold it):
    from mailer_gui.core.context import open_context

    ctx = open_context(data)
    try:
        with ctx.db.write() as s:
            queue.enqueue(s, cid, ctx.clock.now(), checked=True)
    finally:
        ctx.close()
    assert run_cli(data, "run", "--until-idle") == 0
    assert "2 message(s) sent" in capsys.readouterr().out
    status = {
        e: (st, reply)
        for e, st, reply in db_rows(data, "SELECT email, status, reply FROM recipients")
    }
    assert status["ännä@bücher.de"][0] == "failed"
    assert "SMTPUTF8" in status["ännä@bücher.de"][1]
    assert status["carl@bücher.de"][0] == "sent"
    assert status["dora@plain-mail.net"][0] == "failed"
    assert "could not be built" in status["dora@plain-mail.net"][1]
    assert status["emil@plain-mail.net"][0] == "sent"
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        f"carl@{IDN_ASCII}",
        "emil@plain-mail.net",
    ]
    carl = next(r for r in smtp_server.received if r.rcpt_tos == [f"carl@{IDN_ASCII}"])
    assert carl.message["To"] == f"carl@{IDN_ASCII}"
    # Entry finished; nothing was held.
    assert db_rows(data, "SELECT status FROM queue_entries") == [("completed_with_errors",)]


class _FaultyTransport(SmtpTransport):
    """A real transport that hits an unexpected error (a bug, say) for one
    address before anything goes, and for another once the body went out,
    reading the server's verdict (which the engine reads at its next step)."""

    def send_owing_reply(self, msg, from_addr, to_addr, before_body=None):  # type: ignore[override]
        if to_addr.startswith("boom@"):
            raise RuntimeError("unexpected")
        got = super().send_owing_reply(msg, from_addr, to_addr, before_body=before_body)
        if not to_addr.startswith("late@"):
            return got

        def verdict():
            got()
            raise RuntimeError("unexpected, late")

        return verdict


def test_an_unexpected_error_sending_one_message_fails_that_recipient_only(ctx, smtp_server):
    configure(ctx, smtp_server)
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c = campaigns.create(s, "Boom", "Hi", "<p>x</p>", None, now)
        campaigns.add_recipients(
            s,
            c.id,
            [
                (2, "a@plain-mail.net", {}),
                (3, "boom@plain-mail.net", {}),
                (4, "c@plain-mail.net", {}),
                (5, "late@plain-mail.net", {}),
                (6, "d@plain-mail.net", {}),
            ],
        )
        queue.enqueue(s, c.id, now)
    eng = Engine(ctx, transport_factory=_FaultyTransport)
    eng.acquire()
    try:
        eng.run_until_idle()
    finally:
        eng.release()
    with ctx.db.read() as s:
        got = {r.email: (r.status, r.reply) for r in s.scalars(select(Recipient))}
    assert got["boom@plain-mail.net"][0] == "failed"
    assert "RuntimeError" in got["boom@plain-mail.net"][1]
    assert got["a@plain-mail.net"][0] == got["c@plain-mail.net"][0] == "sent"
    # The body went out: it may have been delivered, so it is never sent again by itself.
    assert got["late@plain-mail.net"][0] == "uncertain"
    assert "RuntimeError: unexpected, late" in got["late@plain-mail.net"][1]
    assert got["d@plain-mail.net"][0] == "sent"  # and the run goes on
    assert len(smtp_server.received) == 4


# ------------------------------------------------- every way in, the same result

ROWS = [
    ("Anna@Bücher.de", "Anna"),  # suppressed (listed as anna@bücher.de)
    (f"ANNA@{IDN_ASCII}", "Anna dup"),  # the same address
    ("bob@plain-mail.net", "Bob"),
    ("  Bob@Plain-Mail.NET ", "Bob dup"),
    ("carl@bücher.de", "Carl"),
]
EXPECTED = [
    (f"Anna@{IDN_ASCII}", f"anna@{IDN_ASCII}", "suppressed", 2),
    ("bob@plain-mail.net", "bob@plain-mail.net", "pending", 4),
    (f"carl@{IDN_ASCII}", f"carl@{IDN_ASCII}", "pending", 6),
]


def _csv(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    p = tmp_path / "rows.csv"
    p.write_text("email,first_name\n" + "".join(f"{e},{n}\n" for e, n in rows), encoding="utf-8")
    return p


def _via_api(ctx, cid, tmp_path, rows):
    with ctx.db.write() as s:
        c = campaigns.add_recipients(
            s, cid, [(i + 2, e, {"first_name": n}) for i, (e, n) in enumerate(rows)]
        )
    return c["added"], c["duplicate"], c["suppressed"]


def _via_import(ctx, cid, tmp_path, rows):
    res = contacts.import_file(ctx.db, cid, _csv(tmp_path, rows))  # the wizard's call
    return res.imported, res.duplicate, res.suppressed


def _via_cli(ctx, cid, tmp_path, rows):
    ctx.db.dispose()
    assert (
        cli.main(
            [
                "--data-dir",
                str(ctx.data_dir),
                "campaign",
                "add-recipients",
                str(cid),
                str(_csv(tmp_path, rows)),
            ]
        )
        == 0
    )
    return None


def _via_cli_import(ctx, cid, tmp_path, rows):
    ctx.db.dispose()
    assert (
        cli.main(
            [
                "--data-dir",
                str(ctx.data_dir),
                "campaign",
                "import",
                str(cid),
                str(_csv(tmp_path, rows)),
            ]
        )
        == 0
    )
    return None


PATHS = {
    "api": _via_api,
    "import": _via_import,
    "cli add-recipients": _via_cli,
    "cli import": _via_cli_import,
}


@pytest.mark.parametrize("path", PATHS)
def test_every_way_in_validates_dedups_and_suppresses_alike(ctx, tmp_path, path, capsys):
    with ctx.db.write() as s:
        suppression.add(s, "anna@bücher.de", "manual", ctx.clock.now())
        cid = campaigns.create(s, "Same", "Hi", "<p>x</p>", None, ctx.clock.now()).id
    counts = PATHS[path](ctx, cid, tmp_path, ROWS)
    if counts is not None:
        assert counts == (2, 2, 1)
    elif path == "cli import":
        assert "imported 2, invalid 0, duplicate 2, suppressed 1" in capsys.readouterr().out
    else:
        assert "added 2, duplicates skipped 2, suppressed 1" in capsys.readouterr().out
    with ctx.db.read() as s:
        got = [
            (r.email, r.email_norm, r.status, r.row_number)
            for r in s.scalars(
                select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.row_number)
            )
        ]
        fields = [r.fields for r in s.scalars(select(Recipient).order_by(Recipient.row_number))]
    assert got == EXPECTED
    assert fields[0] == {"first_name": "Anna"}
    # Added again the same way: every row is a duplicate now.
    PATHS[path](ctx, cid, tmp_path, ROWS[2:3])
    with ctx.db.read() as s:
        assert len(list(s.scalars(select(Recipient)))) == 3


@pytest.mark.parametrize("path", PATHS)
def test_every_way_in_refuses_an_invalid_address_with_the_same_reason(ctx, tmp_path, path, capsys):
    with ctx.db.write() as s:
        cid = campaigns.create(s, "Bad", "Hi", "<p>x</p>", None, ctx.clock.now()).id
    rows = [("ok@plain-mail.net", "Ok"), ("ännä@bücher.de", "Anna"), ("x@@y", "X")]
    reason = "not a valid email address: Internationalized characters before the @-sign"
    if path in ("api", "cli add-recipients"):  # all or nothing: the rows are named
        if path == "api":
            with pytest.raises(InvalidRecipients) as exc:
                _via_api(ctx, cid, tmp_path, rows)
            err = str(exc.value)
        else:
            ctx.db.dispose()
            assert (
                cli.main(
                    [
                        "--data-dir",
                        str(ctx.data_dir),
                        "campaign",
                        "add-recipients",
                        str(cid),
                        str(_csv(tmp_path, rows)),
                    ]
                )
                == 1
            )
            err = capsys.readouterr().err
        assert "row 3: 'ännä@bücher.de' " + reason in err and "row 4: 'x@@y'" in err
        assert "nothing was added" in err
        with ctx.db.read() as s:
            assert list(s.scalars(select(Recipient))) == []
    else:  # an import keeps the valid rows and lists the rejected ones
        res = contacts.import_file(ctx.db, cid, _csv(tmp_path, rows))
        assert (res.imported, res.invalid) == (1, 2)
        assert [(r.row, r.reason.startswith(reason)) for r in res.rejects[:1]] == [(3, True)]
        assert res.rejects[1].row == 4


def test_a_test_send_address_is_stored_as_every_recipient_is(ctx, smtp_server):
    configure(ctx, smtp_server)
    with ctx.db.write() as s:
        cid = campaigns.create(s, "T", "Hi", "<p>x</p>", None, ctx.clock.now()).id
        entry = campaigns.test_send(s, cid, " Me@Bücher.de ", ctx.clock.now())
        r = s.scalars(select(Recipient).where(Recipient.test_entry_id == entry.id)).one()
        assert (r.email, r.email_norm) == (f"Me@{IDN_ASCII}", f"me@{IDN_ASCII}")
        with pytest.raises(Exception, match="is not an email address: Internationalized"):
            campaigns.test_send(s, cid, "mé@bücher.de", ctx.clock.now())
    drain(ctx)
    assert smtp_server.received[0].rcpt_tos == [f"Me@{IDN_ASCII}"]


def test_the_sample_goes_through_the_one_way_in(ctx):
    from mailer_gui.core.content.sample import SAMPLE_RECIPIENTS, create_sample_campaign

    with ctx.db.write() as s:
        suppression.add(s, SAMPLE_RECIPIENTS[0][2].upper(), "manual", ctx.clock.now())
        cid = create_sample_campaign(s, ctx.clock.now())
        statuses = [
            r.status
            for r in s.scalars(
                select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.id)
            )
        ]
    assert statuses[0] == "suppressed" and set(statuses[1:]) == {"pending"}
    assert len(statuses) == len(SAMPLE_RECIPIENTS)
