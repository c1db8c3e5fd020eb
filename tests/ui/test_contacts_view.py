"""The Contacts view, the editor's Audience tab (live count, Repeat) and
Duplicate, as real widgets offscreen over a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from mailer_gui.core.audience import audiences, history, lists, suppression
from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.sending import queue, repeats
from mailer_gui.ui import i18n
from mailer_gui.ui.contacts.view import ContactsView
from mailer_gui.ui.editor.audience import WORKING_DAY, AudienceTab
from mailer_gui.ui.timefmt import display_time

from ..conftest import configure, drain
from .gui_helpers import gui_settings_dir_fixture  # noqa: F401 (fixture)

SHOTS = Path("/tmp/aud_shots")


def _people(ctx, n=250):
    now = ctx.clock.now()
    with ctx.db.write() as s:
        main = lists.create_list(s, "Customers", now)
        vip = lists.create_list(s, "VIP", now)
        lists.add_contacts(
            s,
            main,
            [
                (None, f"p{i}@example.org", {"first_name": f"P{i}", "city": "Omsk"})
                for i in range(n)
            ],
            now,
        )
        lists.add_contacts(
            s, vip, [(None, "p1@example.org", {}), (None, "p2@example.org", {})], now
        )
        suppression.add(s, "p3@example.org", "unsubscribed", now)
    return main, vip


def _shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_contacts_view_lazy_search_import_export(qtbot, ctx, tmp_path):
    main, _ = _people(ctx)
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    view.select_list(main)
    qtbot.waitUntil(lambda: view.model.rowCount() == 100 and not view.loading)
    for n in (200, 250):  # the view asks for more as it scrolls
        assert view.model.canFetchMore()
        view.model.fetchMore()
        qtbot.waitUntil(lambda n=n: view.model.rowCount() == n and not view.loading)
    assert not view.model.canFetchMore()
    qtbot.waitUntil(lambda: view.count_label.text() == "250 contact(s)")
    view.search.setText("p24")
    qtbot.waitUntil(lambda: view.model.rowCount() == 11 and not view.loading)  # p24, p240..p249
    assert view.model.contact_at(0).email == "p24@example.org"
    f = tmp_path / "more.csv"
    f.write_text("email,city\np24@example.org,Kazan\nnew@example.org,Tver\nbad\n", encoding="utf-8")
    view.import_file(main, f, update=True)
    qtbot.waitUntil(lambda: view.last_result is not None)
    r = view.last_result
    assert (r.imported, r.new, r.updated, r.invalid) == (2, 1, 1, 1)
    assert "new 1" in view.status.text()
    view.last_result = None
    view.export_to(tmp_path / "out.csv")
    qtbot.waitUntil(lambda: view.last_result is not None)
    assert view.last_result == 251
    view.search.setText("")
    view._apply_search()
    qtbot.waitUntil(lambda: view.model.rowCount() == 100 and not view.loading)
    _shot(view, "contacts_en.png")


def test_audience_tab_live_count_and_repeat(qtbot, ctx):
    main, vip = _people(ctx, 20)
    with ctx.db.write() as s:
        cid = campaigns.create(s, "Promo", "Hi", "<p>Hi</p>", None, ctx.clock.now()).id
    tab = AudienceTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    tab.set_campaign(cid)
    qtbot.waitUntil(lambda: tab.loaded)
    tab.check(tab.send_to, main)
    qtbot.waitUntil(lambda: tab.last_count is not None and tab.last_count.reached == 19)
    tab.check(tab.leave_out, vip)
    qtbot.waitUntil(lambda: tab.last_count.excluded_by_list == 2)
    assert tab.last_count.as_dict() == {
        "on_lists": 20,
        "excluded_by_list": 2,
        "sent_before": 0,
        "suppressed": 1,
        "reached": 17,
    }
    assert "Reaches 17 of 20" in tab.count_label.text()
    with ctx.db.read() as s:
        assert audiences.get(s, cid) == audiences.Audience((main,), (vip,))
    tab.cron.setText("0 10 * * mon")
    assert tab.next_label.text().startswith("Next: ")
    tab.apply_repeat()
    with ctx.db.read() as s:
        assert repeats.info(s, cid, ctx.clock.now()).cron == "0 10 * * mon"
    _shot(tab, "audience_en.png")
    tab.cron.setText("0 99 * * *")
    assert "not a calendar rule" in tab.next_label.text()
    # The first working day of the month: a choice beside the cron line.
    tab.rule_kind.setCurrentIndex(tab.rule_kind.findData(WORKING_DAY))
    tab.cron.setText("10:00")
    with ctx.db.read() as s:
        want = repeats.next_times(
            "first working day 10:00",
            settings.load(s).limits.tz,
            ctx.clock.now(),
            3,
            repeats.closed_days(s),
        )
    shown = tab.next_label.text()
    assert shown.startswith("Next: ") and shown.count(",") == 2
    assert all(display_time(t, "Europe/Moscow", ctx.clock.now()) in shown for t in want)
    tab.apply_repeat()
    with ctx.db.read() as s:
        assert repeats.info(s, cid, ctx.clock.now()).cron == "first working day 10:00"
    _shot(tab, "audience_working_day_en.png")
    tab.cron.setText("25:00")
    assert "not a time of day" in tab.next_label.text()
    tab.set_campaign(cid)  # read back: the choice and its time
    qtbot.waitUntil(lambda: tab.loaded)
    assert (tab.rule_kind.currentData(), tab.cron.text()) == (WORKING_DAY, "10:00")


@pytest.fixture
def russian():
    app = QApplication.instance()
    i18n.install_translators(app, "ru")
    yield
    i18n.install_translators(app, "en")


def test_russian_screenshots(qtbot, ctx, russian):
    main, vip = _people(ctx, 20)
    with ctx.db.write() as s:
        cid = campaigns.create(s, "Промо", "Hi", "<p>Hi</p>", None, ctx.clock.now()).id
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 20 and not view.loading)
    qtbot.waitUntil(lambda: view.count_label.text() != "")
    assert view.import_button.text() == "Импорт в список…"
    _shot(view, "contacts_ru.png")
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.history_loaded is not None)
    assert view.history.headerItem().text(2) == "Итог"
    _shot(view, "contact_history_ru.png")
    tab = AudienceTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    tab.set_campaign(cid)
    qtbot.waitUntil(lambda: tab.loaded)
    tab.check(tab.send_to, main)
    qtbot.waitUntil(lambda: tab.last_count is not None)
    tab.rule_kind.setCurrentIndex(tab.rule_kind.findData(WORKING_DAY))
    tab.cron.setText("10:00")
    _shot(tab, "audience_ru.png")


def test_duplicate_from_the_window(qtbot, ctx, gui_settings_dir):
    from mailer_gui.ui.window.main_window import MainWindow

    with ctx.db.write() as s:
        cid = campaigns.create(s, "Promo", "Hi", "<p>Hi</p>", None, ctx.clock.now()).id
    w = MainWindow(ctx, start_worker=False)
    qtbot.addWidget(w)
    w.campaign_list.reload()
    new = w.duplicate_campaign(cid)
    with ctx.db.read() as s:
        assert campaigns.find(s, new).name == "Promo (copy)"
    assert w.editor.campaign_id == new
    w.open_contacts()
    assert w.stack.currentWidget() is w.contacts
    w.worker.stop_and_wait()


def test_selecting_a_contact_shows_its_history(qtbot, ctx, smtp_server):
    """Which campaigns went to the selected contact, when (the settings' zone,
    labelled) and with what outcome; a real send to the SMTP server on 127.0.0.1."""
    configure(ctx, smtp_server)
    main, _vip = _people(ctx, 5)
    now = ctx.clock.now()
    with ctx.db.write() as s:
        sent = campaigns.create(s, "November news", "Hi", "<p>Hi</p>", None, now).id
        audiences.set_audience(s, sent, audiences.Audience((main,)))
        queue.enqueue(s, sent, now)
    drain(ctx)
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.select_list(main)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5 and not view.loading)
    assert "Select a contact" in view.history_title.text()
    row = next(r for r in range(5) if view.model.contact_at(r).email == "p0@example.org")
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.history_loaded is not None)
    with ctx.db.read() as s:
        (line,) = history.contact_history(s, "p0@example.org")
    assert line.status == "sent" and line.at is not None
    assert view.history.topLevelItemCount() == 1
    item = view.history.topLevelItem(0)
    when = display_time(line.at, "Europe/Moscow", ctx.clock.now())
    assert [item.text(i) for i in range(3)] == ["November news", when, "Sent"]
    assert view.history_title.text() == "Campaigns sent to p0@example.org"
    _shot(view, "contact_history_en.png")
    row3 = next(r for r in range(5) if view.model.contact_at(r).email == "p3@example.org")
    view.table.selectRow(row3)  # on the suppression list: left out of the audience
    qtbot.waitUntil(lambda: view.history_loaded is not None)
    assert view.history.topLevelItemCount() == 0
    assert view.history_title.text() == "No campaign was sent to p3@example.org yet."


def _sidebar(view):
    return [view.lists.item(i).text() for i in range(view.lists.count())]


def test_rename_and_delete_a_list_from_the_sidebar(qtbot, ctx, monkeypatch):
    """F2 renames, Delete asks and deletes (the contacts stay), Undo puts it back."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    main, vip = _people(ctx, 5)
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    view.select_list(vip)
    qtbot.waitUntil(lambda: view.current_list() == vip and not view.loading)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Best customers", True))
    view.lists.setFocus()
    qtbot.keyClick(view.lists, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "Best customers (2)" in _sidebar(view))
    assert view.current_list() == vip
    asked = []

    def yes(_parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    qtbot.keyClick(view.lists, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: view.undo_button.isVisible())
    assert "Delete the list 'Best customers'?" in asked[0]
    qtbot.waitUntil(lambda: _sidebar(view) == ["All contacts", "Customers (5)"])
    assert view.status.text() == "List 'Best customers' deleted; its 2 contact(s) stay."
    with ctx.db.read() as s:
        assert lists.contact_count(s, None) == 5  # the contacts stay
    _shot(view, "list_deleted_en.png")
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Best customers (2)" in _sidebar(view))
    assert not view.undo_button.isVisible()
    assert view.current_list() == vip
    # "All contacts" has no rename or delete.
    view.select_list(None)
    qtbot.keyClick(view.lists, Qt.Key.Key_Delete)
    assert len(asked) == 1
