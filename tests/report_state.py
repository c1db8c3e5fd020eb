"""A campaign with every recipient state and several pauses, built for real:
a real database (SQLite file or PostgreSQL), the real engine, the real SMTP test server, a simulated
clock. Shared by the report tests (core, PDF, dialog)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import Suppression

from .conftest import configure, make_campaign
from .smtp_server import TestSmtpServer


@dataclass(frozen=True)
class Built:
    campaign_id: int
    test_address: str = "boss@example.net"


def run_engine(ctx: AppContext) -> None:
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.run_until_idle()
    finally:
        eng.release()


def build_campaign(ctx: AppContext, server: TestSmtpServer, clock, hourly: int = 2) -> Built:
    """r0..r5 at example.org: r1 fails (550 at RCPT), r2 is uncertain (the line drops
    after DATA), r4 is suppressed; a test send; hourly limit 2 so that the
    campaign pauses twice (07:00, 08:00, 09:00 UTC = 10, 11, 12 in Moscow)."""
    configure(ctx, server, hourly=hourly)
    with ctx.db.write() as s:
        s.add(Suppression(email_norm="r4@example.org", reason="unsubscribed", added_at=clock.now()))
    cid = make_campaign(ctx, 6, name="Spring promo")
    with ctx.db.write() as s:
        campaigns.test_send(s, cid, "boss@example.net", clock.now())
    server.rules["rcpt:r1@example.org"] = "550 5.1.1 no such user"
    server.rules["data:r2@example.org"] = "store-then-drop"
    for _ in range(3):
        run_engine(ctx)
        clock.advance(3600)
    return Built(cid)


def insert_recipients(ctx: AppContext, campaign_id: int, n: int, start: int = 0) -> None:
    """``n`` finished recipients written straight into the real database (fast setup
    for size tests): mostly sent, some failed, uncertain and suppressed."""
    import json

    def row(i: int) -> tuple[object, ...]:
        kind = ("failed", "uncertain", "suppressed")[i % 3] if i % 20 == 0 else "sent"
        at = f"2026-11-{1 + (i // 3000) % 28:02d} {(i // 125) % 24:02d}:{i % 60:02d}:00.000000"
        done = kind != "suppressed"
        reply = {
            "sent": "250 2.0.0 OK queued",
            "failed": "550 5.1.1 no such user",
            "uncertain": "the connection was lost after the message was sent",
        }.get(kind)
        return (
            campaign_id,
            f"user{i}@example.org",
            f"user{i}@example.org",
            json.dumps({"first_name": f"Name{i}", "city": "Moscow"}),
            i + 2,
            kind,
            f"<{i:032x}@example.com>" if done else None,
            reply,
            int(done),
            at if done else None,
            at if done else None,
        )

    insert_rows(ctx, (row(i) for i in range(start, start + n)))


RECIPIENT_INSERT = (
    "INSERT INTO recipients (campaign_id, email, email_norm, fields, row_number, "
    "status, message_id, reply, attempts, claimed_at, finished_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)


def insert_rows(ctx: AppContext, rows: Iterable[tuple[object, ...]]) -> None:
    """Recipient rows (:data:`RECIPIENT_INSERT`'s columns) written straight into the
    database: a plain sqlite3 connection to the file, or PostgreSQL's driver."""
    import sqlite3

    if ctx.db.path is None:
        from mailer_gui.core.store import dialect

        with ctx.db.write() as s:
            s.connection().exec_driver_sql(dialect.native(s, RECIPIENT_INSERT), list(rows))
        return
    conn = sqlite3.connect(ctx.db.path)
    try:
        with conn:
            conn.executemany(RECIPIENT_INSERT, rows)
    finally:
        conn.close()
