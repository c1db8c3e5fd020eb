"""SQLAlchemy 2 models: the whole state of the app lives in these tables.

The queue table (:class:`QueueEntry`) is the one source of truth for reason,
next run time, order and the active campaign (invariant D, docs/spec.md). Times are
stored as naive UTC and handed out as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from mailer_gui.core import codes, messages
from mailer_gui.core.codes import EntryKind, EntryStatus, RecipientStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; naive UTC on disk.

    Stored naive so that SQLite compares them as strings in time order.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class MessageText(TypeDecorator[str]):
    """A text the operator reads (a hold's detail, a notification): a
    :class:`~mailer_gui.core.messages.Message` keeps its code and parameters as
    JSON on disk, and every value read back is a message (an old row of plain
    English, too), so each front end can word it. Plain ``TEXT`` in the schema."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return messages.to_stored(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return messages.from_stored(value)


class Base(DeclarativeBase):
    pass


# Queue entry statuses. ``queued``/``processing``/``deferred``/``paused`` are live;
# the other three are final.
LIVE_STATUSES = codes.LIVE_STATUSES
FINAL_STATUSES = codes.FINAL_STATUSES

# Recipient states.
# ``suppressed``: imported but on the suppression list; counted, never sent.
RECIPIENT_STATES = codes.RECIPIENT_STATES


class Setting(Base):
    """Key/value settings (JSON values); typed access lives in ``settings``."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False, default="")
    html_body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply_to: Mapped[str | None] = mapped_column(String(320), nullable=True)
    # Address the editor remembers for "Send test".
    test_address: Mapped[str | None] = mapped_column(String(320), nullable=True)
    # The version of the content (subject, bodies, attachments, reply-to) sent
    # now; raised when content already sent changes (see ``CampaignVersion``).
    content_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default=text("1")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True
    )


class CampaignVersion(Base):
    """One version of a campaign's content: its subject and when it began.

    Each recipient records the version it was sent (``Recipient.content_version``),
    so the report names the subject every recipient got.
    """

    __tablename__ = "campaign_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("uq_campaign_versions", "campaign_id", "version", unique=True),)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    mime_type: Mapped[str] = mapped_column(String(127), nullable=False)
    content: Mapped[bytes] = mapped_column(nullable=False)
    campaign: Mapped[Campaign] = relationship(back_populates="attachments")


class Recipient(Base):
    """One address of a campaign (or the single address of a test send).

    ``attempts`` counts the slots this recipient consumed, so that the sum of
    attempts always equals the number of rows in the slot ledger.
    """

    __tablename__ = "recipients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    # Set for the recipient of a test send; such rows are not the campaign's.
    test_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_entries.id", ondelete="CASCADE"), nullable=True
    )
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    email_norm: Mapped[str] = mapped_column(String(320), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=RecipientStatus.PENDING)
    message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    engine_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The campaign's content version this recipient was sent (set when claimed).
    content_version: Mapped[int | None] = mapped_column(Integer, nullable=True)

    campaign: Mapped[Campaign] = relationship(back_populates="recipients")

    __table_args__ = (
        Index("ix_recipients_campaign_status", "campaign_id", "status"),
        Index("ix_recipients_status", "status"),
        Index(
            "uq_recipients_campaign_email",
            "campaign_id",
            "email_norm",
            unique=True,
            sqlite_where=text("test_entry_id IS NULL"),
            postgresql_where=text("test_entry_id IS NULL"),
        ),
        Index("ix_recipients_test_entry", "test_entry_id"),
        # A campaign's next pending recipient, in id order (migration 0008).
        Index(
            "ix_recipients_pending",
            "campaign_id",
            "id",
            sqlite_where=text("status = 'pending' AND test_entry_id IS NULL"),
            postgresql_where=text("status = 'pending' AND test_entry_id IS NULL"),
        ),
        Index("ix_recipients_finished_at", "finished_at"),
        Index("ix_recipients_message_id", "message_id"),
    )


class QueueEntry(Base):
    """A campaign (or a test send) in the queue: the one source of truth (D)."""

    __tablename__ = "queue_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default=EntryKind.CAMPAIGN)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default=EntryStatus.QUEUED)
    priority: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    order_key: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason_detail: Mapped[str | None] = mapped_column(MessageText, nullable=True)
    # How many transient deferrals in a row (for the back-off).
    transient_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Content rejections (5.7.x at end of DATA) in a row.
    content_reject_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    notified_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    notified_next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_queue_status", "status", "next_run_at"),)


class SlotReservation(Base):
    """The ledger of sending slots: one row per reservation, indexed by time.

    Transaction A counts the clock hour, the rolling 60 minutes and the month
    from this table, under the write lock (invariant E).
    """

    __tablename__ = "slot_ledger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), nullable=True, index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The limits in force when the slot was reserved (None: reserved before
    # they were recorded).
    hourly_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    monthly_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SlotCount(Base):
    """The ledger counted per UTC day (``d2026-12-01``) and UTC quarter hour
    (``q2026-12-01 10:15``), kept equal to it by triggers (migration 0004):
    what lets transaction A count a day or a month from a few dozen rows."""

    __tablename__ = "slot_counts"
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class PauseEvent(Base):
    """Pause history: each deferral with its reason, start and end (for reports)."""

    __tablename__ = "pause_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("queue_entries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    campaign_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    reason_code: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str | None] = mapped_column(MessageText, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notification(Base):
    """What the app told the operator; one per change of reason or time."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    text: Mapped[str] = mapped_column(MessageText, nullable=False)
    read: Mapped[bool] = mapped_column(nullable=False, default=False)


class Suppression(Base):
    """Addresses never to mail again (unsubscribed, hard-bounced, added by hand)."""

    __tablename__ = "suppressions"
    email_norm: Mapped[str] = mapped_column(String(320), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Lease(Base):
    """The sending lease: one engine per database sends (invariants B, G)."""

    __tablename__ = "lease"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(128), nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    label: Mapped[str | None] = mapped_column(String(64), nullable=True)
    acquired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MailboxState(Base):
    """How far one mailbox (account and folder) was read: its UIDVALIDITY and the
    last UID processed; when it was last checked and what that found."""

    __tablename__ = "mailbox_state"
    mailbox: Mapped[str] = mapped_column(String(400), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_uid: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(MessageText, nullable=True)


class MailboxEvent(Base):
    """What one processed message said about one address (a bounce, an
    unsubscribe, a complaint) or that it was ignored; unique per message and
    address, so processing a message again adds nothing."""

    __tablename__ = "mailbox_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(400), nullable=False)
    uidvalidity: Mapped[int] = mapped_column(Integer, nullable=False)
    uid: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    email_norm: Mapped[str] = mapped_column(
        String(320), nullable=False, default="", server_default=""
    )
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), nullable=True
    )
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index(
            "uq_mailbox_events_message", "mailbox", "uidvalidity", "uid", "email_norm", unique=True
        ),
        Index("ix_mailbox_events_campaign", "campaign_id", "kind"),
        Index("ix_mailbox_events_recipient", "recipient_id"),
        Index("ix_mailbox_events_email", "email_norm", "kind"),
    )


class ContactImport(Base):
    """One import (or addition by hand) that brought contacts or put them on a
    list: the file's name (None when typed in) and when (migration 0010: kept
    once, not in every contact and member it wrote)."""

    __tablename__ = "contact_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Contact(Base):
    """One stored address (the import's normalisation: ``email_norm`` unique),
    its fields, and the import it came with (where from and when: migrations
    0006, 0010). ``updated_at``: when an update last replaced its fields; None
    until then."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    email_norm: Mapped[str] = mapped_column(String(320), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    import_id: Mapped[int] = mapped_column(ForeignKey("contact_imports.id"), nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("uq_contacts_email_norm", "email_norm", unique=True),)


class ContactList(Base):
    __tablename__ = "contact_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("uq_contact_lists_name", "name", unique=True),)


class ListMember(Base):
    __tablename__ = "list_members"
    list_id: Mapped[int] = mapped_column(
        ForeignKey("contact_lists.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    # The import that put the contact on the list (when: its time).
    import_id: Mapped[int] = mapped_column(ForeignKey("contact_imports.id"), nullable=False)

    __table_args__ = (Index("ix_list_members_contact", "contact_id"),)


class AudienceRule(Base):
    """One rule of a campaign's audience: ``list``, ``exclude_list`` (ref: a
    list id) or ``not_sent_to`` (ref: a campaign id)."""

    __tablename__ = "campaign_audience"
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class CampaignRepeat(Base):
    """A campaign that repeats on a calendar rule (cron text in ``timezone``)."""

    __tablename__ = "campaign_repeats"
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    cron: Mapped[str] = mapped_column(String(100), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    misfire_grace_s: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class RepeatOccurrence(Base):
    """One occurrence of a repeat: the copy made for it (``campaign_id``), its
    time, and what became of it (``planned``, ``due``, ``caught_up``,
    ``skipped``); ``missed`` counts the occurrences coalesced into it."""

    __tablename__ = "repeat_occurrences"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    missed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (Index("uq_repeat_occurrences", "template_id", "due_at", unique=True),)
