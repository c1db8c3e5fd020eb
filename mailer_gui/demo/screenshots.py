"""``python -m mailer_gui.demo.screenshots OUT_DIR``: screenshots for the README and review.

Fills a demo database in a temporary folder (simulated clock, campaigns in
several reason states), then saves the main window, the editor, the queue
panel, the settings dialog, the import wizard and the welcome page, in
English (``OUT_DIR/en``) and Russian (``OUT_DIR/ru``). No message is sent:
the worker is not started and the snapshot is built directly.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mailer_gui.core.clock import SimClock
from mailer_gui.core.config import settings
from mailer_gui.core.config.secrets import SecretStore
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext, open_context
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import limits, queue, snapshot
from mailer_gui.core.store.models import Recipient

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # Wednesday 10:00 in Moscow
STATES = (
    "sending",
    "hourly_limit",
    "transient_error",
    "scheduled",
    "outside_hours",
    "smtp_auth_failed",
    "paused",
    "completed",
)
NAMES = {
    "en": [
        "Black Friday sale",
        "November newsletter",
        "Webinar invitation",
        "Christmas teaser",
        "Loyalty programme",
        "Partner digest",
        "Survey reminder",
        "Welcome series",
    ],
    "ru": [
        "Чёрная пятница",
        "Новости ноября",
        "Приглашение на вебинар",
        "Анонс к Рождеству",
        "Программа лояльности",
        "Дайджест партнёров",
        "Напоминание об опросе",
        "Приветственная серия",
    ],
}


def _mark(s: Any, cid: int, sent: int, failed: int = 0, at: datetime | None = None) -> None:
    """Recipients sent or failed, each with its slot in the ledger (so the budget counts)."""
    at = at or NOW - timedelta(minutes=55, seconds=48)  # the hour frees up in 04:12
    rows = s.scalars(
        select(Recipient).where(Recipient.campaign_id == cid).order_by(Recipient.id)
    ).all()
    for r in rows[:sent]:
        r.status, r.reply = "sent", "250 2.0.0 OK"
    for r in rows[sent : sent + failed]:
        r.status, r.reply = "failed", "550 5.1.1 mailbox unavailable"
    for r in rows[: sent + failed]:
        limits.reserve_slot(s, at, r.id, cid)


def _campaign(s: Any, name: str, n: int, lang: str = "en") -> int:
    hello, client = ("Здравствуйте, ", "Клиент") if lang == "ru" else ("Hello ", "Client")
    c = campaigns.create(
        s,
        name,
        "{{ first_name }}, " + name,
        f"<h2>{hello}{{{{ first_name }}}}</h2><p>" + name + "</p>",
        None,
        NOW,
    )
    campaigns.add_recipients(
        s,
        c.id,
        [(i + 2, f"client{i}@example.org", {"first_name": f"{client} {i}"}) for i in range(n)],
    )
    return int(c.id)


def fill_demo(ctx: AppContext, lang: str) -> dict[str, int]:
    """Campaigns in each of ``STATES``; returns state -> campaign id."""
    ids: dict[str, int] = {}
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="smtp.example.com",
                port=587,
                security="starttls",
                from_addr="news@example.com",
                from_name="Зелёный лист" if lang == "ru" else "Green Leaf",
                user="news@example.com",
            ),
        )
        for i, state in enumerate(STATES):
            ids[state] = cid = _campaign(s, NAMES[lang][i], 40 + 60 * i, lang)
            queue.enqueue(s, cid, NOW - timedelta(minutes=50 - i))
        _states(s, ids)
    return ids


def _states(s: Any, ids: dict[str, int]) -> None:
    entry = {k: queue.campaign_entry(s, v) for k, v in ids.items()}
    _mark(s, ids["sending"], 27, 1)
    queue.start_processing(s, entry["sending"], NOW)
    _mark(s, ids["hourly_limit"], 60)
    queue.defer(
        s,
        entry["hourly_limit"],
        "hourly_limit",
        NOW + timedelta(minutes=4, seconds=12),
        NOW,
        Message("limits.hourly_reached", used=100, limit=100),
    )
    _mark(s, ids["transient_error"], 12)
    queue.defer(
        s,
        entry["transient_error"],
        "transient_error",
        NOW + timedelta(minutes=5),
        NOW,
        "451 4.3.0 temporary failure",
    )
    queue.defer(s, entry["scheduled"], "scheduled", NOW + timedelta(days=1, hours=3), NOW)
    queue.defer(s, entry["outside_hours"], "outside_hours", NOW + timedelta(hours=23), NOW)
    queue.defer(
        s,
        entry["smtp_auth_failed"],
        "smtp_auth_failed",
        None,
        NOW,
        Message("smtp.refused_login", reply="535 5.7.8 authentication failed"),
    )
    queue.pause(s, ids["paused"], NOW)
    _mark(s, ids["completed"], 458, 2, NOW - timedelta(days=2))
    queue.finish_if_done(s, entry["completed"], NOW)


def _csv(folder: Path) -> Path:
    path = folder / "clients.csv"
    rows = [
        "email;first_name;city",
        "anna@example.org;Анна;Москва",
        "boris@example.org;Борис;Казань",
        "not-an-address;Вера;Самара",
        "anna@example.org;Анна;Москва",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1251"))
    return path


def _save(widget: Any, path: Path, size: tuple[int, int] | None = None) -> None:
    from PySide6.QtTest import QTest

    if size:
        widget.resize(*size)
    widget.show()
    QTest.qWait(250)
    widget.grab().save(str(path))
    print(path)


def shoot(out: Path, lang: str, work: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from mailer_gui.ui import i18n
    from mailer_gui.ui.optional import optional_class
    from mailer_gui.ui.queue.panel import QueuePanel
    from mailer_gui.ui.window.main_window import MainWindow

    app = QApplication.instance()
    i18n.install_translators(app, lang)
    out.mkdir(parents=True, exist_ok=True)
    first = open_context(
        work / f"first-{lang}", clock=SimClock(NOW), secrets=SecretStore(use_env=False)
    )
    welcome = MainWindow(first, start_worker=False)
    _save(welcome, out / "welcome.png", (1200, 760))
    welcome.worker.stop_and_wait()
    welcome.hide()
    # Staged data at example domains, never sent (no worker): queued as the demo queues them.
    ctx = open_context(
        work / lang,
        clock=SimClock(NOW),
        secrets=SecretStore(use_env=False),
        allow_reserved_domains=True,
    )
    ids = fill_demo(ctx, lang)
    with ctx.db.read() as s:
        snap = snapshot.build(s, NOW)
    win = MainWindow(ctx, start_worker=False)
    win.on_snapshot(snap)
    win.campaign_list.select(ids["sending"])
    win.open_campaign(ids["sending"])
    _save(win, out / "main_window.png", (1400, 900))
    _save(win.editor_page, out / "editor.png")
    panel = QueuePanel(ctx)
    panel.on_snapshot(snap)
    _save(panel, out / "queue_panel.png", (1250, 330))
    for part, name, args in (
        ("settings", "settings_dialog.png", ()),
        ("import", "import_wizard.png", (ids["paused"],)),
    ):
        cls = optional_class(part)
        if cls is None:
            print(f"{part}: not in this build", file=sys.stderr)
            continue
        kwargs = {"path": _csv(work)} if part == "import" else {}
        dialog = cls(ctx, *args, **kwargs)
        _save(dialog, out / name)
        dialog.hide()
    win.worker.stop_and_wait()
    win.hide()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mailer_gui.demo.screenshots")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--lang", choices=("en", "ru"), action="append")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(["mailer-gui-screenshots"])
    with tempfile.TemporaryDirectory(prefix="mailer-shots-") as tmp:
        # A throwaway QSettings folder, so the user's window layout is untouched.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        for lang in args.lang or ["en", "ru"]:
            shoot(args.out_dir / lang, lang, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
