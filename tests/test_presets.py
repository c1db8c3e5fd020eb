"""Provider presets (issue 11 part 5): the data file, its validation, and the
CLI (`config presets --json`, `config smtp --preset`, `config pacing`)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from mailer_gui.cli import main as cli
from mailer_gui.core.config import presets, settings
from mailer_gui.core.errors import SettingsError

PROVIDERS = {
    "Gmail",
    "Google Workspace",
    "Outlook.com",
    "Microsoft 365",
    "Yahoo Mail",
    "iCloud Mail",
    "Yandex 360",
    "Mail.ru",
    "Zoho Mail",
    "Brevo",
    "Mailgun",
    "SendGrid",
    "Postmark",
}
FIELDS = {
    "id",
    "name",
    "host",
    "port",
    "security",
    "signin",
    "per_minute",
    "hourly",
    "daily",
    "monthly",
    "source",
    "checked",
    "note",
}


def run(data: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


def _raw() -> dict:
    return json.loads(presets.PRESETS_FILE.read_text("utf-8"))


def test_every_provider_is_there_and_valid():
    items = presets.load()
    names = {p.name for p in items}
    assert PROVIDERS <= names
    ses = [p for p in items if p.name.startswith("Amazon SES")]
    assert len(ses) >= 3 and all(p.host.startswith("email-smtp.") for p in ses)
    for p in items:
        assert p.source.startswith("https://")
        assert date.fromisoformat(p.checked)
        assert p.signin in settings.SIGNIN_MODES
        settings.SmtpSettings(
            host=p.host, port=p.port, security=p.security, from_addr="a@b.example", signin=p.signin
        ).validate()
    gmail = presets.get("Gmail")
    assert (gmail.host, gmail.port, gmail.security, gmail.daily) == (
        "smtp.gmail.com",
        587,
        "starttls",
        500,
    )
    m365 = presets.get("microsoft-365")
    assert (m365.per_minute, m365.daily, m365.signin) == (30, 10_000, "microsoft")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("port", 0, "port"),
        ("security", "none", "security"),
        ("signin", "oauth", "signin"),
        ("daily", -1, "daily"),
        ("hourly", 1.5, "hourly"),
        ("source", "http://example.com", "source"),
        ("checked", "yesterday", "checked"),
        ("id", "Has Space", "id"),
    ],
)
def test_a_broken_entry_is_refused_naming_the_preset_and_field(field, value, says):
    data = _raw()
    bad = copy.deepcopy(data)
    bad["presets"][2][field] = value
    with pytest.raises(ValueError) as err:
        presets.parse(bad)
    assert says in str(err.value)
    assert repr(bad["presets"][2]["id"]) in str(err.value) or field == "id"


def test_duplicate_ids_and_unknown_fields_are_refused():
    data = _raw()
    dup = copy.deepcopy(data)
    dup["presets"].append(dict(dup["presets"][0]))
    with pytest.raises(ValueError, match="used twice"):
        presets.parse(dup)
    extra = copy.deepcopy(data)
    extra["presets"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="'gmail'"):
        presets.parse(extra)
    with pytest.raises(ValueError, match="no list"):
        presets.parse({"presets": []})


def test_unknown_preset_names_the_choices():
    with pytest.raises(SettingsError) as err:
        presets.get("hotmail-classic")
    assert "gmail" in str(err.value) and "postmark" in str(err.value)


def test_limits_of_a_preset():
    cur = settings.LimitSettings(hourly=100, monthly=15_000, per_minute=5, daily=7)
    gmail = presets.limits_of(presets.get("gmail"), cur)
    # Documented: 500 a day. The hour follows the day; the month 31 days of it;
    # the per-minute rule the provider does not document is turned off.
    assert (gmail.per_minute, gmail.hourly, gmail.daily, gmail.monthly) == (0, 500, 500, 15_500)
    m365 = presets.limits_of(presets.get("microsoft-365"), cur)
    assert (m365.per_minute, m365.hourly, m365.daily) == (30, 10_000, 10_000)
    yahoo = presets.limits_of(presets.get("yahoo"), cur)  # nothing documented: kept
    assert (yahoo.per_minute, yahoo.hourly, yahoo.daily, yahoo.monthly) == (0, 100, 0, 15_000)
    postmark = presets.limits_of(presets.get("postmark"), cur)
    assert (postmark.hourly, postmark.daily, postmark.monthly) == (100, 0, 100)
    for p in presets.load():
        presets.limits_of(p, cur).validate()


def test_config_presets_json_lists_every_preset(tmp_path, capsys):
    assert run(tmp_path, "config", "presets", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == len(presets.load())
    assert all(set(item) == FIELDS for item in out)
    assert out[0]["id"] == "gmail" and out[0]["daily"] == 500


def test_config_smtp_preset_fills_and_options_override(tmp_path, capsys):
    assert (
        run(
            tmp_path,
            "config",
            "smtp",
            "--preset",
            "Microsoft 365",
            "--port",
            "25",
            "--from-addr",
            "news@example.com",
            "--user",
            "news@example.com",
        )
        == 0
    )
    capsys.readouterr()
    assert run(tmp_path, "config", "show") == 0
    shown = json.loads(capsys.readouterr().out)
    smtp, lim = shown["smtp"], shown["limits"]
    assert (smtp["host"], smtp["port"], smtp["security"], smtp["signin"]) == (
        "smtp.office365.com",
        25,
        "starttls",
        "microsoft",
    )
    assert (lim["per_minute"], lim["daily"]) == (30, 10_000)
    # Everything stays editable: a later `config limits` changes the daily rule.
    assert run(tmp_path, "config", "limits", "--daily", "9000") == 0
    capsys.readouterr()
    assert run(tmp_path, "config", "show") == 0
    assert json.loads(capsys.readouterr().out)["limits"]["daily"] == 9000


def test_config_smtp_without_host_or_preset_is_a_usage_error(tmp_path, capsys):
    assert run(tmp_path, "config", "smtp", "--from-addr", "a@example.com") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--host" in err[0] and "--preset" in err[0]
    assert run(tmp_path, "config", "smtp", "--preset", "nope", "--from-addr", "a@example.com") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope" in err[0]
    assert run(tmp_path, "config", "show") == 0
    assert json.loads(capsys.readouterr().out)["smtp"] is None  # nothing saved


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "nan", "inf", "100000"])
def test_config_pacing_bad_gap_is_a_usage_error(tmp_path, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        run(tmp_path, "config", "pacing", "--min-gap", bad)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--min-gap" in err[0]


def test_config_pacing_modes(tmp_path, capsys):
    def shown() -> dict:
        capsys.readouterr()
        assert run(tmp_path, "config", "show") == 0
        return json.loads(capsys.readouterr().out)["limits"]

    assert run(tmp_path, "config", "pacing", "--spread") == 0
    assert "36 s" in capsys.readouterr().out  # 100 an hour by default
    assert shown()["pacing"] == "spread"
    assert run(tmp_path, "status") == 0
    assert "pacing (spread): at most one message every 36 s" in capsys.readouterr().out
    assert run(tmp_path, "config", "pacing", "--min-gap", "2.5") == 0
    assert (shown()["pacing"], shown()["min_gap"]) == ("min_gap", 2.5)
    assert run(tmp_path, "config", "pacing", "--off") == 0
    assert shown()["pacing"] == "off"
    with pytest.raises(SystemExit) as exc:
        run(tmp_path, "config", "pacing", "--spread", "--off")
    assert exc.value.code == 2
    capsys.readouterr()
    assert run(tmp_path, "status", "--json") == 0
    assert json.loads(capsys.readouterr().out)["pacing"]["mode"] == "off"
