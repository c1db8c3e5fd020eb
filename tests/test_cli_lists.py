"""The issue-13 CLI contract: list, contact, campaign audience/duplicate/repeat
(names, options, stdout, JSON fields, exit codes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailer_gui.cli import main as cli
from mailer_gui.core.store import db as dbmod


def run(data: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


pytestmark = pytest.mark.backends


@pytest.fixture
def data(request, backend: str, tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """The data folder; on PostgreSQL the database is a fresh one named by
    ``MAILER_GUI_DATABASE_URL`` (the password in libpq's ``PGPASSWORD``), as
    a team member's CLI runs."""
    if backend == "postgresql":
        monkeypatch.setenv("MAILER_GUI_DATABASE_URL", request.getfixturevalue("pg_url"))
        monkeypatch.setenv("PGPASSWORD", request.getfixturevalue("pg_cluster").password)
    yield tmp_path / "data"
    if backend == "postgresql":  # the data lived on the server
        assert not (tmp_path / "data" / dbmod.DB_FILENAME).exists()


def out_of(capsys, data: Path, *args: str, code: int = 0) -> str:
    capsys.readouterr()
    assert run(data, *args) == code
    return capsys.readouterr().out


def test_list_contract(data, tmp_path, capsys):
    lid = out_of(capsys, data, "list", "create", "--name", "Customers")
    assert lid == "1\n"
    assert run(data, "list", "create", "--name", "Customers") == 1
    assert "exists already" in capsys.readouterr().err
    f = tmp_path / "people.csv"
    f.write_bytes("Почта;Имя\nann@example.org;Анна\nbob@example.org;Боря\n".encode("cp1251"))
    out = out_of(
        capsys, data, "list", "import", "1", str(f), "--encoding", "cp1251", "--delimiter", ";"
    )
    assert out.startswith("on the list 2 (new 2")
    g = tmp_path / "more.csv"
    g.write_text("Mail,Name\nann@example.org,Ann\ncid@example.org,Cid\n", encoding="utf-8")
    out_of(
        capsys,
        data,
        "list",
        "import",
        "1",
        str(g),
        "--map",
        "email=Mail,first_name=Name",
        "--update",
    )
    ls = json.loads(out_of(capsys, data, "list", "ls", "--json"))
    assert [(x["id"], x["name"], x["contacts"]) for x in ls] == [(1, "Customers", 3)]
    shown = json.loads(out_of(capsys, data, "list", "show", "1", "--json"))
    assert [(c["email"], c["fields"]) for c in shown["contacts"]] == [
        ("ann@example.org", {"first_name": "Ann"}),
        ("bob@example.org", {"first_name": "Боря"}),
        ("cid@example.org", {"first_name": "Cid"}),
    ]
    assert "removed" in out_of(capsys, data, "list", "remove", "1", "BOB@example.org")
    assert run(data, "list", "remove", "1", "bob@example.org") == 1
    assert "is not on list 1" in capsys.readouterr().err
    assert run(data, "list", "show", "7") == 1
    assert "no list 7" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(data, "list", "import", "1")  # no FILE: a usage error
    assert exc.value.code == 2
    out_of(capsys, data, "list", "export", "1", str(tmp_path / "l.xlsx"))
    assert (tmp_path / "l.xlsx").stat().st_size > 0
    assert "forgotten: 1 contact(s)" in out_of(capsys, data, "contact", "forget", "ann@example.org")
    shown = json.loads(out_of(capsys, data, "list", "show", "1", "--json"))
    assert [c["email"] for c in shown["contacts"]] == ["cid@example.org"]
    capsys.readouterr()
    assert run(data, "list", "import", "1", str(g), "--map", "email=Mail,first_name=Name") == 0
    out, err = capsys.readouterr()
    assert "blocked 1" in out
    assert "row 2: 'ann@example.org': this person asked to be forgotten" in err


def test_campaign_audience_duplicate_repeat(data, tmp_path, capsys):
    html = tmp_path / "b.html"
    html.write_text("<p>Hi</p>", encoding="utf-8")
    cid = out_of(
        capsys,
        data,
        "campaign",
        "create",
        "--name",
        "P",
        "--subject",
        "S",
        "--html-file",
        str(html),
    ).strip()
    prev = out_of(
        capsys,
        data,
        "campaign",
        "create",
        "--name",
        "Old",
        "--subject",
        "S",
        "--html-file",
        str(html),
    ).strip()
    for name in ("Main", "VIP"):
        out_of(capsys, data, "list", "create", "--name", name)
    f = tmp_path / "p.csv"
    f.write_text("email\na@example.org\nb@example.org\nc@example.org\n", encoding="utf-8")
    out_of(capsys, data, "list", "import", "1", str(f))
    v = tmp_path / "v.csv"
    v.write_text("email\na@example.org\n", encoding="utf-8")
    out_of(capsys, data, "list", "import", "2", str(v))
    out = out_of(
        capsys,
        data,
        "campaign",
        "audience",
        cid,
        "--list",
        "1",
        "--exclude-list",
        "2",
        "--not-sent-to-campaign",
        prev,
    )
    assert out.startswith(f"campaign {cid} reaches 2 of 3 contact(s)")
    assert "1 on an exclusion list" in out
    assert run(data, "campaign", "audience", cid, "--list", "9") == 1
    assert "no list 9" in capsys.readouterr().err
    new = out_of(capsys, data, "campaign", "duplicate", cid)
    assert new.strip().isdigit() and new == f"{int(cid) + 2}\n"
    counted = json.loads(out_of(capsys, data, "campaign", "audience", new.strip(), "--json"))
    assert counted["reached"] == 2 and counted["excluded_by_list"] == 1
    out = out_of(capsys, data, "campaign", "repeat", cid, "--cron", "0 10 * * mon")
    assert f"campaign {cid} repeats on '0 10 * * mon' (Europe/Moscow)" in out
    assert run(data, "campaign", "repeat", cid, "--cron", "0 25 * * *") == 1
    assert "not a calendar rule" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(data, "campaign", "repeat", cid)  # neither --cron nor --off
    assert exc.value.code == 2
    out = out_of(capsys, data, "campaign", "repeat", cid, "--first-working-day", "9:30")
    assert f"campaign {cid} repeats on 'first working day 09:30' (Europe/Moscow)" in out
    nexts = out.split("next: ")[1].split(";")[0].split(", ")
    for t in nexts:  # Monday to Friday at 09:30 Moscow, in the first week of a month
        local = datetime.fromisoformat(t).astimezone(ZoneInfo("Europe/Moscow"))
        assert (local.hour, local.minute, local.day <= 7, local.weekday() < 5) == (
            9,
            30,
            True,
            True,
        )
    assert run(data, "campaign", "repeat", cid, "--first-working-day", "9") == 1
    assert "not a time of day" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:  # one rule at a time
        run(
            data, "campaign", "repeat", cid, "--cron", "0 10 * * mon", "--first-working-day", "9:30"
        )
    assert exc.value.code == 2
    assert "no longer repeats" in out_of(capsys, data, "campaign", "repeat", cid, "--off")
    hist = json.loads(out_of(capsys, data, "contact", "history", "a@example.org", "--json"))
    assert hist == []


def test_list_rename_and_delete(data, tmp_path, capsys):
    out_of(capsys, data, "list", "create", "--name", "Customers")
    out_of(capsys, data, "list", "create", "--name", "VIP")
    f = tmp_path / "p.csv"
    f.write_text("email\nann@example.org\nbob@example.org\n", encoding="utf-8")
    out_of(capsys, data, "list", "import", "1", str(f))
    g = tmp_path / "v.csv"
    g.write_text("email\nann@example.org\n", encoding="utf-8")
    out_of(capsys, data, "list", "import", "2", str(g))
    assert out_of(capsys, data, "list", "rename", "1", "--name", "All") == "list 1 is now 'All'\n"
    assert run(data, "list", "rename", "1", "--name", "VIP") == 1
    assert "exists already" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(data, "list", "rename", "1")  # no --name
    assert exc.value.code == 2
    out = out_of(capsys, data, "list", "delete", "1")
    assert out.startswith("list 1 'All' deleted; its 2 contact(s) stay (1 now on no list)")
    ls = json.loads(out_of(capsys, data, "list", "ls", "--json"))
    assert [(x["id"], x["name"], x["contacts"]) for x in ls] == [(2, "VIP", 1)]
    assert run(data, "list", "delete", "1") == 1
    assert "no list 1" in capsys.readouterr().err
