"""Saving settings and re-planning the queue, in one transaction (invariant D).

Here, not in ``config.settings``, because the queue reads the settings: the
save that re-plans sits above both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mailer_gui.core.config import settings
from mailer_gui.core.config.settings import LimitSettings, SmtpSettings
from mailer_gui.core.sending import queue


def save_and_replan(
    session: Session,
    now: datetime,
    *,
    smtp: SmtpSettings | None = None,
    limits: LimitSettings | None = None,
    quota_used: int | None = None,
    recheck_smtp: bool = False,
) -> dict[str, int]:
    """Save what is given and re-plan every waiting queue entry, all in the
    caller's one write transaction (invariant D): every settings save (the
    Settings window, ``config smtp``, ``config limits``, ``config quota-sync``)
    goes through here. Raises SettingsError (nothing saved) on a bad value.
    ``recheck_smtp``: try the account again even if the saved settings did not
    change (a new password, or the operator saving the account again after
    fixing it elsewhere). Returns :func:`queue.replan`'s counts; the caller
    wakes the engine."""
    before = settings.load(session)
    if smtp is not None:
        settings.save_smtp(session, smtp)
    if limits is not None:
        settings.save_limits(session, limits)
    if quota_used is not None:
        settings.save_quota(session, quota_used, now)
    smtp_changed = smtp is not None and (smtp != before.smtp or recheck_smtp)
    account_changed = smtp is not None and (
        before.smtp is None or smtp.keyring_account != before.smtp.keyring_account
    )
    return queue.replan(session, now, smtp_changed=smtp_changed, account_changed=account_changed)
