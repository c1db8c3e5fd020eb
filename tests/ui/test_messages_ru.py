"""Every message the core gives the operator, every status and reason, and Qt's
own dialogs are in Russian in a Russian session.

The core's messages are codes with parameters (``core/messages.py``); the GUI
words them through the catalogue (``ui/messages.py``). These tests fail when a
code has no Russian, when a place shows the English text instead, or when
Qt's own catalogue is not loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import select

from mailer_gui.core import codes
from mailer_gui.core.errors import MailerError, StateError
from mailer_gui.core.messages import ENGLISH, Message, from_stored
from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.store.models import PauseEvent, QueueEntry
from mailer_gui.ui import i18n, messages
from mailer_gui.ui.models.recipients import status_name
from mailer_gui.ui.queue.reasons import reason_text, status_text

from ..conftest import make_campaign
from .test_translations import ru_qm, russian  # noqa: F401 - fixtures

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PLACEHOLDER = re.compile(r"\{\w+\}")
pytestmark = pytest.mark.usefixtures("russian")


def _words(text: str) -> str:
    return PLACEHOLDER.sub("", text)


def test_every_core_message_code_has_russian():
    left = []
    for code, template in ENGLISH.items():
        worded = QCoreApplication.translate("Messages", template)
        if re.search(r"[A-Za-z]{2,}", _words(template)) and not CYRILLIC.search(worded):
            left.append(code)
    assert not left, f"no Russian for: {left}"


def test_every_status_reason_and_part_has_russian():
    words = {
        **{f"reason {r}": reason_text(r) for r in codes.Reason},
        **{f"entry {s}": status_text(s) for s in codes.EntryStatus},
        **{f"recipient {s}": status_name(s) for s in codes.RecipientStatus},
        **{
            f"part {p}": messages.part_text(p)
            for p in (
                "subject",
                "text",
                "to",
                "from",
                "reply_to",
                "attachments",
                "attachment",
                "unsubscribe_url",
            )
        },
        **{
            f"phase {p}": messages.phase_text(p)
            for p in ("connect", "auth", "mail", "rcpt", "data", "body")
        },
    }
    english = {k: v for k, v in words.items() if not CYRILLIC.search(v)}
    assert not english, english


def test_an_error_from_the_core_is_worded_in_russian_and_stays_english_for_the_cli(ctx):
    cid = make_campaign(ctx, 0, enqueue=False)
    with pytest.raises(StateError) as err, ctx.db.write() as s:
        queue.enqueue(s, cid, ctx.clock.now())
    exc = err.value
    assert exc.code == "queue.no_recipients" and exc.params == {"campaign_id": cid}
    assert str(exc) == (
        f"campaign {cid} has no recipients waiting to be sent; add recipients first"
    )  # the CLI and the log
    worded = messages.text(exc)
    assert worded == (
        f"у рассылки {cid} нет получателей, ожидающих отправки; сначала добавьте получателей"
    )


def test_nested_messages_and_lists_are_worded_in_russian():
    m = Message(
        "queue.not_uncertain",
        campaign_id=3,
        missing="a@x.org",
        uncertain=Message("queue.uncertain_none"),
    )
    assert str(m).endswith("it has none; nothing was changed")
    assert messages.text(m) == (
        "это не получатели рассылки 3 с неизвестным итогом: a@x.org; таких нет; ничего не изменено"
    )
    listed = Message(
        "list", items=[Message("import.duplicate", row=2), Message("import.already_in")]
    )
    assert messages.text(listed) == "повтор строки 2; уже есть в рассылке"


def test_a_hold_detail_is_stored_as_code_and_shown_in_russian(ctx):
    """The detail of a hold keeps its code in the same Text column (no schema
    change); the snapshot carries it, and an old row of plain English still shows."""
    cid = make_campaign(ctx, 2)
    now = ctx.clock.now()
    detail = Message("smtp.refused_login", reply="535 5.7.8 bad credentials")
    with ctx.db.write() as s:
        queue.defer(
            s, queue.campaign_entry(s, cid), codes.Reason.SMTP_AUTH_FAILED, None, now, detail
        )
    with ctx.db.read() as s:
        raw = s.connection().exec_driver_sql("SELECT reason_detail FROM queue_entries").scalar_one()
        pause_raw = s.connection().exec_driver_sql("SELECT detail FROM pause_events").scalar_one()
        snap = snapshot.build(s, now)
        pause = s.scalars(select(PauseEvent)).one()
    assert raw.startswith('{"code": "smtp.refused_login"') and raw == pause_raw
    (entry,) = snap.entries
    assert entry.reason_detail == "the server refused the login: 535 5.7.8 bad credentials"
    assert (
        messages.text(entry.reason_detail) == "сервер отказал во входе: 535 5.7.8 bad credentials"
    )
    assert pause.detail == entry.reason_detail  # reports read the English text
    # A row written before messages had codes reads back as the plain text it is.
    with ctx.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE queue_entries SET reason_detail = 'outside working hours'"
        )
    with ctx.db.read() as s:
        old = s.scalars(select(QueueEntry)).one().reason_detail
    assert old == "outside working hours" and messages.text(old) == "вне рабочих часов"
    assert messages.stored_text("server said no") == "server said no"
    assert from_stored('{"code": broken') == '{"code": broken'


def test_exceptions_without_a_code_show_their_own_text():
    assert messages.text(MailerError("something odd")) == "something odd"
    assert messages.text(OSError(2, "No such file")) == "[Errno 2] No such file"


@pytest.fixture
def qt_russian() -> Iterator[QApplication]:
    """The app's own install_translators in Russian, undone afterwards (the
    QApplication is shared by the whole run)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    locale = QLocale()
    assert i18n.install_translators(app, "ru") == "ru"
    try:
        yield app
    finally:
        for tr in i18n._installed:
            app.removeTranslator(tr)
        i18n._installed.clear()
        QLocale.setDefault(locale)


def test_qt_own_dialogs_speak_russian(qtbot, qt_russian):
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save
    )
    qtbot.addWidget(box)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    save = box.button(QDialogButtonBox.StandardButton.Save).text().replace("&", "")
    assert (cancel, save) == ("Отмена", "Сохранить")
    msg = QMessageBox(
        QMessageBox.Icon.Question,
        "t",
        "q",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    qtbot.addWidget(msg)
    assert msg.button(QMessageBox.StandardButton.Yes).text().replace("&", "") == "Да"
    # The file dialog's own words ("Look in", "File name") come from the same catalogue.
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    assert CYRILLIC.search(QCoreApplication.translate("QFileDialog", "File &name:"))
