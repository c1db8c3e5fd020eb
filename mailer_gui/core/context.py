"""One explicit context object passed to what needs it (no globals)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mailer_gui.core.clock import Clock, RealClock
from mailer_gui.core.config.oauth import OAuthBroker
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.store.db import Database, open_database

ENV_HOME = "MAILER_GUI_HOME"


def default_data_dir() -> Path:
    """``MAILER_GUI_HOME`` if set, else platformdirs' user data folder."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mailer-gui", appauthor=False))


def default_log_dir(data_dir: Path | None = None) -> Path:
    if os.environ.get(ENV_HOME) or data_dir is not None:
        return (data_dir or default_data_dir()) / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir("mailer-gui", appauthor=False))


@dataclass
class AppContext:
    """Database, secrets, clock and a tiny event hub, shared by UI, CLI and engine."""

    data_dir: Path
    db: Database
    secrets: SecretStore
    clock: Clock
    listeners: list[Callable[[str], None]] = field(default_factory=list)
    # Demo mode (its SMTP server is a local catcher) and the test harness only:
    # preflight then lets recipients at reserved example domains through. Never
    # a setting or a command-line option; see open_context.
    allow_reserved_domains: bool = False
    # Sign-in grants (Microsoft, Google) and their access tokens in memory.
    oauth: OAuthBroker = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.oauth = OAuthBroker(self.db, self.secrets, self.clock)

    def emit(self, event: str) -> None:
        """Tell listeners something changed ("queue", "settings"); they re-read the DB."""
        for listener in list(self.listeners):
            listener(event)

    def close(self) -> None:
        self.db.dispose()


def open_context(
    data_dir: Path | None = None,
    clock: Clock | None = None,
    secrets: SecretStore | None = None,
    *,
    allow_reserved_domains: bool = False,
) -> AppContext:
    """The context for a data folder.

    ``allow_reserved_domains`` is True only for demo mode (``--demo``, the smoke
    run: the demo's own server on 127.0.0.1 catches every message) and for the
    test harness, whose SMTP server is local too. Everywhere else preflight
    refuses recipients at the reserved domains of RFC 2606/6761 (example.com,
    .test, ...), which reach nobody: the sample campaign cannot go out through
    the operator's real account.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    db = open_database(data_dir, allow_reserved_domains)
    return AppContext(
        data_dir=data_dir,
        db=db,
        secrets=secrets or SecretStore(),
        clock=clock or RealClock(),
        allow_reserved_domains=allow_reserved_domains,
    )
