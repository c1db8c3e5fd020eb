"""`run --until-idle` says why nothing more was sent and until when (in the
settings' zone, labelled); every CLI command logs to `logs/` in the data
folder, with no secret in it (issue 9, item 14 c, d)."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailer_gui import logsetup
from mailer_gui.cli import main as cli

from .smtp_server import TestSmtpServer

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(data: Path, *args: str) -> int:
    # Test harness: the server is local, so reserved example domains may be queued.
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


def campaign(
    data: Path,
    tmp_path: Path,
    server: TestSmtpServer,
    capsys,
    n: int,
    *limits: str,
    user: str | None = None,
) -> int:
    html = tmp_path / "body.html"
    html.write_text("<p>Hello {{ first_name }}</p>", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(
        "email,first_name\n" + "".join(f"p{i}@example.org,P{i}\n" for i in range(n)),
        encoding="utf-8",
    )
    smtp = [
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
    ]
    if user:
        smtp += ["--user", user, "--password-stdin"]
    assert run(data, *smtp) == 0
    assert run(data, "config", "limits", *limits) == 0
    assert (
        run(
            data, "campaign", "create", "--name", "Nov", "--subject", "Hi", "--html-file", str(html)
        )
        == 0
    )
    cid = int(capsys.readouterr().out.strip().splitlines()[-1])
    assert run(data, "campaign", "add-recipients", str(cid), str(people)) == 0
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    capsys.readouterr()
    return cid


def entry(data: Path, capsys) -> dict:
    capsys.readouterr()
    assert run(data, "status", "--json") == 0
    return json.loads(capsys.readouterr().out)["entries"][0]


def local(iso: str, zone: str) -> str:
    at = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{at:%Y-%m-%d %H:%M} ({zone})"


def test_hourly_limit_says_why_and_until_when_in_the_settings_zone(
    data, tmp_path, smtp_server, capsys
):
    cid = campaign(
        data,
        tmp_path,
        smtp_server,
        capsys,
        3,
        "--hourly",
        "2",
        "--hours",
        "00:00-24:00",
        "--days",
        "mon-sun",
        "--timezone",
        "Asia/Kolkata",
    )
    assert run(data, "run", "--until-idle") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "idle: 2 message(s) sent in this run"
    e = entry(data, capsys)
    assert (e["status"], e["reason_code"]) == ("deferred", "hourly_limit")
    assert out[1:] == [
        f"waiting: #{cid} Nov: hourly limit reached: 2/2, "
        f"until {local(e['next_run_at'], 'Asia/Kolkata')}"
    ]


def test_outside_hours_says_when_the_window_opens(data, tmp_path, smtp_server, capsys):
    zone = "America/Los_Angeles"
    today = datetime.now(ZoneInfo(zone))
    # Working days: all but today (and the minutes around midnight), so it waits.
    if today.hour == 23 and today.minute >= 58 or today.hour == 0 and today.minute < 2:
        pytest.skip("too close to midnight in the chosen zone")
    days = ",".join(d for i, d in enumerate(DAYS) if i != today.weekday())
    cid = campaign(
        data,
        tmp_path,
        smtp_server,
        capsys,
        1,
        "--hours",
        "09:00-18:00",
        "--days",
        days,
        "--timezone",
        zone,
    )
    assert run(data, "run", "--until-idle") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "idle: 0 message(s) sent in this run"
    e = entry(data, capsys)
    assert e["reason_code"] == "outside_hours"
    opens = datetime.fromisoformat(e["next_run_at"]).astimezone(ZoneInfo(zone))
    assert opens.strftime("%H:%M") == "09:00" and opens.date() > today.date()
    assert out[1:] == [
        f"waiting: #{cid} Nov: outside working hours, until {opens:%Y-%m-%d} 09:00 ({zone})"
    ]
    assert smtp_server.received == []


def test_a_hold_for_the_operator_and_a_pause_say_so(data, tmp_path, capsys, monkeypatch):
    server = TestSmtpServer(user="u", password="right").start()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("wrong-Pa55word\n"))
        cid = campaign(
            data,
            tmp_path,
            server,
            capsys,
            1,
            "--hours",
            "00:00-24:00",
            "--days",
            "mon-sun",
            user="u",
        )
        assert run(data, "run", "--until-idle") == 0
        out = capsys.readouterr().out.splitlines()
        assert out[1].startswith(f"waiting: #{cid} Nov: the server refused the login: 535")
        assert out[1].endswith(", until you act on it")
        assert run(data, "campaign", "pause", str(cid)) == 0
        capsys.readouterr()
        assert run(data, "run", "--until-idle") == 0
        assert capsys.readouterr().out.splitlines()[1:] == [
            f"waiting: #{cid} Nov: paused by you, until you resume it (`campaign resume {cid}`)"
        ]
    finally:
        server.stop()


def test_nothing_waiting_prints_only_the_count(data, tmp_path, smtp_server, capsys):
    campaign(data, tmp_path, smtp_server, capsys, 2, "--hours", "00:00-24:00", "--days", "mon-sun")
    assert run(data, "run", "--until-idle") == 0
    assert capsys.readouterr().out.splitlines() == ["idle: 2 message(s) sent in this run"]


def test_the_cli_logs_to_the_data_folder_without_secrets(data, tmp_path, capsys, monkeypatch):
    password = "Sup3r-secret-pw"
    server = TestSmtpServer(user="u", password=password).start()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        campaign(
            data,
            tmp_path,
            server,
            capsys,
            2,
            "--hours",
            "00:00-24:00",
            "--days",
            "mon-sun",
            user="u",
        )
        assert run(data, "run", "--until-idle") == 0
        assert len(server.received) == 2
        assert run(data, "campaign", "enqueue", "999") == 1  # an error is logged too
    finally:
        server.stop()
    log = data / "logs" / logsetup.LOG_FILENAME
    text = log.read_text(encoding="utf-8")
    assert "mailer-gui run (data folder" in text
    assert "run --until-idle: 2 message(s) sent" in text
    assert "mailer-gui config smtp" in text
    assert "mailer-gui campaign enqueue: error:" in text
    assert password not in text
    # Each command closes its log file: none is left on the root logger.
    assert logsetup.current_log_file() is None
    assert not any(
        isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger().handlers
    )


def test_run_lines_are_in_utc_when_the_settings_say_so(data, tmp_path, smtp_server, capsys):
    cid = campaign(
        data,
        tmp_path,
        smtp_server,
        capsys,
        2,
        "--hourly",
        "1",
        "--hours",
        "00:00-24:00",
        "--days",
        "mon-sun",
        "--timezone",
        "UTC",
    )
    assert run(data, "run", "--until-idle") == 0
    line = capsys.readouterr().out.splitlines()[1]
    nxt = datetime.fromisoformat(entry(data, capsys)["next_run_at"]).astimezone(UTC)
    assert line.startswith(f"waiting: #{cid} Nov: hourly limit reached: 1/1, until ")
    assert line.endswith(" (UTC)") and local(nxt.isoformat(), "UTC") in line
