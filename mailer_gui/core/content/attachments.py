"""A campaign's attachments: add from a file (MIME type guessed), list, remove.

The total size is capped (``compose.MAX_ATTACHMENTS_BYTES``, 10 MB by default):
providers refuse big messages, and every recipient gets a copy.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailer_gui.core.content import campaigns
from mailer_gui.core.content.compose import MAX_ATTACHMENTS_BYTES, check_header
from mailer_gui.core.errors import MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Attachment


class AttachmentError(MailerError):
    """A file that cannot be attached; the message says why and what to do."""


class AttachmentTooLarge(AttachmentError):
    """The file would bring the campaign's attachments over the cap."""

    def __init__(self, filename: str, size: int, used: int, limit: int) -> None:
        self.filename, self.size, self.used, self.limit = filename, size, used, limit
        super().__init__(
            Message(
                "attachment.too_large",
                name=filename,
                size=f"{size / 1048576:.1f}",
                total=f"{(used + size) / 1048576:.1f}",
                limit=f"{limit / 1048576:.0f}",
            )
        )


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment without its bytes (what a list shows)."""

    id: int
    filename: str
    mime_type: str
    size: int


def guess_mime(filename: str) -> str:
    mime, encoding = mimetypes.guess_type(filename, strict=False)
    if mime is None or encoding is not None:  # e.g. .tar.gz: send the bytes as they are
        return "application/octet-stream"
    return mime


def total_size(session: Session, campaign_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(func.length(Attachment.content)), 0)).where(
                Attachment.campaign_id == campaign_id
            )
        )
        or 0
    )


def _check_name(filename: str) -> None:
    try:
        check_header("attachment", filename)
    except MailerError:
        raise AttachmentError(Message("attachment.bad_name", name=repr(filename))) from None


def check_new_file(filename: str, size: int, used: int, limit: int = MAX_ATTACHMENTS_BYTES) -> None:
    """Refuse a file that cannot be attached: a name with a line break or control
    character, or a size over the cap with the ``used`` bytes already attached."""
    _check_name(filename)
    if used + size > limit:
        raise AttachmentTooLarge(filename, size, used, limit)


def _check_editable(
    session: Session, campaign_id: int, confirm_sent: bool, now: datetime | None
) -> None:
    """Attachments are content: see :func:`campaigns.change_content`."""
    campaigns.change_content(session, campaign_id, now or datetime.now(UTC), confirm_sent)


def attach_file(
    session: Session,
    campaign_id: int,
    path: str | Path,
    limit: int = MAX_ATTACHMENTS_BYTES,
    confirm_sent: bool = False,
    now: datetime | None = None,
) -> Attachment:
    """Store a file as an attachment of the campaign (content: see
    :func:`campaigns.change_content` for ``confirm_sent``)."""
    p = Path(path)
    queue.get_campaign(session, campaign_id)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise AttachmentError(Message("attachment.not_a_file", path=p))
    except FileNotFoundError:
        raise AttachmentError(f"{p}: the file does not exist") from None
    _check_name(p.name)
    _check_editable(session, campaign_id, confirm_sent, now)
    check_new_file(p.name, size, total_size(session, campaign_id), limit)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise AttachmentError(
            Message("attachment.unreadable", path=p, problem=exc.strerror)
        ) from None
    att = Attachment(
        campaign_id=campaign_id, filename=p.name, mime_type=guess_mime(p.name), content=data
    )
    session.add(att)
    session.flush()
    return att


def list_for(session: Session, campaign_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment).where(Attachment.campaign_id == campaign_id).order_by(Attachment.id)
        )
    )


def remove(
    session: Session,
    campaign_id: int,
    attachment_id: int,
    confirm_sent: bool = False,
    now: datetime | None = None,
) -> bool:
    att = session.get(Attachment, attachment_id)
    if att is None or att.campaign_id != campaign_id:
        return False
    _check_editable(session, campaign_id, confirm_sent, now)
    session.delete(att)
    session.flush()
    return True


def summaries(session: Session, campaign_id: int) -> list[AttachmentInfo]:
    """The campaign's attachments in the order they were added, without their bytes."""
    return [
        AttachmentInfo(r[0], r[1], r[2], int(r[3] or 0))
        for r in session.execute(
            select(
                Attachment.id,
                Attachment.filename,
                Attachment.mime_type,
                func.length(Attachment.content),
            )
            .where(Attachment.campaign_id == campaign_id)
            .order_by(Attachment.id)
        )
    ]


def save_changes(
    session: Session,
    campaign_id: int,
    removed: Sequence[int],
    added: Sequence[tuple[str, bytes]],
    limit: int = MAX_ATTACHMENTS_BYTES,
) -> list[int]:
    """Apply an editor's changes in the caller's write transaction: remove the
    attachments ``removed`` (ids of this campaign), then add each (file name,
    bytes) under the same checks as :func:`attach_file` against what is stored
    now. Returns the new ids, in order. The caller checks that the content may
    change (:func:`campaigns.change_content`)."""
    for attachment_id in removed:
        att = session.get(Attachment, attachment_id)
        if att is not None and att.campaign_id == campaign_id:
            session.delete(att)
    session.flush()
    used = total_size(session, campaign_id)
    ids: list[int] = []
    for filename, data in added:
        check_new_file(filename, len(data), used, limit)
        att = Attachment(
            campaign_id=campaign_id, filename=filename, mime_type=guess_mime(filename), content=data
        )
        session.add(att)
        session.flush()
        used += len(data)
        ids.append(att.id)
    return ids
