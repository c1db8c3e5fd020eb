"""The campaign report: its summary, and its recipients streamed from one read
transaction (:mod:`~mailer_gui.core.reports.recipient_rows`: the driver's own
cursor; CSV probes built in SQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.mailbox.stats import campaign_feedback
from mailer_gui.core.reports import recipient_rows
from mailer_gui.core.reports.data import (
    Bounds,
    CampaignReport,
    CampaignSummary,
    HourCount,
    LimitPeriod,
    PauseRow,
    ReportError,
)
from mailer_gui.core.reports.labels import ENGLISH, Labels
from mailer_gui.core.reports.sql import (
    STORED_FORMAT,
    limit_during,
    limits_in_force,
    parse_stored,
)
from mailer_gui.core.sending import queue
from mailer_gui.core.store import dialect
from mailer_gui.core.store.db import Database
from mailer_gui.core.store.models import Campaign as CampaignRow
from mailer_gui.core.store.models import (
    CampaignVersion,
    PauseEvent,
    QueueEntry,
    Recipient,
)
from mailer_gui.core.store.queries import own_and_test_counts

_HOUR_KINDS = (
    "SELECT {minute},"
    " CASE WHEN l.campaign_id {differs} :cid THEN 2"
    " WHEN r.test_entry_id IS NOT NULL THEN 1 ELSE 0 END, count(*)"
    " FROM slot_ledger l LEFT JOIN recipients r ON r.id = l.recipient_id"
    " WHERE l.at >= :lo AND l.at < :hi GROUP BY 1, 2"
)


def _campaign_hours(
    session: Session, campaign_id: int, tz: ZoneInfo, periods: Sequence[LimitPeriod]
) -> list[HourCount]:
    """Per local hour in which the campaign sent: its sends, its test sends, and
    the other slots of that hour (all three count against the hourly limit)."""
    lo, hi = session.execute(
        text("SELECT min(at), max(at) FROM slot_ledger WHERE campaign_id = :cid"),
        {"cid": campaign_id},
    ).one()
    if lo is None:
        return []
    start = parse_stored(lo).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    end = parse_stored(hi) + timedelta(hours=2)
    counts: dict[datetime, list[int]] = {}
    sql = _HOUR_KINDS.format(
        minute=dialect.minute_sql(session, "l.at"), differs=dialect.distinct_from(session)
    )
    for minute, kind, n in session.execute(
        text(sql),
        {
            "cid": campaign_id,
            "lo": start.strftime(STORED_FORMAT),
            "hi": end.strftime(STORED_FORMAT),
        },
    ):
        at = datetime.strptime(minute, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        counts.setdefault(at.astimezone(tz).replace(minute=0), [0, 0, 0])[kind] += int(n)
    out = []
    for hour, (own, tests, others) in sorted(counts.items()):
        if own or tests:
            h_utc = hour.astimezone(UTC)
            out.append(
                HourCount(
                    hour,
                    own,
                    tests,
                    others,
                    own + tests + others,
                    limit_during(periods, h_utc, h_utc + timedelta(hours=1)),
                )
            )
    return out


def _active(
    duration: timedelta | None, pauses: Sequence[PauseRow], started: datetime | None, end: datetime
) -> timedelta | None:
    """The duration less the pauses (their parts inside ``started``..``end``)."""
    if duration is None or started is None:
        return None
    paused = timedelta(0)
    for p in pauses:
        a, b = max(p.started_at, started), min(p.started_at + p.length, end)
        if b > a:
            paused += b - a
    return max(timedelta(0), duration - paused)


def _versions(
    session: Session, c: CampaignRow
) -> tuple[tuple[tuple[int, str, int], ...], tuple[datetime, ...]]:
    rows = {
        v.version: v
        for v in session.scalars(select(CampaignVersion).where(CampaignVersion.campaign_id == c.id))
    }
    used: dict[int, int] = {
        int(v): int(n)
        for v, n in session.execute(
            select(Recipient.content_version, func.count())
            .where(
                Recipient.campaign_id == c.id,
                Recipient.test_entry_id.is_(None),
                Recipient.content_version.is_not(None),
            )
            .group_by(Recipient.content_version)
        )
        if v is not None
    }
    versions = sorted(set(rows) | set(used) | {c.content_version})
    subject = {v: rows[v].subject if v in rows else c.subject for v in versions}
    out = tuple((v, subject[v], int(used.get(v, 0))) for v in versions)
    starts = tuple(rows[v].created_at if v in rows else c.created_at for v in versions)
    return out, starts


def _pauses(session: Session, campaign_id: int, now: datetime) -> tuple[PauseRow, ...]:
    entries = select(QueueEntry.id).where(
        QueueEntry.campaign_id == campaign_id, QueueEntry.kind == "campaign"
    )
    rows = session.scalars(
        select(PauseEvent)
        .where(PauseEvent.entry_id.in_(entries))
        .order_by(PauseEvent.started_at, PauseEvent.id)
    )
    return tuple(
        PauseRow(
            p.reason_code,
            p.detail,
            p.started_at,
            p.ended_at,
            p.next_run_at,
            max(timedelta(0), (p.ended_at or now) - p.started_at),
        )
        for p in rows
    )


def _per_hour(sent: int, length: timedelta | None) -> float | None:
    """Sends per hour over ``length``; None for no time, or under a second."""
    if length is not None and length.total_seconds() >= 1:
        return sent / (length.total_seconds() / 3600)
    return None


def campaign_summary(session: Session, campaign_id: int, now: datetime) -> CampaignSummary:
    """The campaign's summary as of ``now``, read in ``session``."""
    now = utc(now)
    c = session.get(CampaignRow, campaign_id)
    if c is None:
        raise ReportError(f"campaign {campaign_id} does not exist; `campaign list` shows the ids")
    limits = settings_mod.load(session).limits
    counts, test_counts = own_and_test_counts(session, campaign_id)
    entry = queue.campaign_entry(session, campaign_id)
    started = entry.started_at if entry else None
    finished = entry.finished_at if entry else None
    duration = None if started is None else max(timedelta(0), (finished or now) - started)
    pauses = _pauses(session, campaign_id, now)
    active = _active(duration, pauses, started, finished or now)
    went_out = counts["sent"] + counts.get("bounced", 0)
    rate, active_rate = _per_hour(went_out, duration), _per_hour(went_out, active)
    periods = limits_in_force(session, "campaign_id = :cid", {"cid": campaign_id})
    versions, starts = _versions(session, c)
    return CampaignSummary(
        campaign_id=c.id,
        name=c.name,
        subject=c.subject,
        generated_at=now,
        timezone=limits.timezone,
        hourly_limit=limits.hourly,
        monthly_limit=limits.monthly,
        queue_status=entry.status if entry else None,
        counts=counts,
        test_counts=test_counts,
        started_at=started,
        finished_at=finished,
        duration=duration,
        average_per_hour=rate,
        pauses=pauses,
        per_hour=tuple(_campaign_hours(session, campaign_id, limits.tz, periods)),
        active_per_hour=active_rate,
        active_duration=active,
        limits_in_force=periods,
        content_version=c.content_version,
        versions=versions,
        version_starts=starts,
        feedback=campaign_feedback(session, campaign_id),
    )


@contextmanager
def campaign_report(
    db: Database,
    campaign_id: int,
    now: datetime,
    fields: Sequence[str] | None = None,
    labels: Labels = ENGLISH,
) -> Iterator[CampaignReport]:
    """Open a campaign report; ``fields`` chooses the personal fields (default all);
    ``labels`` gives the words of the report's language."""
    with db.read() as s:
        summary = campaign_summary(s, campaign_id, now)
        known: list[Bounds] = []
        if fields is None:
            names, times = recipient_rows.field_names_and_times(s, campaign_id)
            known.append(times)
        else:
            names = tuple(fields)

        def bounds() -> Bounds:
            if not known:
                known.append(recipient_rows.time_range(s, campaign_id))
            return known[0]

        tz = ZoneInfo(summary.timezone)
        rows = recipient_rows.records(s, campaign_id, names)
        try:
            yield CampaignReport(
                summary,
                names,
                rows,
                summary.total,
                labels=labels,
                probes=lambda: recipient_rows.csv_probes(s, campaign_id, names, tz, bounds, labels),
                lookup=lambda rid: recipient_rows.lookup(s, names, rid),
            )
        finally:
            # A cancelled export leaves the rows half read: close their cursor
            # now, while the connection is open, not when the GC gets to it.
            rows.close()
