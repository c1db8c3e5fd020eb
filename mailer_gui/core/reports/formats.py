"""CSV and XLSX writers for send reports, and the cell safety they share.

Every text cell is untrusted (addresses and fields came from someone's
spreadsheet, replies from a remote server): control characters become
spaces, length is capped, and a cell that starts with ``= + - @``, tab or CR
gets a leading single quote so a spreadsheet shows it instead of running it
(OWASP CSV injection). Files are written next to the target and renamed into
place at the end, so a cancelled or failed export leaves no half file.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from mailer_gui.core import timefmt
from mailer_gui.core.errors import MailerError
from mailer_gui.core.reports.data import (
    PROBE_SEP,
    CampaignReport,
    LimitPeriod,
    PeriodReport,
    Record,
    ReportError,
    campaign_report,
    period_report,
)
from mailer_gui.core.reports.data import STATES as STATE_CODES
from mailer_gui.core.reports.labels import LANGUAGES, Labels
from mailer_gui.core.store.db import Database

FORMATS = ("csv", "xlsx", "pdf")
DELIMITERS = (",", ";")
MAX_CELL = 2000
MAX_REPLY = 500
PROGRESS_EVERY = 1000
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_START = (*_DANGEROUS, " ")
# One check of a whole row, its cells joined by a printable separator: C-level
# string operations find any control character, any dangerous or blank start
# and any blank end. Rows that pass (nearly all) skip the per-cell work; the
# separator count catches a cell that itself contains the separator.
_SEP = "\u00a6"
_BAD_EDGES = tuple(_SEP + c for c in "=+-@ ") + (" " + _SEP,)


def _row_is_plain(texts: list[str], limit: int) -> bool:
    probe = f"{_SEP}{_SEP.join(texts)}{_SEP}"
    if not probe.isprintable() or len(probe) > limit or probe.count(_SEP) != len(texts) + 1:
        return False
    e0, e1, e2, e3, e4, e5 = _BAD_EDGES
    return not (e0 in probe or e1 in probe or e2 in probe or e3 in probe or e4 in probe
                or e5 in probe)


# C0/C1 controls, line/paragraph separators, and bidi overrides that can make
# a reply read differently from what it says.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")

Report = CampaignReport | PeriodReport
T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelled(MailerError):
    """The operator cancelled the export; no file was written."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a campaign (``campaign_id``) or local days ``start``..``end``."""

    fmt: str
    out: Path
    campaign_id: int | None = None
    start: date | None = None
    end: date | None = None
    delimiter: str = ","
    fields: tuple[str, ...] | None = None
    language: str = "en"  # the words of the report (``labels.LANGUAGES``)

    def validate(self) -> None:
        if self.fmt not in FORMATS:
            raise ReportError(f"format {self.fmt!r}: choose one of {', '.join(FORMATS)}")
        if self.language not in LANGUAGES:
            raise ReportError(f"language {self.language!r}: choose one of "
                              f"{', '.join(LANGUAGES)}")
        if self.delimiter not in DELIMITERS:
            raise ReportError(f"delimiter {self.delimiter!r}: choose ',' or ';'")
        if (self.campaign_id is None) == (self.start is None or self.end is None):
            raise ReportError("give either a campaign id or a period (from and to dates)")
        if not Path(self.out).parent.is_dir():
            raise ReportError(f"{Path(self.out).parent} is not a folder; choose where to save")


@contextmanager
def open_report(db: Database, request: ExportRequest, now: datetime) -> Iterator[Report]:
    """The campaign or period report the request asks for (see ``reports``)."""
    request.validate()
    labels = Labels(request.language)
    if request.campaign_id is not None:
        with campaign_report(db, request.campaign_id, now, request.fields, labels) as rep:
            yield rep
    else:
        assert request.start is not None and request.end is not None
        with period_report(db, request.start, request.end, now, labels) as prep:
            yield prep


# ------------------------------------------------------------------ cells


def clean_text(value: Any, limit: int = MAX_CELL) -> str:
    """Untrusted text on one line, without controls, at most ``limit`` characters."""
    s = "" if value is None else str(value)
    if not s.isprintable():
        s = _CONTROL.sub(" ", s)
    s = s.strip()
    if len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return s


def safe_cell(value: Any, limit: int = MAX_CELL) -> str:
    """``clean_text`` plus the formula guard: a leading ``'`` on dangerous starts."""
    # Fast path, one call per cell: most cells are short, printable, trimmed, harmless.
    if (type(value) is str and value.isprintable() and len(value) <= limit
            and not value.startswith(_UNSAFE_START) and not value.endswith(" ")):
        return value
    s = clean_text(value, limit)
    if s.startswith(_DANGEROUS):
        s = "'" + s
    return s


def local_time(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Naive local time (spreadsheets have no time zones; the header names it)."""
    return None if dt is None else timefmt.in_zone(dt, tz).replace(tzinfo=None)


def time_text(dt: datetime | None, tz: ZoneInfo) -> str:
    """In the settings' zone with its UTC offset (a report is read anywhere)."""
    return "" if dt is None else timefmt.in_zone(dt, tz).isoformat(sep=" ", timespec="seconds")


def length_text(td: timedelta | None) -> str:
    if td is None:
        return ""
    total = int(td.total_seconds())
    h, rest = divmod(total, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


# ------------------------------------------------------------------ tables


def header(report: Report) -> list[str]:
    """Column titles of the CSV row table: names for machines (codes stay in the
    ``state``/``result``/``kind`` columns; their words follow at the end)."""
    tz = report.summary.timezone
    if isinstance(report, CampaignReport):
        return ["address", *(safe_cell(f) for f in report.field_names), "state",
                f"time ({tz})", "message_id", "server_reply", "attempts", "state_text",
                "content_version", "subject"]
    return [f"time ({tz})", "campaign_id", "campaign", "kind", "address", "result",
            "message_id", "server_reply", "hourly_limit", "monthly_limit", "result_text",
            "kind_text"]


def xlsx_header(report: Report) -> list[str]:
    """Column titles of the XLSX row sheet: words, for people."""
    t, tz = report.labels.t, report.summary.timezone
    if isinstance(report, CampaignReport):
        return [t("Address"), *(safe_cell(f) for f in report.field_names), t("State"),
                t("Time ({zone})", zone=tz), t("Version"), t("Subject sent"), t("Message-ID"),
                t("Server reply"), t("Attempts")]
    return [t("Time ({zone})", zone=tz), t("Campaign id"), t("Campaign"), t("Kind"),
            t("Address"), t("Result"), t("Message-ID"), t("Server reply"),
            t("Hourly limit in force"), t("Monthly limit in force")]


def _stored_time(stored: str | None) -> datetime | None:
    """A time as ``UTCDateTime`` stores it (naive UTC text) to an aware datetime."""
    return None if stored is None else datetime.fromisoformat(stored).replace(tzinfo=UTC)


def _safe_record(record: Record, when: Any, labels: Labels) -> list[Any]:
    """The CSV row: the machine columns, then the state's words, version and subject."""
    email, values, state, _stored, version, subject, mid, reply, attempts = record
    return [safe_cell(email), *map(safe_cell, values), safe_cell(state), when, safe_cell(mid),
            safe_cell(reply, MAX_REPLY), attempts, safe_cell(labels.state(state)),
            "" if version is None else version, safe_cell(subject)]


def _safe_xlsx_record(record: Record, when: Any, labels: Labels) -> list[Any]:
    email, values, state, _stored, version, subject, mid, reply, attempts = record
    return [safe_cell(email), *map(safe_cell, values), safe_cell(labels.state(state)), when,
            version, safe_cell(subject), safe_cell(mid), safe_cell(reply, MAX_REPLY), attempts]


def _campaign_csv_rows(report: CampaignReport,
                       delimiter: str | None = None) -> Iterator[list[Any] | str]:
    """CSV rows from the lines SQLite builds (``CampaignReport.csv_probes``): a line
    is used as is only when every cell in it would come out of ``safe_cell``
    unchanged (all printable, short enough for the reply cap, no cell starting with
    a dangerous character or a blank, none ending in a blank, none holding the
    separator); any other recipient is read again and every cell cleaned.

    With a ``delimiter``, a passing line that ``csv.writer`` would not quote (no
    quote character, no delimiter; printable, so no line break) comes as the
    finished CSV line, text, exactly as the writer would write it."""
    tz = ZoneInfo(report.summary.timezone)
    sep, limit = PROBE_SEP, MAX_REPLY
    seps = len(report.field_names) + 10  # cells + 1
    e0, e1, e2, e3, e4, e5 = (*(sep + c for c in "=+-@ "), " " + sep)
    direct = delimiter is not None
    delim = delimiter or ","
    for probe, rid in report.csv_probes():
        if (probe is not None and probe.isprintable() and len(probe) <= limit
                and probe.count(sep) == seps
                and not (e0 in probe or e1 in probe or e2 in probe or e3 in probe
                         or e4 in probe or e5 in probe)):
            if direct and not ('"' in probe or delim in probe):
                yield probe[1:-1].replace(sep, delim) + "\r\n"
            else:
                yield probe[1:-1].split(sep)
        else:
            record = report.record(rid)
            yield _safe_record(record, time_text(_stored_time(record[3]), tz), report.labels)


def _campaign_xlsx_rows(report: CampaignReport, tz: ZoneInfo) -> Iterator[list[Any]]:
    labels = report.labels
    words = {code: labels.state(code) for code in STATE_CODES}
    for record in report.records:
        email, values, state, stored, version, subject, mid, reply, attempts = record
        when = local_time(_stored_time(stored), tz)
        if _row_is_plain([email, *values, state, subject or "", mid or "", reply or ""],
                         MAX_REPLY):
            yield [email, *values, words.get(state, state), when, version, subject, mid, reply,
                   attempts]
        else:
            yield _safe_xlsx_record(record, when, labels)


def table_rows(report: Report, as_text: bool) -> Iterator[list[Any]]:
    """The report's rows as safe cells; times as text (CSV) or naive local (XLSX)."""
    tz = ZoneInfo(report.summary.timezone)
    if isinstance(report, CampaignReport):
        rows: Iterator[Any] = (_campaign_csv_rows(report) if as_text
                               else _campaign_xlsx_rows(report, tz))
        return rows
    return _period_rows(report, tz, as_text)


def _period_rows(report: PeriodReport, tz: ZoneInfo, as_text: bool) -> Iterator[list[Any]]:
    sc, reply_cap, labels = safe_cell, MAX_REPLY, report.labels
    at: Callable[[datetime], Any] = (
        (lambda d: time_text(d, tz)) if as_text else (lambda d: local_time(d, tz)))
    for s in report.rows:
        if as_text:
            yield [at(s.at), s.campaign_id, sc(s.campaign), s.kind, sc(s.address), s.result,
                   sc(s.message_id), sc(s.reply, reply_cap), s.hourly_limit, s.monthly_limit,
                   labels.result(s.result), labels.kind(s.kind)]
        else:
            yield [at(s.at), s.campaign_id, sc(s.campaign), labels.kind(s.kind),
                   sc(s.address), labels.result(s.result), sc(s.message_id),
                   sc(s.reply, reply_cap), s.hourly_limit, s.monthly_limit]


def chunked(rows: Iterator[T], total: int, progress: Progress | None,
            cancelled: Cancelled | None) -> Iterator[list[T]]:
    """Rows in lists of ``PROGRESS_EVERY``, honouring cancel and reporting progress
    between lists (bounded memory; writers hand each list to C in one call)."""
    done = 0
    while True:
        if cancelled is not None and cancelled():
            raise ExportCancelled("export cancelled")
        chunk = list(islice(rows, PROGRESS_EVERY))
        if not chunk:
            break
        yield chunk
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    if progress is not None and done == 0:
        progress(0, total)


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed to ``out`` only on success."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        yield tmp
        os.replace(tmp, out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


# ------------------------------------------------------------------ summary sections


@dataclass(frozen=True)
class Section:
    """A small table of the summary: shared by the XLSX summary sheet and the PDF."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[Any]]


def _limits_text(labels: Labels, hourly: int | None, monthly: int | None) -> str:
    if hourly is None or monthly is None:
        return labels.t("not recorded")
    return labels.t("{hourly}/hour, {monthly}/month", hourly=hourly, monthly=monthly)


def limits_in_force_text(labels: Labels, periods: tuple[LimitPeriod, ...],
                         tz: ZoneInfo) -> str:
    """``100/hour, 15000/month (from 2026-11-25 10:00), 50/hour, ... (from ...)``."""
    if not periods:
        return labels.t("nothing sent yet")
    return "; ".join(labels.t("{limits} (from {time})",
                              limits=_limits_text(labels, p.hourly, p.monthly),
                              time=minute_text(p.since, tz)) for p in periods)


def minute_text(dt: datetime, tz: ZoneInfo) -> str:
    """A time to the minute, local (the tables name the zone)."""
    return time_text(dt, tz)[:16]


def _definitions(t: Callable[..., str], rates: bool) -> Section:
    rows = [[t("Sent per hour, over elapsed time"), t("DEF_ELAPSED")],
            [t("Sent per hour of active sending"), t("DEF_ACTIVE")],
            [t("Busiest clock hour (sends)"), t("DEF_BUSIEST")]] if rates else []
    rows.append([t("Limits in force"), t("DEF_LIMITS")])
    return Section(t("How the figures are measured"), (t("figure"), t("definition")), rows)


def _campaign_sections(report: CampaignReport) -> list[Section]:
    s, labels = report.summary, report.labels
    t = labels.t
    tz = ZoneInfo(s.timezone)
    rate = None if s.average_per_hour is None else round(s.average_per_hour, 1)
    active = None if s.active_per_hour is None else round(s.active_per_hour, 1)
    busiest = s.busiest_hour
    info: list[list[Any]] = [
        [t("Campaign"), safe_cell(s.name)], [t("Campaign id"), s.campaign_id],
        [t("Subject now") if len(s.versions) > 1 else t("Subject"), safe_cell(s.subject)],
        [t("Queue status"), labels.status(s.queue_status) or t("never queued")],
        [t("Started"), local_time(s.started_at, tz)],
        [t("Finished"), local_time(s.finished_at, tz)],
        [t("Duration (h:mm:ss)"), length_text(s.duration)],
        [t("Sent per hour, over elapsed time"), rate],
        [t("Sent per hour of active sending"), active],
        [t("Busiest clock hour (sends)"), None if busiest is None else
         f"{busiest.total} ({minute_text(busiest.hour, tz)})"],
        [t("Limits in force"), limits_in_force_text(labels, s.limits_in_force, tz)],
        [t("Limits in settings now"), _limits_text(labels, s.hourly_limit, s.monthly_limit)],
        [t("Time zone"), s.timezone], [t("Report made"), local_time(s.generated_at, tz)]]
    versions = [[v, safe_cell(subject), local_time(since, tz), n]
                for (v, subject, n), since in zip(s.versions, s.version_starts, strict=True)]
    states = [[labels.state(state), s.counts[state], s.test_counts[state]] for state in s.counts
              if s.counts[state] or s.test_counts[state] or state != "sending"]
    states.append([t("total"), s.total, s.test_total])
    pauses = [[labels.reason(p.reason_code), local_time(p.started_at, tz),
               local_time(p.ended_at, tz),
               t("{length} (ongoing)", length=length_text(p.length)) if p.ongoing
               else length_text(p.length),
               safe_cell(p.detail, MAX_REPLY)] for p in s.pauses]
    return [Section(t("Summary"), (t("item"), t("value")), info),
            Section(t("Content versions"), (t("version"), t("Subject"), t("from"),
                                            t("recipients")), versions),
            Section(t("Recipients by state"), (t("state"), t("recipients"), t("test sends")),
                    states),
            Section(t("Pause history"), (t("reason"), t("start"), t("end"), t("length"),
                                         t("detail")), pauses),
            _definitions(t, rates=True)]


def _period_sections(report: PeriodReport) -> list[Section]:
    s, labels = report.summary, report.labels
    t = labels.t
    tz = ZoneInfo(s.timezone)
    info: list[list[Any]] = [
        [t("Period"), t("{start} to {end}", start=s.start.isoformat(), end=s.end.isoformat())],
        [t("Time zone"), s.timezone], [t("Sends (slots the provider counts)"), s.total],
        [t("of which test sends"), s.test_sends], [t("Campaigns"), s.campaigns],
        [t("Limits in force"), limits_in_force_text(labels, s.limits_in_force, tz)],
        [t("Limits in settings now"), _limits_text(labels, s.hourly_limit, s.monthly_limit)],
        [t("Hours over the hourly limit"), len(s.hours_over_limit)],
        [t("Report made"), local_time(s.generated_at, tz)]]
    results = [[labels.result(k), v] for k, v in sorted(s.results.items())]
    days = [[d.day, d.sends, d.peak_hour, _day_limit(s.limits_in_force, d.day, tz, "hourly"),
             d.month_to_date, _day_limit(s.limits_in_force, d.day, tz, "monthly")]
            for d in s.days]
    over = set(s.hours_over_limit)
    hours = [[h.hour.replace(tzinfo=None), h.sends,
              h.hourly_limit if h.hourly_limit is not None else t("not recorded"),
              t("over the limit") if h in over else ""] for h in s.hours]
    return [Section(t("Summary"), (t("item"), t("value")), info),
            Section(t("Sends by result"), (t("result"), t("sends")), results),
            Section(t("Daily totals"), (t("day"), t("sends"), t("busiest hour"),
                                        t("hourly limit"), t("month to date"),
                                        t("monthly limit")), days),
            Section(t("Hourly totals"), (t("hour"), t("sends"), t("hourly limit"), ""), hours),
            _definitions(t, rates=False)]


def _day_limit(periods: tuple[LimitPeriod, ...], day: date, tz: ZoneInfo, which: str) -> str:
    """The limits recorded on the day's sends, or in force when the day began:
    ``100`` or ``100 → 50``; empty when none was recorded."""
    lo = datetime(day.year, day.month, day.day, tzinfo=tz)
    hi = lo + timedelta(days=1)
    values: list[int] = []
    for i, p in enumerate(periods):
        until = periods[i + 1].since if i + 1 < len(periods) else None
        value = p.hourly if which == "hourly" else p.monthly
        if p.since < hi and (until is None or until > lo) and value is not None \
                and (not values or values[-1] != value):
            values.append(value)
    return " \u2192 ".join(str(v) for v in values)


def summary_sections(report: Report) -> list[Section]:
    """The summary as small tables; times are naive local (the zone is in the table)."""
    if isinstance(report, CampaignReport):
        return _campaign_sections(report)
    return _period_sections(report)


# ------------------------------------------------------------------ writers


def write_csv(report: Report, out: Path, delimiter: str = ",",
              progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """The row table as CSV (UTF-8 with BOM so Excel opens it); returns the row count."""
    n = 0
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header(report))
        if isinstance(report, CampaignReport):
            # Finished lines (text) and rows for the writer, kept in order.
            for items in chunked(_campaign_csv_rows(report, delimiter), report.row_count,
                                 progress, cancelled):
                lines: list[str] = []
                for item in items:
                    if type(item) is str:
                        lines.append(item)
                    else:
                        fh.write("".join(lines))
                        lines.clear()
                        w.writerow(item)
                fh.write("".join(lines))
                n += len(items)
            return n
        for chunk in chunked(table_rows(report, as_text=True), report.row_count, progress,
                             cancelled):
            w.writerows(chunk)
            n += len(chunk)
    return n


def write_xlsx(report: Report, out: Path, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> int:
    """Summary sheet(s) and a row sheet, openpyxl write-only; returns the row count."""
    from mailer_gui.core.reports import xlsx as report_xlsx

    with atomic_path(out) as tmp:
        rows = chunked(table_rows(report, as_text=False), report.row_count, progress,
                       cancelled)
        return report_xlsx.write(report, tmp, (row for chunk in rows for row in chunk))


def write(report: Report, request: ExportRequest, progress: Progress | None = None,
          cancelled: Cancelled | None = None) -> int:
    """Write ``report`` as ``request.fmt`` (csv or xlsx); returns the row count."""
    if request.fmt == "csv":
        return write_csv(report, request.out, request.delimiter, progress, cancelled)
    if request.fmt == "xlsx":
        return write_xlsx(report, request.out, progress, cancelled)
    raise ReportError(f"{request.fmt}: the core writes csv and xlsx; PDF needs the Qt front")
