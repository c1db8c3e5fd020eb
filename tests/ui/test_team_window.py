"""The window in team mode, on a real PostgreSQL: it names the shared database
and the laptop that sends, and shows another laptop's change at once (LISTEN/
NOTIFY), not at its next periodic re-check."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import open_context
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store import db as dbmod
from mailer_gui.ui import i18n
from mailer_gui.ui import worker as worker_mod
from mailer_gui.ui.window.main_window import MainWindow

from ..conftest import make_campaign
from .gui_helpers import gui_settings_dir_fixture  # noqa: F401 (fixture)

SHOTS = Path("/tmp/mailer-shots")

WORDS = {
    "en": ("Team: {}", "Read-only: {} is sending", "Sending: {}"),
    "ru": ("Команда: {}", "Только просмотр: отправляет {}", "Отправляет: {}"),
}


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Any:
    app = QApplication.instance()
    i18n.install_translators(app, request.param)
    yield request.param
    i18n.install_translators(app, "en")


def test_the_window_names_the_team_database_and_the_laptop_that_sends(
    language: str,
    qtbot: Any,
    tmp_path: Path,
    gui_settings_dir: Path,
    pg_cluster: Any,
    pg_url: str,
    memory_keyring: Any,
    monkeypatch: Any,
) -> None:
    account = dbmod.password_account(dbmod.parse_url(pg_url))
    memory_keyring.set_password("mailer-gui", account, pg_cluster.password)

    def laptop(name: str) -> Any:
        return open_context(
            tmp_path / name,
            secrets=SecretStore(use_env=False),
            allow_reserved_domains=True,
            database_url=pg_url,
        )

    other, mine = laptop("b"), laptop("a")
    sender = Engine(other, label="laptop-b run")
    sender.acquire()
    # The read-only window re-checks only when told: an hour between its own
    # looks, so only the other laptop's notification can bring the change.
    monkeypatch.setattr(worker_mod, "LEASE_RETRY_SECONDS", 3600.0)
    w = MainWindow(mine)
    qtbot.addWidget(w)
    try:
        mine.listen()
        assert mine.feed is not None and mine.feed.listening.wait(10)
        with qtbot.waitSignal(w.shown, timeout=5000):
            w.show()
        qtbot.waitUntil(lambda: w.last_snapshot is not None, timeout=10_000)
        where = mine.db.where
        assert w.database_label is not None and w.database_label.isVisible()
        team, read_only, sending = WORDS[language]
        assert w.database_label.text() == team.format(where)
        holder = f"{socket.gethostname()} (laptop-b run)"
        qtbot.waitUntil(lambda: w.lease_label.isVisible(), timeout=10_000)
        assert w.lease_label.text() == read_only.format(holder)
        assert sending.format(holder) in w.database_label.toolTip()
        assert where in w.database_label.toolTip()
        assert w.last_snapshot.queued_count == 0

        cid = make_campaign(other, 5, enqueue=True, name="From laptop B")
        other.emit("queue")
        qtbot.waitUntil(
            lambda: any(e.campaign_id == cid for e in w.last_snapshot.entries), timeout=10_000
        )
        SHOTS.mkdir(exist_ok=True)
        w.resize(1100, 650)
        w.grab().save(str(SHOTS / f"team_window_{language}.png"))
    finally:
        w.worker.stop_and_wait(15_000)
        w.close()
        sender.release()
        mine.close()
        other.close()
