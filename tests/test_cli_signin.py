"""``config signin`` / ``signout`` end to end: the device code is printed, the
operator enters it at the printed address, the grant goes to the keychain,
``run`` sends with XOAUTH2; a revoked grant holds the queue with "sign in
again"; signing in again releases it."""

# ruff: noqa: F811 - the fixtures of test_oauth are imported by name

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
from dataclasses import asdict
from pathlib import Path

import pytest
import requests

from mailer_gui.cli import main as cli

from .test_oauth import USER, ca, endpoints, token_server, xoauth_smtp  # noqa: F401

_CODE = re.compile(r"open (\S+) and enter the code (\S+)")


class _Operator(io.StringIO):
    """Standard output that, seeing the code, enters it like the operator."""

    def write(self, text: str) -> int:
        m = _CODE.search(text)
        if m:
            url, code = m.groups()
            threading.Timer(
                0.2, lambda: requests.get(url, params={"user_code": code}, timeout=5)
            ).start()
        return super().write(text)


def run(data: Path, *args: str) -> int:
    return cli.main(["--data-dir", str(data), *args], allow_reserved_domains=True)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _setup(data: Path, smtp_port: int, server, provider: str) -> None:
    cfg = asdict(endpoints(server))
    args = [f"--{k.replace('_', '-')}={v}" for k, v in cfg.items()]
    assert run(data, "config", "oauth", *args) == 0
    assert (
        run(
            data,
            "config",
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            str(smtp_port),
            "--security",
            "none",
            "--from-addr",
            USER,
            "--user",
            USER,
            "--signin",
            provider,
        )
        == 0
    )
    assert run(data, "config", "limits", "--hours", "00:00-24:00", "--days", "mon-sun") == 0


def _shown(data: Path, capsys) -> dict:
    capsys.readouterr()
    assert run(data, "config", "show") == 0
    return json.loads(capsys.readouterr().out)


def _signin(data: Path, *args: str) -> tuple[int, str]:
    out = _Operator()
    with contextlib.redirect_stdout(out):
        code = run(data, "config", "signin", *args)
    return code, out.getvalue()


@pytest.mark.parametrize("provider", ["microsoft", "google"])
def test_cli_signin_run_revoke_signin_again(
    data, tmp_path, token_server, xoauth_smtp, memory_keyring, monkeypatch, capsys, provider
):
    _setup(data, xoauth_smtp.port, token_server, provider)
    assert "config signin" in capsys.readouterr().out
    code, out = _signin(data)
    assert code == 0, out
    assert f"open {token_server.base}/device and enter the code" in out
    assert f"signed in as {USER}" in out and "OS keychain" in out
    assert ("mailer-gui", f"oauth:{provider}:{USER}") in memory_keyring.store
    assert run(data, "config", "show") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["signin"]["signed_in"] and not shown["signin"]["needs_sign_in"]
    assert "refresh_token" not in json.dumps(shown)
    assert shown["smtp"]["signin"] == provider

    html = tmp_path / "b.html"
    html.write_text("<p>Hello</p>", encoding="utf-8")
    people = tmp_path / "r.csv"
    people.write_text("email\nann@example.org\nbob@example.org\n", encoding="utf-8")
    assert (
        run(data, "campaign", "create", "--name", "N", "--subject", "S", "--html-file", str(html))
        == 0
    )
    cid = capsys.readouterr().out.strip()
    assert run(data, "campaign", "add-recipients", cid, str(people)) == 0
    assert run(data, "campaign", "enqueue", cid) == 0
    assert run(data, "run", "--until-idle") == 0
    assert "2 message(s) sent" in capsys.readouterr().out
    assert xoauth_smtp.handler.logins == [USER]

    # The operator revokes the app's access: the queue holds, "sign in again".
    token_server.revoke_all()
    assert (
        run(data, "campaign", "create", "--name", "M", "--subject", "S", "--html-file", str(html))
        == 0
    )
    cid2 = capsys.readouterr().out.strip()
    assert run(data, "campaign", "add-recipients", cid2, str(people)) == 0
    assert run(data, "campaign", "enqueue", cid2) == 0
    capsys.readouterr()
    # A new process: no access token in memory, the refresh is refused.
    assert run(data, "run", "--until-idle") == 0
    capsys.readouterr()
    assert run(data, "status", "--json") == 0
    entry = next(
        e for e in json.loads(capsys.readouterr().out)["entries"] if str(e["campaign_id"]) == cid2
    )
    assert entry["reason_code"] == "smtp_auth_failed" and entry["next_run_at"] is None
    assert "sign in again" in json.dumps(entry)
    assert run(data, "config", "show") == 0
    assert json.loads(capsys.readouterr().out)["signin"]["needs_sign_in"]

    # Signing in again releases the held entry; the next run sends it.
    code, out = _signin(data)
    assert code == 0, out
    assert run(data, "run", "--until-idle") == 0
    assert "2 message(s) sent" in capsys.readouterr().out
    assert len(xoauth_smtp.received) == 4


@pytest.mark.parametrize("provider", ["microsoft"])
def test_cli_signout_and_errors(
    data, token_server, xoauth_smtp, memory_keyring, monkeypatch, capsys, provider
):
    _setup(data, xoauth_smtp.port, token_server, provider)
    code, _ = _signin(data)
    assert code == 0
    capsys.readouterr()
    assert run(data, "config", "signout") == 0
    assert "removed from the keychain" in capsys.readouterr().out
    assert ("mailer-gui", f"oauth:{provider}:{USER}") not in memory_keyring.store
    assert run(data, "config", "signout") == 0
    assert "nothing to remove" in capsys.readouterr().out
    # A password account needs --provider.
    assert (
        run(
            data,
            "config",
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            "25",
            "--security",
            "none",
            "--from-addr",
            USER,
        )
        == 0
    )
    assert "signin" in _shown(data, capsys)["smtp"] and _shown(data, capsys)["smtp"]["signin"] == (
        "microsoft"
    )  # kept: --signin was not given
    assert (
        run(
            data,
            "config",
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            "25",
            "--security",
            "none",
            "--from-addr",
            USER,
            "--signin",
            "password",
        )
        == 0
    )
    capsys.readouterr()
    assert run(data, "config", "signin") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--provider" in err
    # No client id: one clear line.
    assert run(data, "config", "oauth", "--microsoft-client-id=") == 0
    capsys.readouterr()
    assert run(data, "config", "signin", "--provider", "microsoft") == 1
    assert "client id" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(data, "config", "signin", "--provider", "yahoo")
    assert exc.value.code == 2
