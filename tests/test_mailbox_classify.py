"""The classifier over the corpus (tests/data/bounces/): each MTA's DSN, ARF
reports, unsubscribe replies from common clients, auto-replies, garbage."""

from __future__ import annotations

import pytest

from mailer_gui.core.audience import unsubscribe
from mailer_gui.core.codes import MailboxEventKind as K
from mailer_gui.core.mailbox.classify import classify

from .bounce_corpus import CASES, CORPUS, UNREADABLE, render

KEY = b"k" * 32
RCPT = "r0@example.org"
MSGID = "<177.abc123@example.com>"


def _render(name: str) -> bytes:
    return render(name, rcpt=RCPT, msgid=MSGID, code=unsubscribe.code(KEY, 7, RCPT))


def test_every_corpus_file_has_a_case() -> None:
    names = {p.stem for p in CORPUS.glob("*.eml")}
    assert names == {c.name for c in CASES} | set(UNREADABLE)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus(case) -> None:  # type: ignore[no-untyped-def]
    c = classify(_render(case.name), [KEY])
    assert c.kind == case.kind, c.detail
    if case.kind in (K.BOUNCE, K.SOFT_BOUNCE, K.COMPLAINT, K.UNSUBSCRIBE):
        assert (RCPT in c.addresses) == case.about_rcpt, c.addresses
        assert c.addresses, "names no address"
    if case.finds_msgid:
        assert MSGID in c.message_ids
    if case.kind in (K.BOUNCE, K.SOFT_BOUNCE) and case.about_rcpt:
        assert c.permanent[RCPT] is (case.kind == K.BOUNCE)
        assert c.detail  # the diagnostic, for the suppression list
    if case.kind == K.UNSUBSCRIBE:
        assert c.campaign_id == 7


def test_unsubscribe_needs_the_key() -> None:
    """A genuine-looking code signed with another key is nobody's unsubscribe."""
    c = classify(_render("unsubscribe_thunderbird"), [b"z" * 32])
    assert c.kind == K.IGNORED


@pytest.mark.parametrize("name", UNREADABLE)
def test_garbage_raises(name: str) -> None:
    with pytest.raises(ValueError):
        classify(_render(name), [KEY])


def test_hard_bounce_details_name_the_reason() -> None:
    c = classify(_render("postfix_user_unknown"), [KEY])
    assert "5.1.1" in c.detail and "User" in c.detail
