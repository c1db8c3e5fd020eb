"""Recurring sends: a campaign repeats on a calendar rule in the settings'
zone: a five-field cron line, or ``first working day HH:MM`` (the first
Monday to Friday of each month that is not a day off or a public holiday of
the settings' calendar, which a cron line cannot say). Each occurrence is a
copy of the campaign (content, attachments, audience: ``content/duplicate.py``)
queued to the audience as it is then, ``scheduled`` in the queue with its time.

The database is the whole state: ``campaign_repeats`` (the rule) and
``repeat_occurrences`` (the copy made for each occurrence and what became of
it), with the copies' queue entries. :func:`sync` recomputes everything from
them: it is called at start (the scheduler is rebuilt from the database) and
whenever the scheduler (``RepeatScheduler``) wakes it. APScheduler's
``CronTrigger`` (or the working-day rule's own BaseTrigger)
computes the occurrences; an occurrence missed while the app
was closed is handled as APScheduler's ``coalesce=True`` with a
``misfire_grace_time`` handles a misfire: all the missed occurrences become
one catch-up, sent only if the last of them is within the grace; a
notification says so either way.
"""

from __future__ import annotations

import calendar as _months
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.codes import EntryStatus, NotificationKind
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import (
    Campaign,
    CampaignRepeat,
    Recipient,
    RepeatOccurrence,
)

Closed = Callable[[date], bool]  # is this day a day off or a public holiday?

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=12)
# The audience of the next copy is resolved again this long before it is due
# (the scheduler wakes then), so it goes to the lists as they are then.
REFRESH_LEAD = timedelta(minutes=2)
# Later than this after its time, an occurrence counts as missed (the app was closed).
LATE_AFTER = timedelta(minutes=5)
MAX_COUNTED = 10_000  # missed occurrences counted at most (a rule every minute, a long trip)
PLANNED, DUE, CAUGHT_UP, SKIPPED = "planned", "due", "caught_up", "skipped"


class RepeatError(MailerError):
    """The repeat cannot be set as given; the message says why."""


@dataclass(frozen=True)
class RepeatInfo:
    campaign_id: int
    cron: str
    timezone: str
    misfire_grace: timedelta
    next_runs: list[datetime]  # the next occurrences (UTC)
    planned_campaign_id: int | None  # the copy queued for the next one


WORKING_DAY = "first working day"
_WORKING_DAY = re.compile(r"first working day (\d{1,2}):(\d{2})\Z")
_SEARCH_MONTHS = 24  # a month with no working day at all: look this far at most


def working_day_rule(at: str) -> str:
    """The rule text for "the first working day of the month at ``at``" (HH:MM);
    RepeatError for a time that is not one."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", at)
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise RepeatError(Message("repeat.bad_time", at=repr(at)))
    return f"{WORKING_DAY} {int(m.group(1)):02d}:{m.group(2)}"


def _never_closed(_day: date) -> bool:
    return False


class WorkingDayRule:
    """The first working day of every month at a wall time in ``timezone``. A
    working day is Monday to Friday and not ``closed`` (the settings' days off
    and public holidays). A wall time the clock skips that day (spring
    forward) reads as the time after the jump. APScheduler's
    trigger is :func:`working_day_trigger` (this with its BaseTrigger)."""

    def __init__(self, hour: int, minute: int, timezone: ZoneInfo, closed: Closed) -> None:
        self.hour, self.minute, self.timezone, self.closed = hour, minute, timezone, closed

    def first_working_day(self, year: int, month: int) -> date | None:
        for day in range(1, _months.monthrange(year, month)[1] + 1):
            d = date(year, month, day)
            if d.weekday() < 5 and not self.closed(d):
                return d
        return None

    def get_next_fire_time(self, previous_fire_time: Any, now: datetime) -> datetime | None:
        local = now.astimezone(self.timezone)
        year, month = local.year, local.month
        for _ in range(_SEARCH_MONTHS):
            day = self.first_working_day(year, month)
            if day is not None:
                wall = datetime.combine(day, time(self.hour, self.minute), self.timezone)
                fire = wall.astimezone(UTC)
                if fire >= now:
                    return fire.astimezone(self.timezone)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    def __str__(self) -> str:
        return f"{WORKING_DAY} {self.hour:02d}:{self.minute:02d}"

    def __repr__(self) -> str:
        return f"<FirstWorkingDayTrigger ({self}, timezone={self.timezone.key!r})>"


def working_day_trigger(hour: int, minute: int, timezone: ZoneInfo, closed: Closed) -> Any:
    """APScheduler's trigger (a BaseTrigger) for :class:`WorkingDayRule`."""
    return _trigger_class()(hour, minute, timezone, closed)


@cache
def _trigger_class() -> type[WorkingDayRule]:
    # APScheduler loads when first used (it costs the start-up ~0.1 s).
    from apscheduler.triggers.base import BaseTrigger

    class FirstWorkingDayTrigger(WorkingDayRule, BaseTrigger):  # type: ignore[misc]
        """The rule as an APScheduler trigger."""

    return FirstWorkingDayTrigger


def trigger(cron: str, tz: ZoneInfo, closed: Closed | None = None) -> Any:
    """APScheduler's trigger for a rule: ``first working day HH:MM`` (days off
    and holidays from ``closed``) or a five-field cron line (RepeatError if it
    is neither)."""
    from apscheduler.triggers.cron import CronTrigger

    rule = cron.strip()
    m = _WORKING_DAY.match(rule)
    if m is not None:
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 23 or minute > 59:
            raise RepeatError(Message("repeat.bad_time", at=repr(rule)))
        return working_day_trigger(hour, minute, tz, closed or _never_closed)
    try:
        trig: CronTrigger = CronTrigger.from_crontab(rule, timezone=tz)
    except (ValueError, TypeError) as exc:
        raise RepeatError(Message("repeat.bad_cron", cron=repr(cron), problem=str(exc))) from None
    return trig


def next_times(
    cron: str, tz: ZoneInfo, after: datetime, n: int, closed: Closed | None = None
) -> list[datetime]:
    """The next ``n`` occurrences strictly after ``after``, in UTC."""
    trig = trigger(cron, tz, closed)
    out: list[datetime] = []
    t = utc(after)
    for _ in range(n):
        nxt = trig.get_next_fire_time(None, t + timedelta(microseconds=1))
        if nxt is None:
            break
        t = utc(nxt)
        out.append(t)
    return out


def _missed(trig: Any, after: datetime, until: datetime) -> tuple[int, datetime]:
    """Occurrences in (after, until]: how many, and the newest (``after`` if none)."""
    n, t = 0, after
    while n < MAX_COUNTED:
        nxt = trig.get_next_fire_time(None, t + timedelta(microseconds=1))
        if nxt is None or utc(nxt) > until:
            break
        n, t = n + 1, utc(nxt)
    return n, t


def _zone(session: Session) -> ZoneInfo:
    from mailer_gui.core.config import settings as settings_mod

    return settings_mod.load(session).limits.tz


def closed_days_of(ctx: Any) -> Closed:
    """:func:`closed_days` of an app context's settings (its own read)."""
    with ctx.db.read() as s:
        return closed_days(s)


def closed_days(session: Session) -> Closed:
    """The settings' days off and public holidays, as a test of a day."""
    from mailer_gui.core.config import settings as settings_mod

    return settings_mod.load(session).limits.calendar.closed_day


def set_repeat(
    session: Session,
    campaign_id: int,
    cron: str,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> RepeatInfo:
    """Make the campaign repeat on ``cron`` (in the settings' zone) and plan its
    next occurrence. The campaign needs an audience (each copy is resolved from it)."""
    from mailer_gui.core.audience import audiences

    queue.get_campaign(session, campaign_id)
    if not audiences.get(session, campaign_id):
        raise RepeatError(Message("repeat.no_audience", campaign_id=campaign_id))
    tz = _zone(session)
    trigger(cron, tz)
    cron = str(trigger(cron, tz)) if _WORKING_DAY.match(cron.strip()) else cron
    rep = session.get(CampaignRepeat, campaign_id)
    if rep is not None:
        _drop_planned(session, campaign_id)
        rep.cron, rep.timezone, rep.misfire_grace_s = (
            cron.strip(),
            tz.key,
            int(grace.total_seconds()),
        )
    else:
        rep = CampaignRepeat(
            campaign_id=campaign_id,
            cron=cron.strip(),
            timezone=tz.key,
            misfire_grace_s=int(grace.total_seconds()),
            created_at=utc(now),
        )
        session.add(rep)
    session.flush()
    _plan_next(session, rep, now)
    result = info(session, campaign_id, now)
    assert result is not None
    return result


def repeat_off(session: Session, campaign_id: int) -> bool:
    """Stop repeating; the copy planned for the next occurrence goes (nothing was
    sent from it). False if the campaign did not repeat."""
    rep = session.get(CampaignRepeat, campaign_id)
    if rep is None:
        return False
    _drop_planned(session, campaign_id)
    session.delete(rep)
    session.flush()
    return True


def info(session: Session, campaign_id: int, now: datetime, n: int = 5) -> RepeatInfo | None:
    rep = session.get(CampaignRepeat, campaign_id)
    if rep is None:
        return None
    planned = _planned(session, campaign_id)
    return RepeatInfo(
        campaign_id,
        rep.cron,
        rep.timezone,
        timedelta(seconds=rep.misfire_grace_s),
        next_times(rep.cron, ZoneInfo(rep.timezone), now, n, closed_days(session)),
        planned.campaign_id if planned else None,
    )


def _planned(session: Session, template_id: int) -> RepeatOccurrence | None:
    return session.scalars(
        select(RepeatOccurrence)
        .where(RepeatOccurrence.template_id == template_id, RepeatOccurrence.outcome == PLANNED)
        .order_by(RepeatOccurrence.due_at.desc())
        .limit(1)
    ).first()


def _started(session: Session, campaign_id: int | None) -> bool:
    """Has the copy begun to send (a message may have gone out)?"""
    if campaign_id is None:
        return False
    entry = queue.campaign_entry(session, campaign_id)
    if entry is not None and entry.status == EntryStatus.PROCESSING:
        return True
    return (
        session.scalar(
            select(Recipient.id)
            .where(Recipient.campaign_id == campaign_id, Recipient.attempts > 0)
            .limit(1)
        )
        is not None
    )


def _drop_planned(session: Session, template_id: int) -> None:
    occ = _planned(session, template_id)
    if occ is None:
        return
    if occ.campaign_id is not None and not _started(session, occ.campaign_id):
        copy = session.get(Campaign, occ.campaign_id)
        if copy is not None:
            session.delete(copy)
        session.delete(occ)
    else:
        occ.outcome = DUE
    session.flush()


def _plan_next(session: Session, rep: CampaignRepeat, now: datetime) -> RepeatOccurrence | None:
    from mailer_gui.core.content.duplicate import duplicate

    tz = ZoneInfo(rep.timezone)
    times = next_times(rep.cron, tz, now, 1, closed_days(session))
    if not times:
        return None
    due = times[0]
    template = queue.get_campaign(session, rep.campaign_id)
    label = due.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    copy_id = duplicate(session, rep.campaign_id, now, name=f"{template.name} · {label}"[:200])
    occ = RepeatOccurrence(
        template_id=rep.campaign_id,
        campaign_id=copy_id,
        due_at=due,
        created_at=utc(now),
        outcome=PLANNED,
    )
    session.add(occ)
    session.flush()
    _queue_copy(session, occ, now)
    return occ


def _queue_copy(session: Session, occ: RepeatOccurrence, now: datetime) -> None:
    """Take the campaign's content, attachments and audience into the copy again
    (edits since it was planned reach it), resolve its audience now, and queue
    it for its time (``scheduled``). Called only while nothing went out from it."""
    from mailer_gui.core.audience import audiences
    from mailer_gui.core.content.duplicate import refresh_copy

    if occ.campaign_id is None:
        return
    refresh_copy(session, occ.template_id, occ.campaign_id, now)
    entry = queue.campaign_entry(session, occ.campaign_id)
    if entry is not None and entry.status in (EntryStatus.QUEUED, EntryStatus.DEFERRED):
        audiences.resolve(session, occ.campaign_id)  # live but not started: safe
        return
    try:
        with session.begin_nested():
            queue.enqueue(session, occ.campaign_id, now, start_at=occ.due_at)
    except MailerError as exc:  # an empty audience now; tried again when it is due
        log.info("repeat copy %s not queued yet: %s", occ.campaign_id, exc)


def sync(session: Session, now: datetime) -> list[str]:
    """Bring every repeat up to date with the clock (in the caller's write
    transaction); returns the notification texts written."""
    said: list[str] = []
    for rep in list(session.scalars(select(CampaignRepeat).order_by(CampaignRepeat.campaign_id))):
        text = _sync_one(session, rep, utc(now))
        if text:
            said.append(text)
    return said


def _sync_one(session: Session, rep: CampaignRepeat, now: datetime) -> str | None:
    occ = _planned(session, rep.campaign_id)
    if occ is None:
        _plan_next(session, rep, now)
        return None
    if occ.due_at > now:
        if occ.due_at - now <= REFRESH_LEAD and not _started(session, occ.campaign_id):
            _queue_copy(session, occ, now)
        return None
    tz = ZoneInfo(rep.timezone)
    grace = timedelta(seconds=rep.misfire_grace_s)
    more, newest = _missed(trigger(rep.cron, tz, closed_days(session)), occ.due_at, now)
    missed = 1 + more
    late = now - occ.due_at
    text: Message | None = None
    template = queue.get_campaign(session, rep.campaign_id)
    if late > LATE_AFTER:
        # The newest missed occurrence decides (coalesce): within the grace, one catch-up.
        if now - newest > grace:
            occ.outcome = SKIPPED
            _cancel_copy(session, occ, now)
            text = Message("repeat.skipped", name=template.name, missed=missed, grace=_hours(grace))
        else:
            occ.outcome = CAUGHT_UP
            if not _started(session, occ.campaign_id):
                _queue_copy(session, occ, now)
            text = Message(
                "repeat.caught_up", name=template.name, missed=missed, campaign_id=occ.campaign_id
            )
        occ.missed = missed
    else:
        occ.outcome = DUE
        if not _started(session, occ.campaign_id):
            _queue_copy(session, occ, now)
    session.flush()
    if text is not None:
        entry = queue.campaign_entry(session, occ.campaign_id) if occ.campaign_id else None
        queue.notify(session, now, NotificationKind.REPEAT, text, entry)
    _plan_next(session, rep, now)
    return str(text) if text is not None else None


def _cancel_copy(session: Session, occ: RepeatOccurrence, now: datetime) -> None:
    if occ.campaign_id is None or _started(session, occ.campaign_id):
        return
    entry = queue.campaign_entry(session, occ.campaign_id)
    if entry is not None and entry.status in (
        EntryStatus.QUEUED,
        EntryStatus.DEFERRED,
        EntryStatus.PAUSED,
    ):
        queue.cancel(session, occ.campaign_id, now)


def _hours(td: timedelta) -> str:
    return f"{td.total_seconds() / 3600:g} h"


def wake_times(session: Session) -> list[tuple[int, datetime]]:
    """When the scheduler should wake next, per repeat: the refresh before the
    planned copy's time, and the time itself."""
    out: list[tuple[int, datetime]] = []
    for occ in session.scalars(select(RepeatOccurrence).where(RepeatOccurrence.outcome == PLANNED)):
        out.append((occ.template_id, occ.due_at - REFRESH_LEAD))
        out.append((occ.template_id, occ.due_at))
    return out
