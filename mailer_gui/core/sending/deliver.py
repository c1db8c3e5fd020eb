"""One message out, for the send loop (:mod:`~mailer_gui.core.sending.engine`):
what a failure to build it means, and the SMTP send guarded so that an
unexpected error fails only this recipient, or leaves it uncertain once the
body may have gone out (H).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from mailer_gui.core.content.compose import TemplateRenderError
from mailer_gui.core.sending.claims import Claim
from mailer_gui.core.sending.smtp import RECIPIENT_FAILED, REJECTED, UNCERTAIN, Outcome

log = logging.getLogger("mailer_gui.core.sending.engine")  # the send loop's own log


def build_failed(claim: Claim, exc: Exception) -> Outcome:
    """The outcome when the message for ``claim`` could not be built."""
    if isinstance(exc, TemplateRenderError):
        if exc.field in ("from", "reply_to"):  # the same for every recipient
            return Outcome(
                REJECTED,
                "connect",
                None,
                f"{exc}; fix it in Settings or the campaign, then resume",
            )
        what = "the address cannot be used" if exc.field == "to" else "template error"
        return Outcome(RECIPIENT_FAILED, "compose", None, f"{what}: {exc}")
    log.exception("could not build the message for recipient %d", claim.recipient_id)
    return Outcome(
        RECIPIENT_FAILED,
        "compose",
        None,
        f"the message could not be built: {type(exc).__name__}: {exc}",
    )


def send(
    transport: Any,
    claim: Claim,
    msg: EmailMessage,
    before_body: Callable[[], object],
    close_transport: Callable[[], None],
) -> Outcome | Callable[[], Outcome]:
    """Send ``msg``; ``before_body`` (the claim's commit) runs after the
    server's 354, and its failure propagates: it is not this recipient's.

    A transport that can (``send_owing_reply``) leaves the server's verdict on
    the body to be read later: then what comes back reads it, and must be
    called before the transport is used again."""
    stage = "before"  # -> "claim" while the claim commits -> "body" once it is durable

    def guarded_before_body() -> None:
        nonlocal stage
        stage = "claim"
        before_body()
        stage = "body"

    owing = getattr(transport, "send_owing_reply", None)
    try:
        if owing is None:
            return transport.send(  # type: ignore[no-any-return]
                msg, claim.smtp.from_addr, claim.to_addr, before_body=guarded_before_body
            )
        got = owing(msg, claim.smtp.from_addr, claim.to_addr, before_body=guarded_before_body)
    except Exception as exc:
        if stage == "claim":
            raise  # the claim's commit failed: not this recipient's doing
        return _unexpected(claim, exc, stage, close_transport)
    if isinstance(got, Outcome):
        return got

    def verdict() -> Outcome:
        try:
            return got()  # type: ignore[no-any-return]
        except Exception as exc:
            return _unexpected(claim, exc, "body", close_transport)

    return verdict


def _unexpected(
    claim: Claim, exc: Exception, stage: str, close_transport: Callable[[], None]
) -> Outcome:
    """The outcome of an unexpected error sending to ``claim``'s recipient."""
    log.exception("unexpected error sending to recipient %d", claim.recipient_id)
    close_transport()  # the connection's state is unknown
    detail = f"{type(exc).__name__}: {exc}"
    if stage == "body":  # the body may have gone out: never send it again by itself
        return Outcome(
            UNCERTAIN,
            "body",
            None,
            "an unexpected error came while the "
            f"message was being sent ({detail}); it may have been delivered",
        )
    return Outcome(RECIPIENT_FAILED, "mail", None, f"the message could not be sent: {detail}")
