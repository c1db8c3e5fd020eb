"""The mailbox loop end to end: a campaign sent through the engine to the test
SMTP server, its notifications delivered into a real Dovecot, ``inbox check``
suppressing exactly the hard bounces, unsubscribes and complaints; a second
check changes nothing; the next campaign skips them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from mailer_gui.cli import main as cli
from mailer_gui.core.audience import suppression, unsubscribe
from mailer_gui.core.codes import RecipientStatus, SuppressionReason
from mailer_gui.core.config import imap as imap_settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.mailbox import check, imap
from mailer_gui.core.reports.campaign import campaign_summary
from mailer_gui.core.reports.period import period_summary
from mailer_gui.core.sending import queue, snapshot
from mailer_gui.core.store.models import MailboxState, Recipient

from .bounce_corpus import render
from .conftest import configure, drain, make_campaign
from .imap_server import TestImapServer

pytestmark = pytest.mark.backends


def setup_imap(ctx: Any, server: TestImapServer, **changes: Any) -> imap_settings.ImapSettings:
    fields: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "user": server.user,
        "timeout": 10,
        **changes,
    }
    st = imap_settings.ImapSettings(**fields)
    with ctx.db.write() as s:
        imap_settings.save_imap(s, st)
    ctx.secrets.set_password(st.keyring_account, server.password)
    return st


def sent(ctx: Any, campaign_id: int) -> dict[str, Recipient]:
    with ctx.db.read() as s:
        rows = s.scalars(
            select(Recipient).where(
                Recipient.campaign_id == campaign_id, Recipient.test_entry_id.is_(None)
            )
        ).all()
    return {r.email: r for r in rows}


def deliver(ctx: Any, server: TestImapServer, name: str, r: Recipient, **kw: Any) -> None:
    key = ctx.secrets.unsubscribe_key(ctx.data_dir)
    server.deliver(
        render(
            name,
            rcpt=r.email,
            msgid=r.message_id or "",
            code=unsubscribe.code(key, r.campaign_id, r.email),
            when=(r.claimed_at or ctx.clock.now()) + timedelta(minutes=5),
            **kw,
        )
    )


def inbox_check(ctx: Any, capsys: Any) -> dict[str, Any]:
    capsys.readouterr()
    code = cli.main(
        ["--data-dir", str(ctx.data_dir), "inbox", "check", "--json"], allow_reserved_domains=True
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    return dict(json.loads(out.out))


def suppressed(ctx: Any) -> dict[str, str]:
    with ctx.db.read() as s:
        return {e.email_norm: e.reason for e in suppression.list_all(s)}


def flags(server: TestImapServer) -> list[tuple[bytes, ...]]:
    with IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10) as c:
        c.login(server.user, server.password)
        c.select_folder("INBOX", readonly=True)
        got = c.get_flags(c.search(["ALL"]))
        return [tuple(got[u]) for u in sorted(got)]


def _fill_mailbox(ctx: Any, server: TestImapServer, r: dict[str, Recipient]) -> None:
    deliver(ctx, server, "postfix_user_unknown", r["r0@example.org"])
    deliver(ctx, server, "exim_classic", r["r1@example.org"])
    deliver(ctx, server, "postfix_delayed", r["r2@example.org"])
    deliver(ctx, server, "unsubscribe_thunderbird", r["r3@example.org"])
    deliver(ctx, server, "arf_abuse", r["r4@example.org"])
    deliver(ctx, server, "autoreply_outlook", r["r5@example.org"])
    deliver(ctx, server, "human_reply_quoting", r["r6@example.org"])
    deliver(ctx, server, "qmail_failure_notice", r["r7@example.org"])
    deliver(ctx, server, "unsubscribe_forged", r["r8@example.org"])
    deliver(ctx, server, "bounce_not_ours", r["r9@example.org"])
    server.deliver(render("garbage_binary", rcpt="x@example.org", msgid="<x@x>"))


def test_campaign_bounces_come_back_and_are_suppressed_once(
    ctx, smtp_server, imap_server, capsys
) -> None:
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 10)
    drain(ctx)
    r = sent(ctx, cid)
    assert {x.status for x in r.values()} == {RecipientStatus.SENT}
    _fill_mailbox(ctx, imap_server, r)

    first = inbox_check(ctx, capsys)
    assert {k: first[k] for k in ("bounces", "soft_bounces", "unsubscribes", "complaints")} == {
        "bounces": 3,
        "soft_bounces": 1,
        "unsubscribes": 1,
        "complaints": 1,
    }
    # auto-reply, human reply quoting the code, forged code, a stranger's bounce
    assert first["ignored"] == 4
    assert first["unreadable"] == 1
    assert suppressed(ctx) == {
        "r0@example.org": SuppressionReason.BOUNCE,
        "r1@example.org": SuppressionReason.BOUNCE,
        "r7@example.org": SuppressionReason.BOUNCE,
        "r3@example.org": SuppressionReason.UNSUBSCRIBED,
        "r4@example.org": SuppressionReason.COMPLAINT,
    }
    after = sent(ctx, cid)
    bounced = {e for e, x in after.items() if x.status == RecipientStatus.BOUNCED}
    assert bounced == {"r0@example.org", "r1@example.org", "r7@example.org"}
    assert "5.1.1" in (after["r0@example.org"].reply or "")
    # Every message is flagged, none deleted.
    got = flags(imap_server)
    assert len(got) == 11 and all(imap.PROCESSED_FLAG in f for f in got)

    # The report and the snapshot say so per campaign.
    with ctx.db.read() as s:
        summary = campaign_summary(s, cid, ctx.clock.now())
        (entry,) = [e for e in snapshot.build(s, ctx.clock.now()).entries if e.campaign_id == cid]
    assert summary.counts["bounced"] == 3 and summary.counts["sent"] == 7
    assert summary.feedback == {"unsubscribed": 1, "complaints": 1}
    assert entry.counts["bounced"] == 3 and entry.feedback == summary.feedback
    # The CLI's check ran on the real clock: the period report spans it and the campaign.
    days = sorted([ctx.clock.now().date(), datetime.now(UTC).date()])
    with ctx.db.read() as s:
        period = period_summary(
            s, days[0] - timedelta(days=1), days[1] + timedelta(days=1), ctx.clock.now()
        )
    assert period.feedback == {"bounces": 3, "unsubscribed": 1, "complaints": 1}
    assert period.results.get("bounced") == 3

    before = suppressed(ctx)
    second = inbox_check(ctx, capsys)
    assert second["messages"] == 0 and second["bounces"] == 0 and second["ignored"] == 0
    assert suppressed(ctx) == before

    # The next campaign to the same people skips them.
    now = ctx.clock.now()
    with ctx.db.write() as s:
        c2 = campaigns.create(s, "Next", "Hi", "<p>Hi</p>", None, now)
        campaigns.add_recipients(
            s, c2.id, [(i + 2, f"r{i}@example.org", {"first_name": "x"}) for i in range(10)]
        )
        queue.enqueue(s, c2.id, now)
    already = len(smtp_server.received)
    drain(ctx)
    to = sorted(a for m in smtp_server.received[already:] for a in m.rcpt_tos)
    assert to == [f"r{i}@example.org" for i in (2, 5, 6, 8, 9)]


def test_forgotten_uids_still_count_once_thanks_to_the_flag(ctx, smtp_server, imap_server, capsys):
    """Lose the remembered UIDs (or a new UIDVALIDITY): the keyword keeps
    every message counted once."""
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 2)
    drain(ctx)
    r = sent(ctx, cid)
    deliver(ctx, imap_server, "gmail_address_not_found", r["r0@example.org"])
    assert inbox_check(ctx, capsys)["bounces"] == 1
    with ctx.db.write() as s:
        s.delete(s.get(MailboxState, setup_imap(ctx, imap_server).mailbox_key))
    again = inbox_check(ctx, capsys)
    assert again["messages"] == 0 and again["bounces"] == 0


def test_one_check_matches_by_address_and_time_without_message_id(
    ctx, smtp_server, imap_server, capsys
):
    """A bounce that returned no headers is matched by address (the newest
    recipient sent before the notification's date)."""
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 2)
    drain(ctx)
    r = sent(ctx, cid)["r1@example.org"]
    deliver(ctx, imap_server, "postfix_user_unknown", r, subject="x")
    # Strip the Message-ID from the delivered copy.
    path = imap_server.message_files()[-1]
    path.write_bytes(path.read_bytes().replace((r.message_id or "").encode(), b"<gone@x>"))
    assert inbox_check(ctx, capsys)["bounces"] == 1
    assert sent(ctx, cid)["r1@example.org"].status == RecipientStatus.BOUNCED


def test_three_soft_bounces_in_a_row_suppress(ctx, smtp_server, imap_server) -> None:
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    for n in range(3):
        cid = make_campaign(ctx, 1, name=f"C{n}")
        drain(ctx)
        ctx.clock.advance(3600)
        deliver(ctx, imap_server, "gmail_delayed", sent(ctx, cid)["r0@example.org"])
        result = check.check_once(ctx)
        assert result.counts["soft_bounces"] == 1
        assert ("r0@example.org" in suppressed(ctx)) is (n == 2)
    assert suppressed(ctx)["r0@example.org"] == SuppressionReason.BOUNCE


def test_a_sent_message_without_bounce_breaks_the_row(ctx, smtp_server, imap_server) -> None:
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    for n in range(4):
        cid = make_campaign(ctx, 1, name=f"C{n}")
        drain(ctx)
        ctx.clock.advance(3600)
        if n != 1:  # the second one was delivered
            deliver(ctx, imap_server, "postfix_delayed", sent(ctx, cid)["r0@example.org"])
        check.check_once(ctx)
    assert "r0@example.org" not in suppressed(ctx)


def test_wrong_password_fails_with_one_line_and_no_secret(ctx, imap_server, capsys) -> None:
    st = setup_imap(ctx, imap_server)
    ctx.secrets.set_password(st.keyring_account, "wrong-pw-123")
    capsys.readouterr()
    code = cli.main(["--data-dir", str(ctx.data_dir), "inbox", "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert "refused the login" in err and "wrong-pw-123" not in err
    assert len(err.strip().splitlines()) == 1
    last = check.last_check(ctx)
    assert last is not None and "refused the login" in str(last["error"])


def test_no_imap_settings_is_a_clear_error(ctx, capsys) -> None:
    code = cli.main(["--data-dir", str(ctx.data_dir), "inbox", "check", "--json"])
    assert code == 1
    assert "config imap" in capsys.readouterr().err


def test_tls_is_verified(ctx, smtp_server, imap_server, tmp_path) -> None:
    configure(ctx, smtp_server)
    ca = tmp_path / "ca.pem"
    ca.write_text(imap_server.ca_pem)
    setup_imap(ctx, imap_server, security="tls", port=imap_server.tls_port)
    with pytest.raises(imap.MailboxError, match="certificate"):
        check.check_once(ctx)
    st = setup_imap(ctx, imap_server, security="tls", port=imap_server.tls_port)
    with ctx.db.write() as s:
        imap_settings.save_imap(s, st.with_ca_file(str(ca)))
    assert check.check_once(ctx).messages == 0


def test_starttls_and_reused_smtp_password(ctx, smtp_server, imap_server, monkeypatch) -> None:
    """STARTTLS on the plain port; the SMTP account's password serves the same user."""
    configure(ctx, smtp_server)
    from dataclasses import replace

    from mailer_gui.core.config import settings

    with ctx.db.write() as s:
        smtp = replace(settings.load(s).smtp, user=imap_server.user)
        settings.save_smtp(s, smtp)
        st = imap_settings.ImapSettings(
            host="127.0.0.1",
            port=imap_server.port,
            security="starttls",
            user=imap_server.user,
            reuse_smtp=True,
            timeout=10,
        ).with_ca_file(None)
        imap_settings.save_imap(s, st)
    ctx.secrets.set_password(smtp.keyring_account, imap_server.password)
    ca_file = ctx.data_dir / "ca.pem"
    ca_file.write_text(imap_server.ca_pem)
    with ctx.db.write() as s:
        imap_settings.save_imap(s, st.with_ca_file(str(ca_file)))
    assert check.check_once(ctx).messages == 0


def _two_uncertain(ctx: Any, smtp_server: Any) -> tuple[int, list[Any]]:
    """A campaign of 4 whose r1 and r2 end uncertain (stored, then the line dropped)."""
    configure(ctx, smtp_server)
    order = sorted(f"r{i}@example.org" for i in range(4))
    for addr in order[1:3]:
        smtp_server.rules[f"data:{addr}"] = "store-then-drop"
    cid = make_campaign(ctx, 4)
    drain(ctx)
    r = sent(ctx, cid)
    unsure = [r[a] for a in order[1:3]]
    assert {x.status for x in unsure} == {RecipientStatus.UNCERTAIN}
    return cid, unsure


def _copy_to_sent(smtp_server: Any, imap_server: TestImapServer, r: Recipient) -> None:
    (m,) = [m for m in smtp_server.received if r.email in m.rcpt_tos]
    imap_server.deliver(m.data, folder="Sent")


def test_uncertain_found_in_the_sent_folder_is_offered(ctx, smtp_server, imap_server) -> None:
    cid, (found, missing) = _two_uncertain(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    _copy_to_sent(smtp_server, imap_server, found)
    result = check.check_once(ctx)
    assert (result.uncertain_found, result.uncertain_marked_sent) == (1, 0)
    with ctx.db.read() as s:
        listed = {u.email: u for u in queue.uncertain_recipients(s, cid)}
    # The decision stays the operator's: both still uncertain, the evidence on one.
    assert set(listed) == {found.email, missing.email}
    assert "found in the Sent folder Sent" in (listed[found.email].reply or "")
    assert "Sent folder" not in (listed[missing.email].reply or "")
    again = check.check_once(ctx)
    assert again.uncertain_found == 0  # found once, announced once


def test_uncertain_found_in_sent_is_marked_sent_when_opted_in(
    ctx, smtp_server, imap_server, capsys
) -> None:
    cid, (found, missing) = _two_uncertain(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    _copy_to_sent(smtp_server, imap_server, found)
    code = cli.main(
        ["--data-dir", str(ctx.data_dir), "config", "mailbox", "--auto-resolve-uncertain", "on"]
    )
    assert code == 0
    out = inbox_check(ctx, capsys)
    assert (out["uncertain_found"], out["uncertain_marked_sent"]) == (1, 1)
    r = sent(ctx, cid)
    assert r[found.email].status == RecipientStatus.SENT
    assert r[missing.email].status == RecipientStatus.UNCERTAIN


def test_config_imap_and_show(ctx, capsys) -> None:
    base = ["--data-dir", str(ctx.data_dir)]
    code = cli.main(
        [*base, "config", "imap", "--host", "imap.example.net", "--port", "993"]
        + ["--security", "tls", "--user", "news@example.com", "--folder", "Bounces"]
    )
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    assert cli.main([*base, "config", "show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["imap"]["host"] == "imap.example.net" and shown["imap"]["folder"] == "Bounces"
    assert shown["mailbox"]["bounce_rate_percent"] == 5.0
    assert "password" not in json.dumps(shown["imap"])
    # Bad input: a clear error naming the field, nothing changed.
    code = cli.main(
        [*base, "config", "imap", "--host", "bad host", "--port", "993"]
        + ["--security", "tls", "--user", "u"]
    )
    assert code == 1 and "host" in capsys.readouterr().err
    with ctx.db.read() as s:
        assert imap_settings.load_imap(s).host == "imap.example.net"
    with pytest.raises(SystemExit) as usage:
        cli.main([*base, "config", "imap", "--port", "993"])
    assert usage.value.code == 2


def test_a_backlog_is_read_in_batches_oldest_first(ctx, smtp_server, imap_server, monkeypatch):
    configure(ctx, smtp_server)
    setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 5)
    drain(ctx)
    for x in sent(ctx, cid).values():
        deliver(ctx, imap_server, "sendmail_user_unknown", x)
    monkeypatch.setattr(imap, "MAX_MESSAGES", 2)
    seen = []
    for _ in range(5):
        result = check.check_once(ctx)
        seen.append((result.messages, result.more))
        if not result.more:
            break
    assert seen == [(2, True), (2, True), (1, False)]
    assert {x.status for x in sent(ctx, cid).values()} == {RecipientStatus.BOUNCED}


def test_results_are_written_in_short_transactions(ctx, smtp_server, imap_server, monkeypatch):
    """Five messages in write transactions of two: all counted, the UID reached kept."""
    configure(ctx, smtp_server)
    st = setup_imap(ctx, imap_server)
    cid = make_campaign(ctx, 5)
    drain(ctx)
    for x in sent(ctx, cid).values():
        deliver(ctx, imap_server, "exim_failed", x)
    monkeypatch.setattr(check, "WRITE_CHUNK", 2)
    writes = []
    real = check._record_chunk
    monkeypatch.setattr(
        check, "_record_chunk", lambda s, *a: writes.append(len(a[3])) or real(s, *a)
    )
    result = check.check_once(ctx)
    assert writes == [2, 2, 1] and result.counts["bounces"] == 5 and result.suppressed == 5
    with ctx.db.read() as s:
        state = s.get(MailboxState, st.mailbox_key)
        assert state.last_uid == 5 and state.result["bounces"] == 5
