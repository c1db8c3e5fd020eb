"""The content commands of the CLI, run through ``cli.main`` on a real data folder."""

from __future__ import annotations

import csv
import json

import pytest

from mailer_gui.cli import main as cli


@pytest.fixture
def run(tmp_path, capsys):
    data = tmp_path / "data"

    def _run(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli.main(["--data-dir", str(data), *argv], allow_reserved_domains=True)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


@pytest.fixture
def campaign(run, tmp_path) -> str:
    html = tmp_path / "b.html"
    html.write_text('<p>Hi {{ first_name }}</p><a href="{{ unsubscribe_url }}">stop</a>')
    code, out, _ = run(
        "campaign",
        "create",
        "--name",
        "C",
        "--subject",
        "Hello {{ first_name }}",
        "--html-file",
        str(html),
    )
    assert code == 0
    return out.strip()


def test_import_with_overrides_and_rejects_out(run, campaign, tmp_path):
    f = tmp_path / "list.csv"
    f.write_bytes("Почта|Имя\nann@example.com|Анна\nbad|X\nANN@example.com|A\n".encode("cp1251"))
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(
        "campaign",
        "import",
        campaign,
        str(f),
        "--map",
        "email=Почта,first_name=Имя",
        "--encoding",
        "cp1251",
        "--delimiter",
        "|",
        "--rejects-out",
        str(rejects),
    )
    assert code == 0, err
    assert "imported 1, invalid 1, duplicate 1, suppressed 0" in out
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[:2] for r in rows] == [["row", "value"], ["3", "bad"], ["4", "ANN@example.com"]]


def test_import_refusal_is_one_line_exit_1(run, campaign, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("name;phone\nAnn;1\n")
    code, out, err = run("campaign", "import", campaign, str(f))
    assert code == 1
    assert err.count("\n") == 1 and "row 1: no column looks like the email address" in err
    assert "--map email=COLUMN" in err


def test_usage_errors_exit_2(run, campaign, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("email\nann@example.com\n")
    assert run("campaign", "import", campaign, str(f), "--map", "first_name=x")[0] == 2
    assert run("campaign", "import", campaign, str(f), "--delimiter", ";;")[0] == 2
    assert run("campaign", "preview")[0] == 2
    assert run("suppression", "frobnicate")[0] == 2


def test_preview_preflight_attach(run, campaign, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n")
    assert run("campaign", "import", campaign, str(f))[0] == 0
    code, out, _ = run("campaign", "preview", campaign, "--row", "2")
    assert code == 0
    assert "To: bob@example.com" in out and "Subject: Hello Bob" in out
    assert "List-Unsubscribe: <mailto:" in out and "Hi Bob" in out
    assert run("campaign", "preview", campaign, "--row", "9")[0] == 1
    code, out, _ = run("campaign", "preflight", campaign)
    assert code == 0 and "all 2 pending" in out
    att = tmp_path / "price.pdf"
    att.write_bytes(b"%PDF-1.4 test")
    code, out, _ = run("campaign", "attach", campaign, str(att))
    assert code == 0 and "attached price.pdf (application/pdf, 13 bytes)" in out
    code, out, _ = run("campaign", "preview", campaign)
    assert "[attachment: price.pdf (application/pdf)]" in out


def test_preflight_lists_failures_and_enqueue_is_refused(run, campaign, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("email,first_name\nann@example.com,Ann\n")
    run("campaign", "import", campaign, str(f))
    html = tmp_path / "bad.html"
    html.write_text("<p>{{ city }}</p>")
    code, out, _ = run(
        "campaign", "create", "--name", "D", "--subject", "s", "--html-file", str(html)
    )
    other = out.strip()
    run("campaign", "import", other, str(f))
    code, out, err = run("campaign", "preflight", other)
    assert code == 1
    assert "row 2 (ann@example.com): html: UndefinedError: 'city' is undefined" in out
    code, out, err = run("campaign", "enqueue", other)
    assert code == 1 and "cannot be queued" in err and "'city' is undefined" in err


def test_suppression_commands(run, campaign, tmp_path):
    assert run("suppression", "add", "Ann@Example.com", "--reason", "unsubscribed")[0] == 0
    code, out, _ = run("suppression", "list", "--json")
    assert [(e["email"], e["reason"]) for e in json.loads(out)] == [
        ("ann@example.com", "unsubscribed")
    ]
    lst = tmp_path / "unsub.txt"
    lst.write_text("b@example.com\nc@example.com\nann@example.com\n")
    code, out, _ = run("suppression", "import", str(lst))
    assert code == 0 and "2 address(es) added" in out
    f = tmp_path / "r.csv"
    f.write_text("email\nann@example.com\nb@example.com\nd@example.com\n")
    code, out, _ = run("campaign", "import", campaign, str(f))
    assert "imported 1, invalid 0, duplicate 0, suppressed 2" in out
    assert run("suppression", "remove", "ANN@example.com")[0] == 0
    code, _, err = run("suppression", "remove", "ann@example.com")
    assert code == 1 and "not on the suppression list" in err
    assert run("suppression", "add", "nobody")[0] == 1
    code, out, _ = run("suppression", "list")
    assert sorted(line.split("\t")[0] for line in out.splitlines()) == [
        "b@example.com",
        "c@example.com",
    ]
