"""Demo mode: the whole flow on this machine, before any real SMTP account.

``start_demo()`` makes a fresh data folder, starts a built-in SMTP server on
127.0.0.1 (a free port) that keeps every message it receives as a file in
``<data>/outbox/NNNN.eml`` and relays nothing, points the SMTP settings at it,
sets small limits (20 per hour, all day, every day) so that an
``hourly_limit`` pause appears within a minute, and creates the sample
campaign. No message can leave the machine: the server is the only SMTP
host the settings name, and it never opens a connection of its own.

Qt-free, so the CLI smoke command and the tests use it as the window does.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from mailer_gui.core.config import settings as settings_mod
from mailer_gui.core.content import campaigns
from mailer_gui.core.content.sample import create_sample_campaign
from mailer_gui.core.context import open_context
from mailer_gui.core.sending import queue
from mailer_gui.core.store.models import Campaign

log = logging.getLogger(__name__)

DEMO_HOST = "127.0.0.1"
DEMO_FROM = "demo@example.com"
DEMO_FROM_NAME = "Green Leaf (demo)"
DEMO_TEST_ADDRESS = "you@example.com"
DEMO_HOURLY_LIMIT = 20
OUTBOX_DIRNAME = "outbox"
DEMO_MARKER = "demo.json"


def system_timezone() -> str:
    """The system's IANA time zone name, or ``UTC`` when it cannot be told."""
    from zoneinfo import ZoneInfo

    candidates: list[str] = []
    if os.environ.get("TZ"):
        candidates.append(os.environ["TZ"].lstrip(":"))
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        try:
            ZoneInfo(name)
        except Exception:  # unknown or malformed name: try the next source
            continue
        return name
    return "UTC"


# ----------------------------------------------------------------- outbox


@dataclass(frozen=True)
class OutboxMessage:
    """One message as the demo server received it."""

    number: int
    path: Path
    received_at: datetime
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)  # policy.default builds EmailMessage
        return msg

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in self.message.items()]

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", "")) or ", ".join(self.rcpt_tos)

    def _part(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            return ""
        return str(part.get_content())

    @property
    def text(self) -> str:
        return self._part("plain")

    @property
    def html(self) -> str:
        return self._part("html")


class Outbox:
    """The folder of caught messages; safe to read while the server writes."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def numbers(self) -> list[int]:
        """The numbers of the caught messages, in arrival order."""
        out = []
        for p in self.folder.glob("*.eml"):
            if p.stem.isdigit():
                out.append(int(p.stem))
        return sorted(out)

    def count(self) -> int:
        return len(self.numbers())

    def store(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> Path:
        """Keep one message: metadata first, then the .eml appears atomically."""
        with self._lock:
            numbers = self.numbers()
            number = (numbers[-1] + 1) if numbers else 1
            stem = self.folder / f"{number:04d}"
            meta = {
                "mail_from": mail_from,
                "rcpt_tos": list(rcpt_tos),
                "received_at": datetime.now(UTC).isoformat(),
            }
            stem.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
            tmp = stem.with_suffix(".eml.tmp")
            tmp.write_bytes(raw)
            os.replace(tmp, stem.with_suffix(".eml"))
            return stem.with_suffix(".eml")

    def load(self, number: int) -> OutboxMessage:
        path = self.folder / f"{number:04d}.eml"
        raw = path.read_bytes()
        try:
            meta: dict[str, Any] = json.loads(path.with_suffix(".json").read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
        received = meta.get("received_at")
        when = (
            datetime.fromisoformat(received)
            if received
            else datetime.fromtimestamp(path.stat().st_mtime, UTC)
        )
        return OutboxMessage(
            number, path, when, str(meta.get("mail_from", "")), tuple(meta.get("rcpt_tos", ())), raw
        )

    def messages(self) -> list[OutboxMessage]:
        """Every caught message, oldest first."""
        return [self.load(n) for n in self.numbers()]

    def wait_for(self, n: int, timeout: float = 10.0) -> list[OutboxMessage]:
        """Poll until at least ``n`` messages are in (for tests and the smoke run)."""
        end = time.monotonic() + timeout
        while self.count() < n and time.monotonic() < end:
            time.sleep(0.05)
        return self.messages()


# ----------------------------------------------------------------- server


class _CatchHandler:
    """Accepts every message and files it; relays nothing."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        path = self.outbox.store(envelope.mail_from, list(envelope.rcpt_tos), raw)
        log.info("demo outbox: caught %s for %d recipient(s)", path.name, len(envelope.rcpt_tos))
        return f"250 2.0.0 OK: kept in the demo outbox as {path.name}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((DEMO_HOST, 0))
        return int(s.getsockname()[1])


def _start_server(outbox: Outbox) -> Any:
    from aiosmtpd.controller import Controller

    last: Exception | None = None
    for _ in range(5):  # another program may grab the free port in between
        controller = Controller(
            _CatchHandler(outbox), hostname=DEMO_HOST, port=_free_port(), ident="Mailer demo outbox"
        )
        try:
            controller.start()
            return controller
        except Exception as exc:  # the port was taken: pick another
            last = exc
    raise RuntimeError(f"the demo SMTP server could not start: {last}")


# ----------------------------------------------------------------- session


@dataclass
class DemoSession:
    """A running demo: its data folder, server port and outbox."""

    data_dir: Path
    port: int
    outbox: Outbox
    campaign_id: int
    _controller: Any = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def stop(self) -> None:
        """Stop the server; the data folder and the outbox files stay."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _configure(session: Any, port: int) -> None:
    settings_mod.save_smtp(
        session,
        settings_mod.SmtpSettings(
            host=DEMO_HOST,
            port=port,
            security="none",
            from_addr=DEMO_FROM,
            from_name=DEMO_FROM_NAME,
            timeout=10,
        ),
    )
    settings_mod.save_limits(
        session,
        settings_mod.LimitSettings(
            hourly=DEMO_HOURLY_LIMIT,
            timezone=system_timezone(),
            start="00:00",
            end="24:00",
            days=settings_mod.DAY_NAMES,
        ),
    )


def _demo_campaign(session: Any, data_dir: Path, now: datetime) -> int:
    """The sample campaign of this demo folder, created on its first start."""
    marker = data_dir / DEMO_MARKER
    try:
        cid = int(json.loads(marker.read_text("utf-8"))["campaign_id"])
        if session.get(Campaign, cid) is not None:
            return cid
    except (OSError, ValueError, KeyError):
        pass
    cid = create_sample_campaign(session, now)
    campaigns.update(session, cid, now, test_address=DEMO_TEST_ADDRESS)
    marker.write_text(json.dumps({"campaign_id": cid}), encoding="utf-8")
    return cid


def start_demo(data_dir: Path | None = None) -> DemoSession:
    """Start the demo on ``data_dir`` (a fresh temporary folder if None).

    Reopening an existing demo folder keeps its campaigns and outbox and
    points the settings at the new server port.
    """
    folder = (
        Path(data_dir)
        if data_dir is not None
        else Path(tempfile.mkdtemp(prefix="mailer-gui-demo-"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    outbox = Outbox(folder / OUTBOX_DIRNAME)
    controller = _start_server(outbox)
    try:
        ctx = open_context(folder)
        try:
            now = ctx.clock.now()
            with ctx.db.write() as s:
                _configure(s, controller.port)
                cid = _demo_campaign(s, folder, now)
                # A new server port: the old one's waits no longer hold.
                queue.replan(s, now, smtp_changed=True, account_changed=True)
        finally:
            ctx.close()
    except BaseException:
        controller.stop()
        raise
    log.info("demo started: data %s, SMTP server %s:%d", folder, DEMO_HOST, controller.port)
    return DemoSession(folder, int(controller.port), outbox, cid, controller)
