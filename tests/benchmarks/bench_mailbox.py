"""Benchmark: one mailbox check of N notifications on a real Dovecot (issue 14).

    .venv/bin/python tests/benchmarks/bench_mailbox.py [N]

A campaign of N recipients is sent to the test SMTP server; one notification
per recipient (the corpus, cycled) is delivered into Dovecot. Baseline in the
same run: IMAPClient alone fetching the same N messages (``BODY.PEEK[]``) and
parsing them with ``email`` (no classification, no database). Then the app's
``check_once`` over them (in batches of 500: several calls), and the write
transaction's share. Prints a table with ratios against the baseline, and the longest write
transaction (the time the engine could wait for the lock).
"""

from __future__ import annotations

import email
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import keyring  # noqa: E402
from imapclient import IMAPClient  # noqa: E402

from mailer_gui.core.audience import unsubscribe  # noqa: E402
from mailer_gui.core.clock import SimClock  # noqa: E402
from mailer_gui.core.config import imap as imap_settings  # noqa: E402
from mailer_gui.core.config.secrets import SecretStore  # noqa: E402
from mailer_gui.core.context import open_context  # noqa: E402
from mailer_gui.core.mailbox import check  # noqa: E402
from tests.bounce_corpus import render  # noqa: E402
from tests.conftest import WEDNESDAY_10_MSK, MemoryKeyring, configure, drain, make_campaign  # noqa: E402
from tests.imap_server import TestImapServer  # noqa: E402
from tests.smtp_server import TestSmtpServer  # noqa: E402

KINDS = (
    "postfix_user_unknown",
    "gmail_address_not_found",
    "exim_classic",
    "qmail_failure_notice",
    "postfix_delayed",
    "unsubscribe_thunderbird",
    "arf_abuse",
    "autoreply_outlook",
)


def baseline(server: TestImapServer) -> float:
    t = time.perf_counter()
    with IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30) as c:
        c.login(server.user, server.password)
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["ALL"])
        for i in range(0, len(uids), 50):
            for data in c.fetch(uids[i : i + 50], ["BODY.PEEK[]"]).values():
                email.message_from_bytes(data[b"BODY[]"])
    return time.perf_counter() - t


def main(n: int) -> None:
    keyring.set_keyring(MemoryKeyring())
    smtp, imap = TestSmtpServer().start(), TestImapServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = open_context(
                Path(tmp),
                clock=SimClock(WEDNESDAY_10_MSK),
                secrets=SecretStore(use_env=False),
                allow_reserved_domains=True,
            )
            configure(ctx, smtp, hourly=1_000_000)
            cid = make_campaign(ctx, n)
            drain(ctx, max_steps=n + 10)
            key = ctx.secrets.unsubscribe_key(ctx.data_dir)
            from sqlalchemy import select

            from mailer_gui.core.store.models import Recipient

            with ctx.db.read() as s:
                rows = s.execute(
                    select(Recipient.email, Recipient.message_id).where(
                        Recipient.campaign_id == cid
                    )
                ).all()
            for i, (addr, mid) in enumerate(rows):
                imap.deliver(
                    render(
                        KINDS[i % len(KINDS)],
                        rcpt=addr,
                        msgid=mid,
                        code=unsubscribe.code(key, cid, addr),
                    )
                )
            with ctx.db.write() as s:
                imap_settings.save_imap(
                    s,
                    imap_settings.ImapSettings(
                        host="127.0.0.1", port=imap.port, security="none", user=imap.user
                    ),
                )
            ctx.secrets.set_password(f"imap:{imap.user}@127.0.0.1:{imap.port}", imap.password)
            base = baseline(imap)
            real_chunk, in_write = check._record_chunk, [0.0, 0.0]

            def timed_chunk(*args, **kw):  # type: ignore[no-untyped-def]
                t0 = time.perf_counter()
                try:
                    return real_chunk(*args, **kw)
                finally:
                    took = time.perf_counter() - t0
                    in_write[0] += took
                    in_write[1] = max(in_write[1], took)

            check._record_chunk = timed_chunk  # type: ignore[assignment]
            t = time.perf_counter()
            totals: dict[str, int] = {}
            calls = 0
            while True:
                calls += 1
                result = check.check_once(ctx)
                for k, v in result.counts.items():
                    totals[k] = totals.get(k, 0) + v
                if not result.more:
                    break
            app = time.perf_counter() - t
            ctx.close()
    finally:
        imap.stop()
        smtp.stop()
    in_write = locals().get("in_write", [0.0, 0.0])
    print(f"{n} notifications, {calls} check call(s): {totals}")
    print("| phase | seconds | per message (ms) | vs baseline |")
    print("| --- | --- | --- | --- |")
    print(
        f"| baseline: IMAPClient fetch + email parse | {base:.2f} | {base / n * 1000:.2f} | 1.0x |"
    )
    print(
        f"| check_once (fetch, classify, match, write, flag) | {app:.2f} | "
        f"{app / n * 1000:.2f} | {app / base:.1f}x |"
    )
    w = in_write[0]
    print(f"| of which the write transactions | {w:.2f} | {w / n * 1000:.2f} | {w / base:.1f}x |")
    print(f"longest write transaction ({check.WRITE_CHUNK} messages): {in_write[1] * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
