"""The codes the app stores and compares: statuses, reasons, kinds.

A leaf module (it imports nothing from ``mailer_gui``), so every layer, the
store included, may use it. Each is a :class:`~enum.StrEnum`: a member *is*
its value (``EntryStatus.QUEUED == "queued"``), so the database, the JSON
output and the raw SQL of the hot path see the same text as before.
The front ends word them (``ui/queue/reasons.py``, the CLI prints the value).
"""

from __future__ import annotations

from enum import StrEnum


class EntryStatus(StrEnum):
    """A queue entry's status; the first four are live, the last three final."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DEFERRED = "deferred"
    PAUSED = "paused"
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completed_with_errors"
    CANCELLED = "cancelled"


LIVE_STATUSES = (
    EntryStatus.QUEUED,
    EntryStatus.PROCESSING,
    EntryStatus.DEFERRED,
    EntryStatus.PAUSED,
)
FINAL_STATUSES = (EntryStatus.COMPLETED, EntryStatus.COMPLETED_WITH_ERRORS, EntryStatus.CANCELLED)


class RecipientStatus(StrEnum):
    """A recipient's state; ``suppressed``: imported but on the suppression list;
    ``bounced``: sent, then a delivery status notification said it failed for good."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SUPPRESSED = "suppressed"
    BOUNCED = "bounced"


class Reason(StrEnum):
    """Why a queue entry waits (docs/spec.md#reason-codes)."""

    OUTSIDE_HOURS = "outside_hours"
    MINUTE_LIMIT = "minute_limit"
    HOURLY_LIMIT = "hourly_limit"
    DAILY_LIMIT = "daily_limit"
    MONTHLY_QUOTA = "monthly_quota"
    TRANSIENT_ERROR = "transient_error"
    PROVIDER_LIMIT = "provider_limit"
    SCHEDULED = "scheduled"
    SMTP_NOT_CONFIGURED = "smtp_not_configured"
    SMTP_AUTH_FAILED = "smtp_auth_failed"
    SMTP_REJECTED = "smtp_rejected"
    BOUNCE_RATE = "bounce_rate"  # the mailbox's hard bounces passed the guard's threshold
    PAUSED = "paused"
    WAITING = "waiting"  # derived in the snapshot, never stored


class EntryKind(StrEnum):
    """What a queue entry sends: the campaign to its list, or one test message."""

    CAMPAIGN = "campaign"
    TEST = "test"


class OutcomeKind(StrEnum):
    """What one SMTP transaction came to (``core/sending/smtp.py``)."""

    SENT = "sent"
    RECIPIENT_FAILED = "recipient_failed"  # 5xx for this address: fail it, go on
    TRANSIENT = "transient"  # 4xx, dropped line, timeout: retry later
    PROVIDER_LIMIT = "provider_limit"  # the server says a sending limit is reached
    AUTH_FAILED = "auth_failed"  # 535/534
    REJECTED = "rejected"  # sender refused, or TLS/config problem: operator action
    CONTENT_REJECTED = "content_rejected"  # 5.7.x at end of DATA; 3 in a row -> REJECTED
    UNCERTAIN = "uncertain"  # sent, but the reply never came


class NotificationKind(StrEnum):
    """What a notification row tells the operator about."""

    DEFERRED = "deferred"
    FINISHED = "finished"
    UNCERTAIN = "uncertain"
    REPEAT = "repeat"  # occurrences of a repeat missed while the app was closed
    MAILBOX = "mailbox"  # a mailbox check found bounces, unsubscribes or complaints


class SuppressionReason(StrEnum):
    """Why an address is on the suppression list."""

    MANUAL = "manual"
    UNSUBSCRIBED = "unsubscribed"
    HARD_BOUNCE = "hard_bounce"  # refused with a 5xx at RCPT
    BOUNCE = "bounce"  # a delivery status notification in the mailbox (or 3 soft ones)
    COMPLAINT = "complaint"
    IMPORTED = "imported"
    # A forgotten person (``contact forget``): the entry holds a keyed hash of
    # the address, never the address (core/audience/forget.py).
    FORGOTTEN = "forgotten"


class MailboxEventKind(StrEnum):
    """What one message in the mailbox was (``core/mailbox``)."""

    BOUNCE = "bounce"  # permanent failure
    SOFT_BOUNCE = "soft_bounce"  # temporary failure
    UNSUBSCRIBE = "unsubscribe"  # a reply to the List-Unsubscribe mailto
    COMPLAINT = "complaint"  # an ARF feedback report (RFC 5965)
    IGNORED = "ignored"  # auto-reply, a bounce of nobody of ours, anything else
    UNREADABLE = "unreadable"  # could not be parsed: skipped with a note
    IN_SENT = "in_sent"  # an uncertain recipient's message found in the Sent folder


RECIPIENT_STATES: tuple[str, ...] = tuple(RecipientStatus)
