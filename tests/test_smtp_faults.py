"""The SMTP reply table (docs/spec.md#smtp-replies), row by row, against a real aiosmtpd server."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest
import trustme
from sqlalchemy import func, select

from mailer_gui.core.config import settings
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.sending.smtp import REJECTED, SENT, SmtpTransport
from mailer_gui.core.store.models import Recipient, SlotReservation, Suppression

from .conftest import configure, make_campaign
from .conftest import drain as run
from .smtp_server import TestSmtpServer, free_port

pytestmark = pytest.mark.backends


def state(ctx, cid):
    with ctx.db.read() as s:
        entry = queue.campaign_entry(s, cid)
        rows = {
            r.email: (r.status, r.reply, r.attempts)
            for r in s.scalars(select(Recipient).where(Recipient.campaign_id == cid))
        }
        ledger = s.scalar(select(func.count()).select_from(SlotReservation))
        attempts = s.scalar(select(func.sum(Recipient.attempts))) or 0
        return entry, rows, ledger, attempts


def test_250_after_data_is_sent_with_reply(ctx, smtp_server):
    configure(ctx, smtp_server)
    cid = make_campaign(ctx, 1)
    run(ctx)
    entry, rows, ledger, _ = state(ctx, cid)
    assert rows["r0@example.org"][0] == "sent"
    assert "OK queued" in rows["r0@example.org"][1]
    assert entry.status == "completed" and ledger == 1


@pytest.mark.parametrize(
    "reply", ["550 5.1.1 no such user", "551 5.1.6 moved", "553 5.1.3 bad address"]
)
def test_5xx_at_rcpt_fails_that_recipient_suppresses_and_goes_on(ctx, smtp_server, reply):
    configure(ctx, smtp_server)
    smtp_server.rules["rcpt:r1@example.org"] = reply
    cid = make_campaign(ctx, 3)
    run(ctx)
    entry, rows, ledger, attempts = state(ctx, cid)
    assert rows["r1@example.org"][0] == "failed"
    assert rows["r1@example.org"][1] == reply
    assert rows["r0@example.org"][0] == rows["r2@example.org"][0] == "sent"
    assert entry.status == "completed_with_errors"
    assert ledger == attempts == 3  # MAIL FROM went out for all three
    with ctx.db.read() as s:
        assert s.get(Suppression, "r1@example.org").reason == "hard_bounce"
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "r0@example.org",
        "r2@example.org",
    ]


@pytest.mark.parametrize(
    "rule",
    [
        {"rcpt": "450 4.2.0 mailbox busy"},
        {"rcpt": "451 4.3.0 local error"},
        {"rcpt": "452 4.5.3 too many recipients"},
        {"mail": "421 4.3.2 shutting down"},
        {"rcpt": "421 4.3.2 shutting down"},
        {"data": "421 4.3.2 shutting down"},
        {"rcpt": "drop"},
        {"mail": "drop"},
        {"data": "451 4.3.0 try again later"},
    ],
    ids=lambda r: next(iter(r.items()))[0] + "=" + next(iter(r.values()))[:3],
)
def test_transient_replies_defer_5_minutes_and_fail_nobody(ctx, smtp_server, clock, rule):
    configure(ctx, smtp_server)
    smtp_server.rules.update(rule)
    cid = make_campaign(ctx, 2)
    results = run(ctx)
    entry, rows, _, _ = state(ctx, cid)
    assert (entry.status, entry.reason_code) == ("deferred", "transient_error")
    assert entry.next_run_at == clock.now() + timedelta(minutes=5)
    assert {st for st, _, _ in rows.values()} == {"pending"}
    assert smtp_server.received == []
    # never retried in a tight loop: one attempt, then idle until the time
    assert [r.kind for r in results][-1] == "idle"
    assert sum(1 for r in results if r.outcome is not None) == 1


def test_transient_backoff_doubles_up_to_an_hour_then_recovers(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["rcpt"] = "451 4.3.0 busy"
    cid = make_campaign(ctx, 1)
    waits = []
    eng = Engine(ctx)
    eng.acquire()
    for _ in range(7):
        eng.run_until_idle()
        entry, _, _, _ = state(ctx, cid)
        waits.append((entry.next_run_at - clock.now()) / timedelta(minutes=1))
        clock.set(entry.next_run_at)
    assert waits == [5, 10, 20, 40, 60, 60, 60]
    del smtp_server.rules["rcpt"]
    eng.run_until_idle()
    eng.release()
    entry, rows, _, _ = state(ctx, cid)
    assert entry.status == "completed" and rows["r0@example.org"][0] == "sent"


def test_connect_refused_is_transient_and_gives_the_slot_back(ctx, clock):
    dead = TestSmtpServer(port=free_port())  # never started: nothing listens there
    configure(ctx, dead)
    cid = make_campaign(ctx, 1)
    run(ctx)
    entry, rows, ledger, attempts = state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == (
        "transient_error",
        clock.now() + timedelta(minutes=5),
    )
    assert rows["r0@example.org"][0] == "pending"
    assert ledger == attempts == 0


@pytest.mark.parametrize(
    "phase,reply,wait",
    [
        ("rcpt", "451 4.7.1 Too many messages, try again in 10 minutes", 10),
        ("mail", "450 4.7.0 rate limit exceeded", 60),
        ("data", "554 5.4.5 Daily sending quota exceeded", 60),
    ],
)
def test_provider_limit_defers_the_account(ctx, smtp_server, clock, phase, reply, wait):
    configure(ctx, smtp_server)
    smtp_server.rules[phase] = reply
    cid = make_campaign(ctx, 2)
    other = make_campaign(ctx, 1, name="Other", domain="example.net")
    run(ctx)
    for c in (cid, other):
        entry, rows, _, _ = state(ctx, c)
        assert (entry.status, entry.reason_code) == ("deferred", "provider_limit")
        assert entry.next_run_at == clock.now() + timedelta(minutes=wait)
        assert all(st == "pending" for st, _, _ in rows.values())


def test_auth_refused_holds_for_the_operator_without_retrying(ctx, memory_keyring):
    server = TestSmtpServer(user="marketer", password="right").start()
    try:
        with ctx.db.write() as s:
            settings.save_smtp(
                s,
                settings.SmtpSettings(
                    host="127.0.0.1",
                    port=server.port,
                    security="none",
                    from_addr="news@example.com",
                    user="marketer",
                    timeout=5,
                ),
            )
            settings.save_limits(
                s, settings.LimitSettings(start="00:00", end="24:00", days=settings.DAY_NAMES)
            )
            account = settings.load(s).smtp.keyring_account
        ctx.secrets.set_password(account, "wrong")
        cid = make_campaign(ctx, 2)
        results = run(ctx)
        entry, rows, ledger, _ = state(ctx, cid)
        assert (entry.status, entry.reason_code, entry.next_run_at) == (
            "deferred",
            "smtp_auth_failed",
            None,
        )
        assert "535" in entry.reason_detail
        assert "wrong" not in entry.reason_detail
        assert all(st == "pending" for st, _, _ in rows.values()) and ledger == 0
        assert sum(1 for r in results if r.outcome is not None) == 1
        # The operator fixes the password: saving the settings releases the hold.
        ctx.secrets.set_password(account, "right")
        with ctx.db.write() as s:
            queue.release_operator_holds(s, ctx.clock.now())
        run(ctx)
        entry, rows, _, _ = state(ctx, cid)
        assert entry.status == "completed"
        assert len(server.received) == 2
    finally:
        server.stop()


def test_5xx_at_mail_from_is_rejected_and_fails_nobody(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["mail"] = "553 5.7.1 sender not allowed"
    cid = make_campaign(ctx, 2)
    run(ctx)
    entry, rows, _, _ = state(ctx, cid)
    assert (entry.status, entry.reason_code, entry.next_run_at) == (
        "deferred",
        "smtp_rejected",
        None,
    )
    assert all(st == "pending" for st, _, _ in rows.values())


def test_content_rejected_three_times_in_a_row_stops_the_campaign(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["data"] = "554 5.7.1 message content rejected"
    cid = make_campaign(ctx, 5)
    run(ctx)
    entry, rows, _, _ = state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == ("smtp_rejected", None)
    failed = [e for e, (st, _, _) in rows.items() if st == "failed"]
    assert failed == ["r0@example.org", "r1@example.org", "r2@example.org"]
    assert [rows[e][0] for e in ("r3@example.org", "r4@example.org")] == ["pending", "pending"]


def test_content_rejection_counter_resets_after_a_success(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["data"] = ["554 5.7.1 spam", "554 5.7.1 spam", None, "554 5.7.1 spam", None]
    cid = make_campaign(ctx, 5)
    run(ctx)
    entry, rows, _, _ = state(ctx, cid)
    assert entry.status == "completed_with_errors"
    assert sorted(st for st, _, _ in rows.values()) == ["failed"] * 3 + ["sent"] * 2


def test_disconnect_after_data_is_uncertain_and_never_resent(ctx, smtp_server, clock):
    configure(ctx, smtp_server)
    smtp_server.rules["data:r0@example.org"] = "store-then-drop"
    cid = make_campaign(ctx, 2)
    run(ctx)
    clock.advance(7200)
    run(ctx)
    entry, rows, ledger, _ = state(ctx, cid)
    assert rows["r0@example.org"][0] == "uncertain"
    assert rows["r1@example.org"][0] == "sent"
    assert entry.status == "completed_with_errors"
    assert [r.rcpt_tos[0] for r in smtp_server.received].count("r0@example.org") == 1
    assert ledger == 2


def test_resolve_uncertain_requeue_keeps_the_message_id(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["data:r0@example.org"] = ["store-then-drop", None]
    cid = make_campaign(ctx, 1)
    run(ctx)
    first_id = smtp_server.received[0].message["Message-ID"]
    with ctx.db.write() as s:
        assert queue.resolve_uncertain(s, cid, "requeue", ctx.clock.now()) == 1
    run(ctx)
    entry, rows, _, _ = state(ctx, cid)
    assert entry.status == "completed" and rows["r0@example.org"][0] == "sent"
    ids = [r.message["Message-ID"] for r in smtp_server.received]
    assert ids == [first_id, first_id]


def test_resolve_uncertain_mark_sent_completes(ctx, smtp_server):
    configure(ctx, smtp_server)
    smtp_server.rules["data:r0@example.org"] = "store-then-drop"
    cid = make_campaign(ctx, 1)
    run(ctx)
    with ctx.db.write() as s:
        queue.resolve_uncertain(s, cid, "mark_sent", ctx.clock.now())
    entry, rows, _, _ = state(ctx, cid)
    assert entry.status == "completed" and rows["r0@example.org"][0] == "sent"
    assert len(smtp_server.received) == 1


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(ca: trustme.CA) -> TestSmtpServer:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return TestSmtpServer(tls_context=ctx).start()


def _smtp(port: int, security: str) -> settings.SmtpSettings:
    return settings.SmtpSettings(
        host="127.0.0.1", port=port, security=security, from_addr="news@example.com", timeout=5
    )


def test_certificate_that_does_not_verify_is_refused(ctx, ca):
    server = _tls_server(ca)
    try:
        configure(ctx, server)
        with ctx.db.write() as s:
            settings.save_smtp(s, _smtp(server.port, "starttls"))
        cid = make_campaign(ctx, 1)
        run(ctx)  # the system trust store does not know our CA
        entry, rows, ledger, _ = state(ctx, cid)
        assert (entry.reason_code, entry.next_run_at) == ("smtp_rejected", None)
        assert "certificate" in entry.reason_detail
        assert rows["r0@example.org"][0] == "pending" and ledger == 0
        assert server.received == []
    finally:
        server.stop()


def test_starttls_with_a_trusted_certificate_sends(ca):
    server = _tls_server(ca)
    try:
        client_ctx = ssl.create_default_context()
        ca.configure_trust(client_ctx)
        t = SmtpTransport(_smtp(server.port, "starttls"), None, tls_context=client_ctx)
        from email.message import EmailMessage

        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "news@example.com", "a@example.org", "x"
        msg.set_content("hello")
        out = t.send(msg, "news@example.com", "a@example.org")
        t.close()
        assert out.kind == SENT
        assert len(server.received) == 1
    finally:
        server.stop()


def test_starttls_required_but_not_offered_never_falls_back(smtp_server):
    t = SmtpTransport(_smtp(smtp_server.port, "starttls"), None)
    out = t.check()
    assert out.kind == REJECTED and "STARTTLS" in out.text
    assert smtp_server.received == []


# -- replies before MAIL FROM: greeting, STARTTLS, AUTH ------------------------


def _held_before_mail(ctx, server, cid, other, results, reason, when, tries=1):
    """The entries are held with ``reason``, nobody failed, the slot given
    back, ``tries`` attempts only, nothing received."""
    for c in [cid, other] if other else [cid]:
        entry, rows, _, _ = state(ctx, c)
        assert (entry.status, entry.reason_code, entry.next_run_at) == ("deferred", reason, when)
        assert {st for st, _, _ in rows.values()} == {"pending"}
    _, _, ledger, attempts = state(ctx, cid)
    assert ledger == attempts == 0  # MAIL FROM never went out: the slot is given back
    assert sum(1 for r in results if r.outcome is not None) == tries
    assert server.received == []


@pytest.mark.parametrize(
    "reply", ["554 no service", "554 5.7.1 your IP is blocked", "521 5.3.2 does not accept mail"]
)
def test_5xx_greeting_holds_the_account_and_fails_nobody(ctx, smtp_server, reply):
    configure(ctx, smtp_server)
    smtp_server.rules["greeting"] = reply
    cid = make_campaign(ctx, 3)
    other = make_campaign(ctx, 1, name="Other", domain="example.net")
    results = run(ctx)
    _held_before_mail(ctx, smtp_server, cid, other, results, "smtp_rejected", None)
    entry, _, _, _ = state(ctx, cid)
    assert reply in entry.reason_detail
    assert "refused the connection" in entry.reason_detail


def _starttls_settings(ctx, server):
    configure(ctx, server)
    with ctx.db.write() as s:
        settings.save_smtp(s, _smtp(server.port, "starttls"))


@pytest.mark.parametrize("reply", ["554 5.7.0 TLS not available", "502 5.5.1 not permitted"])
def test_5xx_to_starttls_holds_the_account_and_fails_nobody(ctx, ca, reply):
    server = _tls_server(ca)
    try:
        _starttls_settings(ctx, server)
        server.rules["starttls"] = reply
        cid = make_campaign(ctx, 3)
        other = make_campaign(ctx, 1, name="Other", domain="example.net")
        results = run(ctx)
        _held_before_mail(ctx, server, cid, other, results, "smtp_rejected", None)
        entry, _, _, _ = state(ctx, cid)
        assert reply in entry.reason_detail and "STARTTLS" in entry.reason_detail
    finally:
        server.stop()


def test_454_to_starttls_is_a_transient_error_not_a_limit(ctx, ca, clock):
    """RFC 3207: 454 = TLS not available for a temporary reason."""
    server = _tls_server(ca)
    try:
        _starttls_settings(ctx, server)
        server.rules["starttls"] = "454 4.7.0 TLS not available due to temporary reason"
        cid = make_campaign(ctx, 2)
        results = run(ctx)
        _held_before_mail(
            ctx, server, cid, None, results, "transient_error", clock.now() + timedelta(minutes=5)
        )
    finally:
        server.stop()


@pytest.fixture
def auth_server(ctx, memory_keyring):
    server = TestSmtpServer(user="marketer", password="right").start()
    with ctx.db.write() as s:
        settings.save_smtp(
            s,
            settings.SmtpSettings(
                host="127.0.0.1",
                port=server.port,
                security="none",
                from_addr="news@example.com",
                user="marketer",
                timeout=5,
            ),
        )
        settings.save_limits(
            s, settings.LimitSettings(start="00:00", end="24:00", days=settings.DAY_NAMES)
        )
        account = settings.load(s).smtp.keyring_account
    ctx.secrets.set_password(account, "right")
    yield server
    server.stop()


@pytest.mark.parametrize(
    "reply",
    ["454 4.7.0 Temporary authentication failure", "454 4.7.0 Too many login attempts, try later"],
)
def test_454_at_auth_is_a_transient_error_that_grows(ctx, auth_server, clock, reply):
    """RFC 4954: 454 4.7.0 = temporary authentication failure, not a sending limit."""
    auth_server.rules["auth"] = reply
    cid = make_campaign(ctx, 2)
    other = make_campaign(ctx, 1, name="Other", domain="example.net")
    results = run(ctx)
    # Entry scope: the other campaign gets its own attempt, and its own 5 minutes.
    _held_before_mail(
        ctx,
        auth_server,
        cid,
        other,
        results,
        "transient_error",
        clock.now() + timedelta(minutes=5),
        tries=2,
    )
    entry, _, _, _ = state(ctx, cid)
    assert reply in entry.reason_detail
    clock.set(entry.next_run_at)
    run(ctx)
    entry, rows, ledger, _ = state(ctx, cid)
    assert (entry.reason_code, entry.next_run_at) == (
        "transient_error",
        clock.now() + timedelta(minutes=10),
    )
    assert {st for st, _, _ in rows.values()} == {"pending"} and ledger == 0
    del auth_server.rules["auth"]
    clock.set(entry.next_run_at)
    run(ctx)
    assert state(ctx, cid)[0].status == state(ctx, other)[0].status == "completed"


@pytest.mark.parametrize(
    "phase,reply,wait",
    [
        ("auth", "451 4.7.1 rate limited, try again in 10 minutes", 10),
        ("auth", "454 4.7.0 daily quota exceeded", 60),
        ("mail", "451 4.7.1 sender rate limited", 60),
        ("mail", "450 4.7.0 try again later", 60),
        ("rcpt", "452 4.7.1 throttled", 60),
        ("data", "451 4.7.0 temporarily deferred", 60),
    ],
)
def test_throttling_replies_stay_provider_limits(ctx, auth_server, clock, phase, reply, wait):
    """Only a bare 4.7.x before MAIL FROM stopped being a limit: words that say
    so still are at AUTH, and any 4.7.x at MAIL/RCPT/DATA still is."""
    auth_server.rules[phase] = reply
    cid = make_campaign(ctx, 2)
    other = make_campaign(ctx, 1, name="Other", domain="example.net")
    run(ctx)
    for c in (cid, other):
        entry, rows, _, _ = state(ctx, c)
        assert (entry.status, entry.reason_code) == ("deferred", "provider_limit")
        assert entry.next_run_at == clock.now() + timedelta(minutes=wait)
        assert {st for st, _, _ in rows.values()} == {"pending"}
