"""The headless CLI contract: commands, JSON status, exit codes, bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from mailer_gui.cli import main as cli

from .smtp_server import TestSmtpServer


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(data: Path, *args: str, stdin: str | None = None, monkeypatch=None) -> int:
    # Test harness: the server is local, so reserved example domains may be queued.
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


def dump(data: Path) -> list[str]:
    con = sqlite3.connect(data / "mailer.db")
    try:
        return list(con.iterdump())
    finally:
        con.close()


def files(tmp_path: Path) -> dict[str, Path]:
    html = tmp_path / "body.html"
    html.write_text("<p>Hello {{ first_name }}</p>", encoding="utf-8")
    csv_ok = tmp_path / "people.csv"
    csv_ok.write_text(
        "email,first_name\nann@example.org,Ann\nbob@example.org,Bob\nANN@example.org,Dup\n",
        encoding="utf-8",
    )
    return {"html": html, "csv": csv_ok}


def setup_campaign(data: Path, tmp_path: Path, server: TestSmtpServer, capsys) -> int:
    f = files(tmp_path)
    assert (
        run(
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
            "news@example.com",
        )
        == 0
    )
    assert (
        run(
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
        run(
            data,
            "campaign",
            "create",
            "--name",
            "Nov",
            "--subject",
            "Hi {{ first_name }}",
            "--html-file",
            str(f["html"]),
        )
        == 0
    )
    cid = int(capsys.readouterr().out.strip())
    assert run(data, "campaign", "add-recipients", str(cid), str(f["csv"])) == 0
    assert "added 2, duplicates skipped 1" in capsys.readouterr().out
    return cid


def test_full_flow_and_status_json_contract(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "status", "--json") == 0
    capsys.readouterr()
    assert run(data, "run", "--until-idle") == 0
    assert "2 message(s) sent" in capsys.readouterr().out
    assert run(data, "status", "--json") == 0
    snap = json.loads(capsys.readouterr().out)
    assert set(snap) >= {"active_campaign", "queued_count", "next_campaign_at", "limits", "entries"}
    assert snap["active_campaign"] is None and snap["queued_count"] == 0
    assert snap["limits"]["hourly"]["used"] == 2 and snap["limits"]["hourly"]["limit"] == 100
    assert snap["limits"]["monthly"]["used"] == 2
    assert snap["limits"]["monthly"]["resets_at"].endswith("+00:00")
    (entry,) = snap["entries"]
    assert set(entry) >= {
        "campaign_id",
        "name",
        "kind",
        "status",
        "position",
        "reason_code",
        "next_run_at",
        "counts",
        "eta",
    }
    assert entry["kind"] == "campaign" and entry["status"] == "completed"
    assert entry["counts"] == {
        "pending": 0,
        "sending": 0,
        "sent": 2,
        "failed": 0,
        "uncertain": 0,
        "suppressed": 0,
        "bounced": 0,
    }
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ann@example.org",
        "bob@example.org",
    ]


def test_scheduled_start_and_pause_resume_cancel(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert (
        run(data, "campaign", "enqueue", str(cid), "--start-at", "2099-01-01T09:00:00+03:00") == 0
    )
    run(data, "status", "--json")
    capsys.readouterr()
    assert run(data, "run", "--until-idle") == 0
    assert smtp_server.received == []
    capsys.readouterr()
    run(data, "status", "--json")
    entry = json.loads(capsys.readouterr().out)["entries"][0]
    assert (entry["status"], entry["reason_code"]) == ("deferred", "scheduled")
    assert entry["next_run_at"] == "2099-01-01T06:00:00+00:00"
    assert run(data, "campaign", "pause", str(cid)) == 0
    capsys.readouterr()
    run(data, "status", "--json")
    entry = json.loads(capsys.readouterr().out)["entries"][0]
    assert (entry["status"], entry["reason_code"], entry["next_run_at"]) == (
        "paused",
        "paused",
        None,
    )
    assert run(data, "campaign", "resume", str(cid)) == 0
    capsys.readouterr()
    run(data, "status", "--json")
    entry = json.loads(capsys.readouterr().out)["entries"][0]
    assert (entry["status"], entry["reason_code"]) == ("deferred", "scheduled")
    assert run(data, "campaign", "cancel", str(cid)) == 0
    capsys.readouterr()
    run(data, "status", "--json")
    entry = json.loads(capsys.readouterr().out)["entries"][0]
    assert entry["status"] == "cancelled"


def test_test_send_goes_through_the_engine_and_counts(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "test-send", str(cid), "--to", "me@example.com", "--row", "2") == 0
    out = capsys.readouterr().out
    assert out.startswith("sent to me@example.com: 250")
    (got,) = smtp_server.received
    assert got.rcpt_tos == ["me@example.com"] and got.message["Subject"] == "Hi Bob"
    run(data, "status", "--json")
    snap = json.loads(capsys.readouterr().out)
    assert snap["limits"]["hourly"]["used"] == 1
    assert [e["kind"] for e in snap["entries"]] == ["test"]


def test_no_keychain_password_from_environment(data, tmp_path, capsys, monkeypatch):
    server = TestSmtpServer(user="u", password="s3cret").start()
    try:
        keyring.set_keyring(fail.Keyring())
        cid = setup_campaign(data, tmp_path, server, capsys)
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO("s3cret\n"))
        assert (
            run(
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
                "news@example.com",
                "--user",
                "u",
                "--password-stdin",
            )
            == 0
        )
        assert "no OS keychain" in capsys.readouterr().err
        assert "s3cret" not in "\n".join(dump(data))
        assert run(data, "campaign", "enqueue", str(cid)) == 0
        run(data, "run", "--until-idle")
        run(data, "status", "--json")
        out = capsys.readouterr().out
        entry = json.loads(out[out.index("{") :])["entries"][0]
        assert entry["reason_code"] == "smtp_not_configured"
        monkeypatch.setenv("MAILER_GUI_SMTP_PASSWORD", "s3cret")
        assert (
            run(
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
                "news@example.com",
                "--user",
                "u",
            )
            == 0
        )
        assert run(data, "run", "--until-idle") == 0
        assert len(server.received) == 2
    finally:
        server.stop()


@pytest.mark.parametrize(
    "args,message",
    [
        (["campaign", "enqueue", "99"], "campaign 99 does not exist"),
        (["campaign", "pause", "99"], "campaign 99 does not exist"),
        (["campaign", "add-recipients", "1", "/nonexistent.csv"], "does not exist"),
        (
            ["campaign", "create", "--name", "X", "--subject", "S", "--html-file", "/nope.html"],
            "--html-file: /nope.html does not exist",
        ),
        (["config", "limits", "--hourly", "0"], "hourly: enter a whole number"),
        (["config", "limits", "--timezone", "Mars/Base"], "unknown time zone"),
        (["config", "limits", "--hours", "18:00-09:00"], "must end after it starts"),
        (["config", "limits", "--days", "mon,funday"], "'funday' is not a day"),
        (
            [
                "config",
                "smtp",
                "--host",
                "smtp.example.com",
                "--port",
                "70000",
                "--security",
                "tls",
                "--from-addr",
                "a@example.com",
            ],
            "port: enter a port",
        ),
        (
            [
                "config",
                "smtp",
                "--host",
                "smtp.example.com",
                "--port",
                "587",
                "--security",
                "tls",
                "--from-addr",
                "not-an-address",
            ],
            "from_addr: enter the sender address",
        ),
        (["campaign", "enqueue", "1", "--start-at", "tomorrow"], "not an ISO 8601 time"),
        (["campaign", "enqueue", "1", "--start-at", "2030-01-01T09:00"], "no UTC offset"),
        (["test-send", "1", "--to", "not an address"], "is not an email address"),
        (["campaign", "resolve-uncertain", "99", "--requeue"], "campaign 99 does not exist"),
    ],
)
def test_bad_input_exits_1_with_one_line_and_changes_nothing(data, tmp_path, capsys, args, message):
    f = files(tmp_path)
    assert (
        run(
            data,
            "campaign",
            "create",
            "--name",
            "Nov",
            "--subject",
            "S",
            "--html-file",
            str(f["html"]),
        )
        == 0
    )
    capsys.readouterr()
    before = dump(data)
    assert run(data, *args) == 1
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert dump(data) == before


def test_malformed_recipient_files_are_refused_whole(data, tmp_path, capsys):
    f = files(tmp_path)
    run(data, "campaign", "create", "--name", "N", "--subject", "S", "--html-file", str(f["html"]))
    capsys.readouterr()
    before = dump(data)
    bad_rows = tmp_path / "bad.csv"
    bad_rows.write_text("email,name\nok@example.org,A\nnot an address,B\n", encoding="utf-8")
    no_email = tmp_path / "noemail.csv"
    no_email.write_text("name,phone\nA,1\n", encoding="utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00\x81\x82\x83" * 50)
    for path, msg in ((bad_rows, "row 3"), (no_email, "no `email` column"), (binary, "not UTF-8")):
        assert run(data, "campaign", "add-recipients", "1", str(path)) == 1
        assert msg in capsys.readouterr().err
    assert dump(data) == before


def test_usage_errors_exit_2(data, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", str(data), "campaign", "enqueue"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["--data-dir", str(data), "config", "smtp", "--security", "ssl"])
    assert exc.value.code == 2
