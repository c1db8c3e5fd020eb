"""Issue 9 item 8: a report a manager can read.

The limits in force at each send are recorded with its slot and reported
across a change; rates say what they measure; words, not codes, in the app's
language (one label table; the UI's translations reused); the chart data holds
every slot the hourly limit counts. Real SQLite, real engine, real SMTP server.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.reports import labels
from mailer_gui.core.reports.campaign import campaign_report
from mailer_gui.core.reports.data import LimitPeriod
from mailer_gui.core.reports.formats import ExportRequest, open_report, write
from mailer_gui.core.reports.period import period_report
from mailer_gui.core.reports.summary import summary_sections
from mailer_gui.core.sending import queue
from mailer_gui.core.sending.engine import Engine
from mailer_gui.core.store.models import SlotReservation

from .conftest import configure, drain, make_campaign

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "mailer_gui_ru.ts"
# Codes that are not also an English word of the table ("sent" is both).
_TABLES = (labels.STATES, labels.STATUSES, labels.REASONS, labels.RESULTS)
CODES = {c for t in _TABLES for c in t} - {w for t in _TABLES for w in t.values()}


def _set_hourly(ctx, hourly: int) -> None:
    with ctx.db.write() as s:
        limits = settings_mod.load(s).limits
        settings_mod.save_limits(s, dataclasses.replace(limits, hourly=hourly))


@pytest.fixture
def limit_change(ctx, smtp_server, clock):
    """Ten recipients; 3/hour from 10:00 Moscow, then 2/hour from 11:00; a test
    send in the first hour and another campaign's send in the last."""
    configure(ctx, smtp_server, hourly=3)
    cid = make_campaign(ctx, 7)
    with ctx.db.write() as s:
        campaigns.test_send(s, cid, "boss@example.net", clock.now())
    drain(ctx)  # 10:00: the test send and two recipients (3/hour)
    clock.advance(3600)
    _set_hourly(ctx, 2)
    drain(ctx)  # 11:00: two more
    clock.advance(3600)
    other = make_campaign(ctx, 1, enqueue=False, name="Other", domain="other.example")
    with ctx.db.write() as s:
        queue.enqueue(s, other, clock.now(), priority=5)
    drain(ctx)  # 12:00: the other campaign's one first, then one more
    return cid, other


def test_limits_in_force_are_recorded_with_each_slot_and_reported(
    ctx, limit_change, clock, tmp_path
):
    cid, _other = limit_change
    with ctx.db.read() as s:
        stamps = s.execute(
            select(
                SlotReservation.at, SlotReservation.hourly_limit, SlotReservation.monthly_limit
            ).order_by(SlotReservation.id)
        ).all()
    first, second = datetime(2026, 11, 25, 7, tzinfo=UTC), datetime(2026, 11, 25, 8, tzinfo=UTC)
    assert [(at.hour, h, m) for at, h, m in stamps] == [(7, 3, 15000)] * 3 + [(8, 2, 15000)] * 2 + [
        (9, 2, 15000)
    ] * 2
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        s = rep.summary
        info = dict((r[0], r[1]) for r in summary_sections(rep)[0].rows)
    assert s.limits_in_force == (LimitPeriod(first, 3, 15000), LimitPeriod(second, 2, 15000))
    assert info["Limits in force"] == (
        "3/hour, 15000/month (from 2026-11-25 10:00); 2/hour, 15000/month (from 2026-11-25 11:00)"
    )
    assert info["Limits in settings now"] == "2/hour, 15000/month"
    assert [(h.hour.hour, h.hourly_limit) for h in s.per_hour] == [(10, 3), (11, 2), (12, 2)]
    with period_report(ctx.db, date(2026, 11, 25), date(2026, 11, 25), clock.now()) as prep:
        sections = summary_sections(prep)
        assert prep.summary.hours_over_limit == ()
    daily = sections[2].rows
    assert [(r[0], r[3], r[5]) for r in daily] == [(date(2026, 11, 25), "3 \u2192 2", "15000")]
    # Per send, for machines: the limits as columns of the period CSV.
    req = ExportRequest(
        fmt="csv", out=tmp_path / "p.csv", start=date(2026, 11, 25), end=date(2026, 11, 25)
    )
    with open_report(ctx.db, req, clock.now()) as prep:
        write(prep, req)
    lines = req.out.read_text("utf-8-sig").splitlines()
    head = lines[0].split(",")
    assert head[8:] == ["hourly_limit", "monthly_limit", "result_text", "kind_text"]
    assert [ln.split(",")[8] for ln in lines[1:]] == ["3", "3", "3", "2", "2", "2", "2"]


def test_chart_data_holds_every_slot_the_limit_counts(ctx, limit_change, clock):
    cid, other = limit_change
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        hours = rep.summary.per_hour
    with ctx.db.read() as s:
        ledger = s.scalars(select(SlotReservation.at)).all()
    by_hour = {h.hour.hour: h for h in hours}
    assert by_hour[10].test_sends == 1 and by_hour[10].sends == 2
    assert sum(h.total for h in hours) == len(ledger)  # the limit counts all of them
    assert sum(h.other_sends for h in hours) == 1  # the other campaign's send
    with period_report(ctx.db, date(2026, 11, 25), date(2026, 11, 25), clock.now()) as prep:
        assert [(h.hour.hour, h.sends, h.test_sends) for h in prep.summary.hours] == [
            (10, 3, 1),
            (11, 2, 0),
            (12, 2, 0),
        ]


def test_rates_say_what_they_measure(ctx, smtp_server, clock):
    """Sent 10:00, 10:00, 10:30; paused 10:30-11:30; the last at 11:30: 4 sent in
    1:30 elapsed, of which 0:30 active."""
    configure(ctx, smtp_server, hourly=100)
    cid = make_campaign(ctx, 4)
    eng = Engine(ctx)
    eng.acquire()
    try:
        eng.step()
        eng.step()
        clock.advance(1800)
        eng.step()
        eng.flush()
        with ctx.db.write() as s:
            queue.pause(s, cid, clock.now())
        clock.advance(3600)
        with ctx.db.write() as s:
            queue.resume(s, cid, clock.now())
        eng.run_until_idle()
    finally:
        eng.release()
    with campaign_report(ctx.db, cid, clock.now()) as rep:
        s = rep.summary
        sections = summary_sections(rep)
    assert s.counts["sent"] == 4 and s.duration == timedelta(minutes=90)
    assert s.active_duration == timedelta(minutes=30)
    assert s.average_per_hour == pytest.approx(4 / 1.5)
    assert s.active_per_hour == pytest.approx(8.0)
    info = dict((r[0], r[1]) for r in sections[0].rows)
    assert info["Sent per hour, over elapsed time"] == 2.7
    assert info["Sent per hour of active sending"] == 8.0
    assert info["Busiest clock hour (sends)"] == "3 (2026-11-25 10:00)"
    assert "Average rate (sent per hour)" not in info
    definitions = dict((r[0], r[1]) for r in sections[-1].rows)
    assert "pauses included" in definitions["Sent per hour, over elapsed time"]
    assert "less the pauses" in definitions["Sent per hour of active sending"]
    assert "hourly limit is compared with" in definitions["Busiest clock hour (sends)"]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_xlsx_has_words_not_codes(ctx, limit_change, clock, tmp_path, language):
    cid, _ = limit_change
    for name, kw in (
        ("c.xlsx", {"campaign_id": cid}),
        ("p.xlsx", {"start": date(2026, 11, 25), "end": date(2026, 11, 25)}),
    ):
        req = ExportRequest(fmt="xlsx", out=tmp_path / name, language=language, **kw)
        with open_report(ctx.db, req, clock.now()) as rep:
            write(rep, req)
            assert rep.labels.missing == set()
        wb = openpyxl.load_workbook(req.out)
        texts = [
            c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
        ]
        assert not CODES & set(texts), CODES & set(texts)
        if language == "ru":
            assert "отправлено" in texts and "Сводка" in wb.sheetnames


def test_russian_words_are_the_uis_translations():
    """The label table reuses the UI's Russian for the words the UI shows."""
    ui: dict[tuple[str, str], str] = {}
    for ctx_el in ET.parse(TS).getroot().iter("context"):
        name = ctx_el.findtext("name") or ""
        for m in ctx_el.iter("message"):
            ui[(name, m.findtext("source") or "")] = m.findtext("translation") or ""
    ru = labels.Labels("ru")
    for code, english in {**labels.STATUSES, **labels.REASONS}.items():
        assert ru.t(english) == ui[("Reasons", english)], code
    for code, english in labels.STATES.items():
        assert ru.t(english) == ui[("RecipientsModel", english)], code
    assert ru.missing == set()
