"""Send reports as plain data: what one campaign did, and every send in a period.

A report is opened as a context manager over one read transaction, so the
summary and the row stream come from the same snapshot of the database even
while the engine goes on sending. Rows are generators over a server-side
cursor (``yield_per``): 100,000 recipients use flat memory.

This module holds the report's data types; they are read by
:mod:`~mailer_gui.core.reports.campaign` and :mod:`~mailer_gui.core.reports.period`
(SQL pieces both share in :mod:`~mailer_gui.core.reports.sql`). Writers: CSV and
XLSX in :mod:`~mailer_gui.core.reports.formats`; the PDF is drawn with Qt in
``mailer_gui.qt.pdf``, which registers into
:mod:`~mailer_gui.core.reports.export` (Qt stays out of ``core``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from mailer_gui.core.codes import RECIPIENT_STATES
from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.labels import ENGLISH, Labels

STATES = RECIPIENT_STATES
YIELD_PER = 2000
MAX_PERIOD_DAYS = 366


class ReportError(MailerError):
    """A report cannot be made as asked (unknown campaign, bad date range...)."""


# ------------------------------------------------------------------ data


@dataclass(frozen=True)
class PauseRow:
    """One pause of the campaign: why, from when, until when, how long."""

    reason_code: str
    detail: str | None
    started_at: datetime
    ended_at: datetime | None
    next_run_at: datetime | None
    length: timedelta  # until ended_at, or until the report time if still going on

    @property
    def ongoing(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class HourCount:
    """Sends (slots taken) in one clock hour; ``hour`` is local (settings' zone).

    ``sends``: the report's own slots (a campaign's sends to its recipients; in a
    period report every slot). ``test_sends``: test sends (a campaign's own, in
    addition to ``sends``; in a period report, of which). ``other_sends``: other
    campaigns' slots in that hour (campaign reports). ``counted``: every slot of
    the hour, what the hourly limit counts. ``hourly_limit``: the lowest limit in
    force during the hour's sends (None: not recorded).
    """

    hour: datetime
    sends: int
    test_sends: int = 0
    other_sends: int = 0
    counted: int | None = None
    hourly_limit: int | None = None

    @property
    def total(self) -> int:
        """Every slot of the hour (what the limit counts)."""
        return self.sends if self.counted is None else self.counted


@dataclass(frozen=True)
class LimitPeriod:
    """Limits recorded with the slots from ``since`` on (None: not recorded)."""

    since: datetime
    hourly: int | None
    monthly: int | None


@dataclass(frozen=True)
class CampaignSummary:
    campaign_id: int
    name: str
    subject: str
    generated_at: datetime
    timezone: str
    hourly_limit: int
    monthly_limit: int
    queue_status: str | None  # None: never queued
    counts: dict[str, int]  # campaign recipients by state (test sends not included)
    test_counts: dict[str, int]  # test sends by state
    started_at: datetime | None
    finished_at: datetime | None
    duration: timedelta | None  # until finished, or until the report time
    average_per_hour: float | None  # sent messages per hour of duration (elapsed time)
    pauses: tuple[PauseRow, ...]
    per_hour: tuple[HourCount, ...]
    # Sent per hour in which the campaign could send (duration less pauses).
    active_per_hour: float | None = None
    active_duration: timedelta | None = None
    limits_in_force: tuple[LimitPeriod, ...] = ()  # from this campaign's slots
    content_version: int = 1
    # (version, subject, recipients sent that version), oldest first
    versions: tuple[tuple[int, str, int], ...] = ()
    version_starts: tuple[datetime, ...] = ()
    # From the mailbox: {"unsubscribed": n, "complaints": n}.
    feedback: dict[str, int] = field(default_factory=dict)

    @property
    def busiest_hour(self) -> HourCount | None:
        return max(self.per_hour, key=lambda h: h.total, default=None)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def test_total(self) -> int:
        return sum(self.test_counts.values())


@dataclass(slots=True)
class RecipientRow:
    address: str
    fields: tuple[str, ...]  # values of ``CampaignReport.field_names``, in order
    state: str
    time: datetime | None  # finished, else claimed (UTC)
    message_id: str | None
    reply: str | None  # the server's reply or the error; untrusted text
    attempts: int
    version: int | None = None  # the content version it was sent (None: never claimed)
    subject: str | None = None  # that version's subject


@dataclass
class CampaignReport:
    """Summary plus a single-use stream of recipients (valid inside the ``with``):
    read either ``rows`` (dataclasses) or ``records`` (tuples, for fast writers)."""

    summary: CampaignSummary
    field_names: tuple[str, ...]
    records: Iterator[Record]
    row_count: int
    kind: str = "campaign"
    labels: Labels = ENGLISH
    # CSV lines built by SQLite (see ``csv_probes``) and the one-recipient lookup
    # the writer falls back to; both valid inside the ``with`` only.
    probes: Callable[[], Iterator[tuple[str | None, int]]] | None = None
    lookup: Callable[[int], Record] | None = None

    @property
    def rows(self) -> Iterator[RecipientRow]:
        return _recipient_rows(self.records)

    def csv_probes(self) -> Iterator[tuple[str | None, int]]:
        """``(probe, recipient id)`` per recipient, in order: the probe is the CSV
        row's cells (local time as ``time_text`` gives it, the state's words from
        ``labels``) joined and framed by ``PROBE_SEP``, NULL values as ''; a field
        value that is not a JSON string shows as ``NOT_TEXT``, and the probe is None
        when ``fields`` is no object. Writers use it as is only after checking it;
        else ``record(id)``."""
        if self.probes is None:
            raise ReportError("this report has no probe stream")
        return self.probes()

    def record(self, recipient_id: int) -> Record:
        """One recipient's record, as ``records`` gives it."""
        if self.lookup is None:
            raise ReportError("this report has no lookup")
        return self.lookup(recipient_id)


@dataclass(frozen=True)
class DayTotal:
    day: date
    sends: int
    peak_hour: int  # the busiest local hour of the day
    month_to_date: int  # sends in the day's calendar month up to the end of the day


@dataclass(frozen=True)
class PeriodSummary:
    start: date
    end: date  # inclusive
    generated_at: datetime
    timezone: str
    hourly_limit: int
    monthly_limit: int
    total: int  # every slot taken: what the provider counts
    test_sends: int
    campaigns: int
    results: dict[str, int]  # final state of each send; "retried" for earlier attempts
    days: tuple[DayTotal, ...]
    hours: tuple[HourCount, ...]  # only hours with sends
    limits_in_force: tuple[LimitPeriod, ...] = ()
    # What the mailbox brought in the period: {"bounces", "unsubscribed", "complaints"}.
    feedback: dict[str, int] = field(default_factory=dict)

    @property
    def hours_over_limit(self) -> tuple[HourCount, ...]:
        return tuple(
            h
            for h in self.hours
            if h.total > (h.hourly_limit if h.hourly_limit is not None else self.hourly_limit)
        )


@dataclass(slots=True)
class SendRow:
    at: datetime  # UTC
    campaign_id: int | None
    campaign: str
    kind: str  # campaign | test
    address: str
    result: str
    message_id: str | None
    reply: str | None
    hourly_limit: int | None = None  # the limits in force when the slot was reserved
    monthly_limit: int | None = None


@dataclass
class PeriodReport:
    summary: PeriodSummary
    rows: Iterator[SendRow]
    row_count: int
    kind: str = "period"
    labels: Labels = ENGLISH


Bounds = tuple[datetime, datetime] | None  # earliest and latest recipient time, if any


# Recipient records as the writers stream them: (address, field values, state,
# time as stored (naive UTC text) or None, content version, its subject,
# Message-ID, reply, attempts).
Record = tuple[str, list[str], str, str | None, int | None, str | None, str | None, str | None, int]


PROBE_SEP = "\u00a6"  # printable, and rare in addresses, names and replies
NOT_TEXT = "\x01"  # a control character: a probe holding it never passes the check


def utc_text(value: str | None) -> datetime | None:
    """A time as stored by ``UTCDateTime`` (naive UTC text) to an aware datetime."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _recipient_rows(records: Iterator[Record]) -> Iterator[RecipientRow]:
    for email, values, status, when, version, subject, mid, reply, attempts in records:
        yield RecipientRow(
            email, tuple(values), status, utc_text(when), mid, reply, attempts, version, subject
        )
