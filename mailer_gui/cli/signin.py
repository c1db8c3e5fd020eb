"""``config discover``, ``config signin``, ``config signout`` and ``config oauth``:
finding the server from the address and signing in with Microsoft or Google
(the device-code flow, for a machine without a browser)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, fields, replace
from typing import Any

from mailer_gui.cli.common import CliError
from mailer_gui.core.config import autoconfig, oauth
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import replan


def cmd_discover(ctx: AppContext, a: argparse.Namespace) -> int:
    found = autoconfig.discover(a.email)
    if found is None:
        print(
            f"mailer-gui: no server settings were found for {a.email!r} (or none in time); "
            "enter the server with `config smtp`",
            file=sys.stderr,
        )
        return 1
    if a.json:
        print(json.dumps(discovery_json(found), indent=2, ensure_ascii=False))
        return 0
    s = found.smtp
    print(f"{found.provider} ({found.source})")
    print(f"SMTP: {s.hostname}:{s.port} ({s.security}), user {s.username}, sign-in {s.signin}")
    if found.imap is not None:
        i = found.imap
        print(f"IMAP: {i.hostname}:{i.port} ({i.security}), user {i.username}")
    cmd = (
        f"config smtp --host {s.hostname} --port {s.port} --security {s.security} "
        f"--from-addr {a.email} --user {s.username} --signin {s.signin}"
    )
    print(f"to use them: {cmd}")
    if s.signin != "password":
        print(f"then: config signin --provider {s.signin}")
    return 0


def discovery_json(found: autoconfig.Discovery) -> dict[str, Any]:
    def server(s: autoconfig.Server) -> dict[str, Any]:
        return {
            "host": s.hostname,
            "port": s.port,
            "security": s.security,
            "user": s.username,
            "signin": s.signin,
        }

    imap = None
    if found.imap is not None:
        imap = {k: v for k, v in server(found.imap).items() if k != "signin"}
    return {
        "domain": found.domain,
        "provider": found.provider,
        "source": found.source,
        "smtp": server(found.smtp),
        "imap": imap,
    }


def _account(ctx: AppContext, provider: str | None) -> tuple[settings_mod.SmtpSettings, str]:
    with ctx.db.read() as s:
        smtp = settings_mod.load(s).smtp
    if smtp is None:
        raise CliError(
            "no SMTP account yet: set it with `config smtp ... --signin microsoft|google` first"
        )
    provider = provider or (None if smtp.uses_password else smtp.signin)
    if provider is None:
        raise CliError("the account signs in with a password; give --provider microsoft or google")
    return smtp, provider


def cmd_signin(ctx: AppContext, a: argparse.Namespace) -> int:
    smtp, provider = _account(ctx, a.provider)
    login = oauth.login_of(smtp)
    name = oauth.PROVIDER_NAMES[provider]
    if not ctx.secrets.keychain_available():
        print(
            "warning: no OS keychain is available: the sign-in lasts only while this "
            "command runs, so `run` cannot use it; sign in from the window instead",
            file=sys.stderr,
        )
    try:
        client, code = ctx.oauth.start_device_sign_in(provider)
        print(
            f"To sign in {login} with {name}, open {code.url} and enter the code {code.user_code}"
        )
        print(
            f"waiting up to {int(code.expires_in // 60) or 1} minutes (Ctrl+C to stop)…", flush=True
        )
        state = ctx.oauth.finish_device_sign_in(provider, login, client, code)
    except oauth.GrantError as exc:
        raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        print("mailer-gui: sign-in cancelled; nothing was changed", file=sys.stderr)
        return 1
    if smtp.signin != provider:
        with ctx.db.write() as s:
            replan.save_and_replan(
                s, ctx.clock.now(), smtp=replace(smtp, signin=provider), recheck_smtp=True
            )
    else:
        with ctx.db.write() as s:  # signed in again: held entries may send now
            replan.save_and_replan(s, ctx.clock.now(), smtp=smtp, recheck_smtp=True)
    where = "the OS keychain" if state.in_keychain else "memory, for this run only"
    print(f"signed in as {state.account or login} with {name}; the grant is kept in {where}")
    if state.account and state.account.lower() != login.lower():
        print(
            f"warning: {name} signed in {state.account}, but the account is {login}; "
            "the server may refuse it",
            file=sys.stderr,
        )
    return 0


def cmd_signout(ctx: AppContext, a: argparse.Namespace) -> int:
    smtp, provider = _account(ctx, a.provider)
    login = oauth.login_of(smtp)
    was = ctx.oauth.state(provider, login).signed_in
    ctx.oauth.sign_out(provider, login)
    name = oauth.PROVIDER_NAMES[provider]
    print(
        f"signed out {login} from {name}: the grant was removed from the keychain"
        if was
        else f"{login} was not signed in with {name}; nothing to remove"
    )
    return 0


def cmd_oauth(ctx: AppContext, a: argparse.Namespace) -> int:
    with ctx.db.write() as s:
        cur = oauth.load_settings(s)
        changes = {
            f.name: getattr(a, f.name)
            for f in fields(oauth.OAuthSettings)
            if getattr(a, f.name) is not None
        }
        new = replace(cur, **changes)
        if changes:
            oauth.save_settings(s, new)
    shown = {k: v for k, v in asdict(new).items() if k != "google_client_secret"}
    shown["google_client_secret"] = "(set)" if new.google_client_secret else ""
    print(json.dumps(shown, indent=2))
    return 0


def grant_json(ctx: AppContext, smtp: settings_mod.SmtpSettings | None) -> dict[str, Any] | None:
    """The sign-in's state for ``config show`` (never a token)."""
    if smtp is None or smtp.uses_password:
        return None
    st = ctx.oauth.state(smtp.signin, oauth.login_of(smtp))
    return {
        "provider": st.provider,
        "login": st.login,
        "signed_in": st.signed_in,
        "account": st.account,
        "signed_in_at": st.signed_in_at,
        "needs_sign_in": st.needs_sign_in,
        "refused": st.refused,
    }


def register(cfg: Any) -> None:
    """Add the commands to the ``config`` group."""
    p = cfg.add_parser("discover", help="find the server settings of an address (autoconfig)")
    p.add_argument("email")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_discover)
    for name, func, text in (
        ("signin", cmd_signin, "sign in with Microsoft or Google (device code)"),
        ("signout", cmd_signout, "remove the sign-in from the keychain"),
    ):
        p = cfg.add_parser(name, help=text)
        p.add_argument(
            "--provider",
            choices=oauth.PROVIDERS,
            help="default: the account's sign-in (config smtp --signin)",
        )
        p.set_defaults(func=func)
    p = cfg.add_parser("oauth", help="the sign-in apps (client ids) and endpoints")
    for f in fields(oauth.OAuthSettings):
        p.add_argument("--" + f.name.replace("_", "-"), dest=f.name, metavar="VALUE")
    p.set_defaults(func=cmd_oauth)
