"""The CLI side of issue 9 items 3 and 14: `config limits` / `config smtp`
re-plan what waits, `campaign resume` releases any hold and says what it did,
`campaign resolve-uncertain --email` decides one recipient at a time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .test_cli import dump, run, setup_campaign


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def entry(data: Path, capsys) -> dict:
    capsys.readouterr()
    assert run(data, "status", "--json") == 0
    return json.loads(capsys.readouterr().out)["entries"][0]


def rcpts(server) -> list[str]:
    return [r.rcpt_tos[0] for r in server.received]


def test_config_limits_releases_a_limit_hold(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "config", "limits", "--hourly", "1") == 0
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    assert len(smtp_server.received) == 1
    e = entry(data, capsys)
    assert (e["status"], e["reason_code"]) == ("deferred", "hourly_limit")
    assert run(data, "config", "limits", "--hourly", "12") == 0
    out = capsys.readouterr().out
    assert "limits: 12/hour" in out
    assert "1 waiting queue entry can send now" in out
    e = entry(data, capsys)
    assert (e["status"], e["reason_code"], e["next_run_at"]) == ("queued", None, None)
    assert run(data, "run", "--until-idle") == 0
    assert len(smtp_server.received) == 2


def test_config_limits_lowered_says_it_still_waits(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "config", "limits", "--hours", "00:00-00:01", "--days", "mon") == 0
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    e = entry(data, capsys)
    assert (e["status"], e["reason_code"]) == ("deferred", "outside_hours")
    assert run(data, "config", "limits", "--days", "tue") == 0
    assert "1 waiting queue entry still waits" in capsys.readouterr().out
    e2 = entry(data, capsys)
    assert e2["reason_code"] == "outside_hours" and e2["next_run_at"] != e["next_run_at"]


def test_config_smtp_releases_a_transient_error_hold(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    smtp_server.rules["mail"] = ["421 4.3.2 try later", None]
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    assert entry(data, capsys)["reason_code"] == "transient_error"
    assert (
        run(
            data,
            "config",
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            str(smtp_server.port),
            "--security",
            "none",
            "--from-addr",
            "news@example.com",
            "--from-name",
            "Newsroom",
        )
        == 0
    )
    assert "1 waiting queue entry can send now" in capsys.readouterr().out
    assert run(data, "run", "--until-idle") == 0
    assert len(smtp_server.received) == 2


def test_resume_releases_a_provider_limit_hold(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    smtp_server.rules["mail"] = ["451 4.7.1 sending rate exceeded", None]
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    assert entry(data, capsys)["reason_code"] == "provider_limit"
    assert run(data, "campaign", "resume", str(cid)) == 0
    out = capsys.readouterr().out
    assert f"campaign {cid} resumed (was provider_limit): it sends at the engine's next step" in out
    e = entry(data, capsys)
    assert (e["status"], e["reason_code"], e["next_run_at"]) == ("queued", None, None)
    assert run(data, "run", "--until-idle") == 0
    assert sorted(rcpts(smtp_server)) == ["ann@example.org", "bob@example.org"]


def test_resume_of_a_limit_hold_says_truthfully_it_still_waits(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "config", "limits", "--hourly", "1") == 0
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    before = entry(data, capsys)
    assert run(data, "campaign", "resume", str(cid)) == 0
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(
        rf"campaign {cid} resumed \(was hourly_limit\) but still waits: hourly_limit "
        r"\(hourly limit reached: 1/1\) until \d{4}-\d\d-\d\dT\d\d:\d\d\+00:00 \(UTC\); "
        r"raise the limit with `config limits` to send sooner",
        out,
    ), out
    assert entry(data, capsys) == before
    assert run(data, "campaign", "resume", str(cid)) == 0
    assert "still waits" in capsys.readouterr().out


def test_resume_of_a_campaign_that_is_not_held_says_so(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    capsys.readouterr()
    assert run(data, "campaign", "resume", str(cid)) == 0
    assert (
        capsys.readouterr().out.strip()
        == f"campaign {cid} was not held (queued); nothing to resume"
    )


def test_resolve_uncertain_one_email_at_a_time(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    smtp_server.rules["data"] = ["store-then-drop", "store-then-drop", None]
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    capsys.readouterr()
    assert run(data, "campaign", "resolve-uncertain", str(cid), "--list") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [ln.split("\t")[0] for ln in lines] == ["ann@example.org", "bob@example.org"]
    assert all(
        re.search(r"\tclaimed \d{4}-\d\d-\d\dT\d\d:\d\d\+00:00 \(UTC\)\tattempts 1\t\S", ln)
        for ln in lines
    ), lines

    before = dump(data)
    assert (
        run(
            data,
            "campaign",
            "resolve-uncertain",
            str(cid),
            "--mark-sent",
            "--email",
            "carol@example.org",
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "not an uncertain recipient of campaign" in err and "carol@example.org" in err
    assert "ann@example.org, bob@example.org" in err
    assert dump(data) == before

    assert (
        run(
            data,
            "campaign",
            "resolve-uncertain",
            str(cid),
            "--mark-sent",
            "--email",
            "ANN@example.org",
        )
        == 0
    )
    assert (
        capsys.readouterr().out.strip() == "1 uncertain recipient(s) marked sent; 1 still uncertain"
    )
    assert (
        run(
            data,
            "campaign",
            "resolve-uncertain",
            str(cid),
            "--requeue",
            "--email",
            "bob@example.org",
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "1 uncertain recipient(s) re-queued"
    assert run(data, "run", "--until-idle") == 0
    assert rcpts(smtp_server) == ["ann@example.org", "bob@example.org", "bob@example.org"]
    e = entry(data, capsys)
    assert e["status"] == "completed"


def test_resolve_uncertain_whole_campaign_still_works(data, tmp_path, smtp_server, capsys):
    cid = setup_campaign(data, tmp_path, smtp_server, capsys)
    smtp_server.rules["data"] = ["store-then-drop", "store-then-drop", None]
    assert run(data, "campaign", "enqueue", str(cid)) == 0
    assert run(data, "run", "--until-idle") == 0
    capsys.readouterr()
    assert run(data, "campaign", "resolve-uncertain", str(cid), "--mark-sent") == 0
    assert capsys.readouterr().out.strip() == "2 uncertain recipient(s) marked sent"
    assert entry(data, capsys)["status"] == "completed"
