"""The summary of a report as small tables (``table.Section``), shared by the
XLSX summary sheet and the PDF; times are naive local (the zone is in the table)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mailer_gui.core.reports.data import (
    CampaignReport,
    CampaignSummary,
    LimitPeriod,
    PeriodReport,
    PeriodSummary,
)
from mailer_gui.core.reports.labels import Labels
from mailer_gui.core.reports.table import (
    MAX_REPLY,
    Report,
    Section,
    length_text,
    local_time,
    safe_cell,
    time_text,
)


def _limits_text(labels: Labels, hourly: int | None, monthly: int | None) -> str:
    if hourly is None or monthly is None:
        return labels.t("not recorded")
    return labels.t("{hourly}/hour, {monthly}/month", hourly=hourly, monthly=monthly)


def limits_in_force_text(labels: Labels, periods: tuple[LimitPeriod, ...], tz: ZoneInfo) -> str:
    """``100/hour, 15000/month (from 2026-11-25 10:00), 50/hour, ... (from ...)``."""
    if not periods:
        return labels.t("nothing sent yet")
    return "; ".join(
        labels.t(
            "{limits} (from {time})",
            limits=_limits_text(labels, p.hourly, p.monthly),
            time=minute_text(p.since, tz),
        )
        for p in periods
    )


def minute_text(dt: datetime, tz: ZoneInfo) -> str:
    """A time to the minute, local (the tables name the zone)."""
    return time_text(dt, tz)[:16]


def _definitions(t: Callable[..., str], rates: bool) -> Section:
    rows = (
        [
            [t("Sent per hour, over elapsed time"), t("DEF_ELAPSED")],
            [t("Sent per hour of active sending"), t("DEF_ACTIVE")],
            [t("Busiest clock hour (sends)"), t("DEF_BUSIEST")],
        ]
        if rates
        else []
    )
    rows.append([t("Limits in force"), t("DEF_LIMITS")])
    return Section(t("How the figures are measured"), (t("figure"), t("definition")), rows)


def _campaign_sections(report: CampaignReport) -> list[Section]:
    s, labels = report.summary, report.labels
    t = labels.t
    tz = ZoneInfo(s.timezone)
    versions = [
        [v, safe_cell(subject), local_time(since, tz), n]
        for (v, subject, n), since in zip(s.versions, s.version_starts, strict=True)
    ]
    states = [
        [labels.state(state), s.counts[state], s.test_counts[state]]
        for state in s.counts
        if s.counts[state] or s.test_counts[state] or state != "sending"
    ]
    states.append([t("total"), s.total, s.test_total])
    return [
        Section(t("Summary"), (t("item"), t("value")), _campaign_info(s, labels, tz)),
        Section(
            t("Content versions"),
            (t("version"), t("Subject"), t("from"), t("recipients")),
            versions,
        ),
        Section(t("Recipients by state"), (t("state"), t("recipients"), t("test sends")), states),
        Section(
            t("Pause history"),
            (t("reason"), t("start"), t("end"), t("length"), t("detail")),
            _pause_rows(s, labels, tz),
        ),
        _definitions(t, rates=True),
    ]


def _campaign_info(s: CampaignSummary, labels: Labels, tz: ZoneInfo) -> list[list[Any]]:
    t = labels.t
    rate = None if s.average_per_hour is None else round(s.average_per_hour, 1)
    active = None if s.active_per_hour is None else round(s.active_per_hour, 1)
    busiest = s.busiest_hour
    return [
        [t("Campaign"), safe_cell(s.name)],
        [t("Campaign id"), s.campaign_id],
        [t("Subject now") if len(s.versions) > 1 else t("Subject"), safe_cell(s.subject)],
        [t("Queue status"), labels.status(s.queue_status) or t("never queued")],
        [t("Started"), local_time(s.started_at, tz)],
        [t("Finished"), local_time(s.finished_at, tz)],
        [t("Duration (h:mm:ss)"), length_text(s.duration)],
        [t("Sent per hour, over elapsed time"), rate],
        [t("Sent per hour of active sending"), active],
        [
            t("Busiest clock hour (sends)"),
            None if busiest is None else f"{busiest.total} ({minute_text(busiest.hour, tz)})",
        ],
        [t("Limits in force"), limits_in_force_text(labels, s.limits_in_force, tz)],
        [t("Limits in settings now"), _limits_text(labels, s.hourly_limit, s.monthly_limit)],
        [t("Unsubscribed (from the mailbox)"), s.feedback.get("unsubscribed", 0)],
        [t("Complaints (from the mailbox)"), s.feedback.get("complaints", 0)],
        [t("Time zone"), s.timezone],
        [t("Report made"), local_time(s.generated_at, tz)],
    ]


def _pause_rows(s: CampaignSummary, labels: Labels, tz: ZoneInfo) -> list[list[Any]]:
    t = labels.t
    return [
        [
            labels.reason(p.reason_code),
            local_time(p.started_at, tz),
            local_time(p.ended_at, tz),
            t("{length} (ongoing)", length=length_text(p.length))
            if p.ongoing
            else length_text(p.length),
            safe_cell(p.detail, MAX_REPLY),
        ]
        for p in s.pauses
    ]


def _period_sections(report: PeriodReport) -> list[Section]:
    s, labels = report.summary, report.labels
    t = labels.t
    tz = ZoneInfo(s.timezone)
    results = [[labels.result(k), v] for k, v in sorted(s.results.items())]
    return [
        Section(t("Summary"), (t("item"), t("value")), _period_info(s, labels, tz)),
        Section(t("Sends by result"), (t("result"), t("sends")), results),
        Section(
            t("Daily totals"),
            (
                t("day"),
                t("sends"),
                t("busiest hour"),
                t("hourly limit"),
                t("month to date"),
                t("monthly limit"),
            ),
            _day_rows(s, tz),
        ),
        Section(
            t("Hourly totals"), (t("hour"), t("sends"), t("hourly limit"), ""), _hour_rows(s, t)
        ),
        _definitions(t, rates=False),
    ]


def _period_info(s: PeriodSummary, labels: Labels, tz: ZoneInfo) -> list[list[Any]]:
    t = labels.t
    return [
        [t("Period"), t("{start} to {end}", start=s.start.isoformat(), end=s.end.isoformat())],
        [t("Time zone"), s.timezone],
        [t("Sends (slots the provider counts)"), s.total],
        [t("of which test sends"), s.test_sends],
        [t("Campaigns"), s.campaigns],
        [t("Limits in force"), limits_in_force_text(labels, s.limits_in_force, tz)],
        [t("Limits in settings now"), _limits_text(labels, s.hourly_limit, s.monthly_limit)],
        [t("Hours over the hourly limit"), len(s.hours_over_limit)],
        [t("Hard bounces read from the mailbox"), s.feedback.get("bounces", 0)],
        [t("Unsubscribed (from the mailbox)"), s.feedback.get("unsubscribed", 0)],
        [t("Complaints (from the mailbox)"), s.feedback.get("complaints", 0)],
        [t("Report made"), local_time(s.generated_at, tz)],
    ]


def _day_rows(s: PeriodSummary, tz: ZoneInfo) -> list[list[Any]]:
    return [
        [
            d.day,
            d.sends,
            d.peak_hour,
            _day_limit(s.limits_in_force, d.day, tz, "hourly"),
            d.month_to_date,
            _day_limit(s.limits_in_force, d.day, tz, "monthly"),
        ]
        for d in s.days
    ]


def _hour_rows(s: PeriodSummary, t: Callable[..., str]) -> list[list[Any]]:
    over = set(s.hours_over_limit)
    return [
        [
            h.hour.replace(tzinfo=None),
            h.sends,
            h.hourly_limit if h.hourly_limit is not None else t("not recorded"),
            t("over the limit") if h in over else "",
        ]
        for h in s.hours
    ]


def _day_limit(periods: tuple[LimitPeriod, ...], day: date, tz: ZoneInfo, which: str) -> str:
    """The limits recorded on the day's sends, or in force when the day began:
    ``100`` or ``100 → 50``; empty when none was recorded."""
    lo = datetime(day.year, day.month, day.day, tzinfo=tz)
    hi = lo + timedelta(days=1)
    values: list[int] = []
    for i, p in enumerate(periods):
        until = periods[i + 1].since if i + 1 < len(periods) else None
        value = p.hourly if which == "hourly" else p.monthly
        if (
            p.since < hi
            and (until is None or until > lo)
            and value is not None
            and (not values or values[-1] != value)
        ):
            values.append(value)
    return " \u2192 ".join(str(v) for v in values)


def summary_sections(report: Report) -> list[Section]:
    """The summary as small tables; times are naive local (the zone is in the table)."""
    if isinstance(report, CampaignReport):
        return _campaign_sections(report)
    return _period_sections(report)
