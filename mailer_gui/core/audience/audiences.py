"""A campaign's audience: one or more lists, minus exclusion lists, minus anyone
who was sent a chosen earlier campaign, minus the suppression list.

The rules are stored with the campaign (``campaign_audience``) and resolved
into its recipients when it is queued (:func:`resolve`, called by
``queue.enqueue``): the engine still sends from the campaign's own recipients
table, untouched. Before that, :func:`count` says how many it reaches and why
each excluded contact is left out. A contact left out for several reasons is
counted under the first: exclusion list, then the earlier campaign, then the
suppression list.

"Was sent" an earlier campaign means a recipient of it that is ``sent`` or
``uncertain`` (the message may have arrived: it is not sent twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mailer_gui.core.codes import RecipientStatus
from mailer_gui.core.errors import MailerError, StateError
from mailer_gui.core.messages import Message
from mailer_gui.core.store import dialect
from mailer_gui.core.store.models import LIVE_STATUSES, AudienceRule, Campaign, QueueEntry
from mailer_gui.core.store.queries import get_campaign

LIST, EXCLUDE, NOT_SENT = "list", "exclude_list", "not_sent_to"
KINDS = (LIST, EXCLUDE, NOT_SENT)
SENT_STATES = (RecipientStatus.SENT, RecipientStatus.UNCERTAIN)
# Why a contact is left out (the order of the checks), 0: it is in.
_IN, _EXCLUDED, _SENT_BEFORE, _SUPPRESSED = 0, 1, 2, 3


class AudienceError(MailerError):
    """The audience cannot be set as given; the message says why."""


@dataclass(frozen=True)
class Audience:
    lists: tuple[int, ...] = ()
    exclude_lists: tuple[int, ...] = ()
    not_sent_to: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lists)


@dataclass(frozen=True)
class AudienceCount:
    """Contacts on the lists, those left out by each rule, and those it reaches."""

    on_lists: int
    excluded_by_list: int
    sent_before: int
    suppressed: int
    reached: int

    def as_dict(self) -> dict[str, int]:
        return {
            "on_lists": self.on_lists,
            "excluded_by_list": self.excluded_by_list,
            "sent_before": self.sent_before,
            "suppressed": self.suppressed,
            "reached": self.reached,
        }


@dataclass
class Resolved:
    """What queuing made of the audience: recipients added and dropped."""

    added: int = 0
    dropped: int = 0


def get(session: Session, campaign_id: int) -> Audience:
    """The campaign's audience (empty when it has none: it sends to its imported recipients)."""
    rules: dict[str, list[int]] = {k: [] for k in KINDS}
    for kind, ref in session.execute(
        select(AudienceRule.kind, AudienceRule.ref_id)
        .where(AudienceRule.campaign_id == campaign_id)
        .order_by(AudienceRule.kind, AudienceRule.ref_id)
    ):
        rules[kind].append(int(ref))
    return Audience(tuple(rules[LIST]), tuple(rules[EXCLUDE]), tuple(rules[NOT_SENT]))


def set_audience(session: Session, campaign_id: int, audience: Audience) -> None:
    """Replace the campaign's audience rules (refused while it is in the queue:
    its recipients were resolved when it was queued)."""
    from mailer_gui.core.audience import lists  # the import machinery loads when used

    get_campaign(session, campaign_id)
    live = session.scalar(
        select(QueueEntry.status).where(
            QueueEntry.campaign_id == campaign_id,
            QueueEntry.kind == "campaign",
            QueueEntry.status.in_(LIVE_STATUSES),
        )
    )
    if live is not None:
        raise StateError(Message("audience.locked", campaign_id=campaign_id, status=live))
    if not audience.lists and (audience.exclude_lists or audience.not_sent_to):
        raise AudienceError(Message("audience.no_list"))
    for list_id in (*audience.lists, *audience.exclude_lists):
        lists.get_list(session, list_id)
    for cid in audience.not_sent_to:
        if session.get(Campaign, cid) is None:
            raise AudienceError(Message("audience.no_campaign", campaign_id=cid))
    session.execute(
        text("DELETE FROM campaign_audience WHERE campaign_id = :c"), {"c": campaign_id}
    )
    for kind, refs in (
        (LIST, audience.lists),
        (EXCLUDE, audience.exclude_lists),
        (NOT_SENT, audience.not_sent_to),
    ):
        for ref in sorted(set(refs)):
            session.add(AudienceRule(campaign_id=campaign_id, kind=kind, ref_id=ref))
    session.flush()


def _ids(values: tuple[int, ...]) -> str:
    return ",".join(str(int(v)) for v in values) or "NULL"


def _why_sql(audience: Audience) -> str:
    """One row per contact of the lists: its id and why it is left out (0: in)."""
    sent_states = ",".join(f"'{s}'" for s in SENT_STATES)
    return (
        "SELECT c.id AS id, c.email AS email, c.email_norm AS email_norm, c.fields AS fields, "
        "CASE "
        "WHEN c.id IN (SELECT contact_id FROM list_members WHERE list_id IN "
        f"({_ids(audience.exclude_lists)})) THEN {_EXCLUDED} "
        "WHEN c.email_norm IN (SELECT email_norm FROM recipients WHERE campaign_id IN "
        f"({_ids(audience.not_sent_to)}) AND test_entry_id IS NULL AND status IN ({sent_states})) "
        f"THEN {_SENT_BEFORE} "
        f"WHEN c.email_norm IN (SELECT email_norm FROM suppressions) THEN {_SUPPRESSED} "
        f"ELSE {_IN} END AS why "
        "FROM contacts c WHERE c.id IN "
        f"(SELECT contact_id FROM list_members WHERE list_id IN ({_ids(audience.lists)}))"
    )


def count(session: Session, audience: Audience) -> AudienceCount:
    """How many the audience reaches now, and why the others are left out."""
    by: dict[int, int] = {}
    if audience.lists:
        by = {
            int(w): int(n)
            for w, n in session.execute(
                text(f"SELECT why, count(*) FROM ({_why_sql(audience)}) AS w GROUP BY why")
            )
        }
    return AudienceCount(
        on_lists=sum(by.values()),
        excluded_by_list=by.get(_EXCLUDED, 0),
        sent_before=by.get(_SENT_BEFORE, 0),
        suppressed=by.get(_SUPPRESSED, 0),
        reached=by.get(_IN, 0),
    )


def resolve(session: Session, campaign_id: int) -> Resolved | None:
    """Make the campaign's pending recipients its audience as it is now (in the
    caller's write transaction): contacts it reaches are added (their fields as
    they are now), and recipients an earlier resolution added that it no longer
    reaches are dropped while no message went to them. Recipients imported from
    a file (they have a row number) and any that were sent stay. None when the
    campaign has no audience."""
    audience = get(session, campaign_id)
    if not audience:
        return None
    conn = session.connection()
    params: dict[str, Any] = {"c": campaign_id, "pending": RecipientStatus.PENDING}
    # Recipients an earlier resolution added and that may still change (none the
    # first time: then only the insert runs).
    earlier = conn.execute(
        text(
            "SELECT 1 FROM recipients WHERE campaign_id = :c AND test_entry_id IS NULL "
            "AND row_number IS NULL AND status = :pending AND attempts = 0 LIMIT 1"
        ),
        params,
    ).first()
    dropped = 0
    if earlier is not None:
        dropped = conn.execute(
            text(
                "DELETE FROM recipients WHERE campaign_id = :c AND test_entry_id IS NULL "
                "AND row_number IS NULL AND status = :pending AND attempts = 0 AND email_norm "
                f"NOT IN (SELECT email_norm FROM ({_why_sql(audience)}) AS w WHERE why = 0)"
            ),
            params,
        ).rowcount
        conn.execute(
            text(
                "UPDATE recipients SET fields = (SELECT c.fields FROM contacts c "
                "WHERE c.email_norm = recipients.email_norm) WHERE campaign_id = :c "
                "AND test_entry_id IS NULL AND row_number IS NULL AND status = :pending "
                "AND attempts = 0 AND email_norm IN (SELECT email_norm FROM contacts)"
            ),
            params,
        )
    insert, skip = dialect.insert_ignore(conn)
    added = conn.execute(
        text(
            f"{insert} INTO recipients (campaign_id, email, email_norm, fields, "
            "row_number, status, attempts) SELECT :c, email, email_norm, fields, NULL, :pending, 0 "
            f"FROM ({_why_sql(audience)}) AS w WHERE why = 0 ORDER BY email_norm{skip}"
        ),
        params,
    ).rowcount
    return Resolved(int(added or 0), int(dropped or 0))
