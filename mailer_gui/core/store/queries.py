"""The reads every layer shares: a campaign by id, and recipients counted by state.

Counting by state is done here only (the queue's counts, the snapshot, the
editor, the reports and the campaign list all call it), so that every front
end shows the same numbers for the same rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mailer_gui.core.errors import NotFoundError
from mailer_gui.core.messages import Message
from mailer_gui.core.store.models import RECIPIENT_STATES, Campaign, Recipient

StateCounts = dict[str, int]


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFoundError(Message("campaign.not_found", campaign_id=campaign_id))
    return campaign


def zero_counts() -> StateCounts:
    """Every recipient state, counted 0 (the order is ``RECIPIENT_STATES``)."""
    return dict.fromkeys(RECIPIENT_STATES, 0)


def count_by_state(session: Session, *conds: Any) -> StateCounts:
    """Recipients matching the SQL conditions ``conds``, counted by state."""
    out = zero_counts()
    for status, n in session.execute(
        select(Recipient.status, func.count()).where(*conds).group_by(Recipient.status)
    ):
        out[str(status)] = int(n)
    return out


def recipient_counts(
    session: Session, campaign_id: int | None, test_entry_id: int | None = None
) -> StateCounts:
    """A campaign's own recipients by state (``test_entry_id`` None), or those
    of one of its test sends; all zero for no campaign (an unsaved one)."""
    if campaign_id is None:
        return zero_counts()
    test = (
        Recipient.test_entry_id.is_(None)
        if test_entry_id is None
        else Recipient.test_entry_id == test_entry_id
    )
    return count_by_state(session, Recipient.campaign_id == campaign_id, test)


def counts_by_scope(session: Session) -> dict[tuple[int, int | None], StateCounts]:
    """Every campaign's recipients by state, keyed by (campaign id, test entry
    id or None for the campaign's own): one query for the whole queue."""
    out: dict[tuple[int, int | None], StateCounts] = {}
    for cid, tid, status, n in session.execute(
        select(
            Recipient.campaign_id, Recipient.test_entry_id, Recipient.status, func.count()
        ).group_by(Recipient.campaign_id, Recipient.test_entry_id, Recipient.status)
    ):
        out.setdefault((cid, tid), zero_counts())[str(status)] = int(n)
    return out


def own_and_test_counts(session: Session, campaign_id: int) -> tuple[StateCounts, StateCounts]:
    """A campaign's own recipients by state and its test sends' by state, for a
    big campaign: every recipient is counted from the (campaign, status) index
    alone and the test sends by a plain scan; the campaign's own are the
    difference (one snapshot, so exact)."""
    every, tests = count_by_state(session, Recipient.campaign_id == campaign_id), zero_counts()
    # "+campaign_id" keeps SQLite off the (campaign, status) index, whose row
    # lookups for test_entry_id cost more than reading the table straight.
    for status, n in session.execute(
        text(
            "SELECT status, count(*) FROM recipients WHERE +campaign_id = :cid "
            "AND test_entry_id IS NOT NULL GROUP BY status"
        ),
        {"cid": campaign_id},
    ):
        tests[str(status)] = int(n)
    return {k: every[k] - tests.get(k, 0) for k in every}, tests


def recipient_totals(session: Session) -> dict[int, int]:
    """Each campaign's own recipients (test sends not counted), by campaign id."""
    return {
        int(cid): int(n)
        for cid, n in session.execute(
            select(Recipient.campaign_id, func.count())
            .where(Recipient.test_entry_id.is_(None))
            .group_by(Recipient.campaign_id)
        )
    }
