"""Helpers shared by the main-window, queue-panel and worker tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.core.store.models import Recipient


@pytest.fixture(name="gui_settings_dir")
def gui_settings_dir_fixture(tmp_path: Path) -> Iterator[Path]:
    """QSettings (layout, language) in a temporary folder, not the user's."""
    folder = tmp_path / "qsettings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QApplication.setQuitOnLastWindowClosed(True)


@pytest.fixture(name="live_ctx")
def live_ctx_fixture(tmp_path: Path, gui_settings_dir: Path) -> Iterator[AppContext]:
    """A context on the real clock, for the live worker thread."""
    c = open_context(
        tmp_path / "live", secrets=SecretStore(use_env=False), allow_reserved_domains=True
    )  # a local test server, as the demo
    yield c
    c.close()


def recipient_counts(ctx: AppContext, campaign_id: int | None = None) -> dict[str, int]:
    q = select(Recipient.status, func.count()).group_by(Recipient.status)
    if campaign_id is not None:
        q = q.where(Recipient.campaign_id == campaign_id)
    with ctx.db.read() as s:
        return {k: int(v) for k, v in s.execute(q).all()}


class FakeTray:
    """Stands in for QSystemTrayIcon, which the offscreen platform lacks."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title: str, msg: str, *args: Any) -> None:  # noqa: N802
        self.messages.append((title, msg))
