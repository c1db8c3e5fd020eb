"""The sending lease: one engine per database sends (invariants B, G).

A lease row (owner, heartbeat) taken in a write transaction. A lease whose
process is gone (same host) or whose heartbeat is older than ``LEASE_TTL`` is
taken over, and the taker reconciles.

Heartbeats and the age of a lease are read on one clock for everyone who
shares the database: the laptop's wall clock for a SQLite file (one machine),
the server's ``clock_timestamp()`` on PostgreSQL (team mode), so a laptop whose
clock is wrong neither takes a live lease nor keeps a dead one.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.errors import LeaseHeldError, MailerError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import queue
from mailer_gui.core.store import hotsql, servertime
from mailer_gui.core.store.models import Lease

LEASE_TTL = 90.0  # seconds without a heartbeat before a lease is taken over
HEARTBEAT_EVERY = 10.0


class LeaseLostError(MailerError):
    """Another engine took the lease (ours went stale); stop sending."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@lru_cache(maxsize=1)
def machine_tag() -> str:
    """Eight hex digits naming this machine, not only its host name: two laptops
    on one team database may both be called "MacBook-Pro". From the OS's machine
    id (Linux's /etc/machine-id, Windows' MachineGuid, macOS's platform UUID),
    else the network card's address; "unknown" when none can be read, and then
    no lease is ever judged to be this machine's (its age alone decides)."""
    ident = _machine_id()
    if not ident:
        return "unknown"
    return hashlib.sha256(("mailer-gui:" + ident).encode()).hexdigest()[:8]


def _machine_id() -> str | None:
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except (OSError, UnicodeError):
            continue
        if text:
            return text
    if sys.platform == "win32":
        try:
            import winreg

            key = winreg.OpenKey(  # type: ignore[attr-defined,unused-ignore]
                winreg.HKEY_LOCAL_MACHINE,  # type: ignore[attr-defined,unused-ignore]
                r"SOFTWARE\Microsoft\Cryptography",
            )
            return str(winreg.QueryValueEx(key, "MachineGuid")[0])  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            if "IOPlatformUUID" in line:
                return line.rsplit("=", 1)[-1].strip().strip('"')
    node = uuid.getnode()
    if node >> 40 & 1:  # the multicast bit: a random number, not a card's address
        return None
    return f"{node:012x}"


def engine_id() -> str:
    """A new engine's id: host, pid, this machine's tag and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{machine_tag()}-{uuid.uuid4().hex[:8]}"


def same_machine(lease: Lease) -> bool:
    """Whether the lease was taken on this very machine (so its pid can be checked):
    the same host name and the same machine tag. Where either side has no tag
    (no machine id could be read, or an engine of an older version) the host
    name alone decides, as it did before tags."""
    if lease.host != socket.gethostname() or not lease.owner:
        return False
    last = lease.owner.rsplit(":", 1)[-1]
    theirs = last.split("-", 1)[0] if "-" in last else "unknown"
    mine = machine_tag()
    return "unknown" in (theirs, mine) or theirs == mine


def wall_now() -> datetime:
    """The wall clock in UTC (not the injected one): heartbeats are real time,
    compared across processes and hosts whatever their time zone."""
    return datetime.fromtimestamp(time.time(), UTC)


def lease_now(s: Session) -> datetime:
    """Now on the lease's clock: the database server's (PostgreSQL) or this
    machine's wall clock (SQLite)."""
    return servertime.in_session(s) or wall_now()


def alive(lease: Lease, now: datetime | None = None) -> bool:
    """Whether the holder still counts: its process is there (same host) and
    its last heartbeat is younger than ``LEASE_TTL`` on ``now`` (the lease's clock)."""
    if lease.heartbeat_at is None:
        return False
    now = now or wall_now()
    age = (now - utc(lease.heartbeat_at)).total_seconds()
    if lease.pid and same_machine(lease) and not pid_alive(lease.pid):
        return False
    return age < LEASE_TTL


def take(s: Session, owner: str, label: str, now: datetime) -> dict[str, int]:
    """Take the lease for ``owner`` (or raise LeaseHeldError) and reconcile."""
    lease = s.get(Lease, 1)
    if lease is None:
        lease = Lease(id=1)
        s.add(lease)
    wall = lease_now(s)
    if lease.owner and lease.owner != owner and alive(lease, wall):
        since = lease.acquired_at.isoformat(timespec="seconds") if lease.acquired_at else "?"
        raise LeaseHeldError(
            Message("lease.held", label=lease.label, pid=lease.pid, host=lease.host, since=since)
        )
    lease.owner, lease.host, lease.pid = owner, socket.gethostname(), os.getpid()
    lease.label, lease.acquired_at, lease.heartbeat_at = label, wall, wall
    return queue.reconcile(s, now, owner)


def check(s: Session, owner: str, beat: bool) -> None:
    """Raise LeaseLostError unless ``owner`` holds the lease; with ``beat``,
    record a heartbeat too. Runs inside the caller's write transaction."""
    con = hotsql.driver(s)
    row = con.execute(hotsql.LEASE_OWNER).fetchone()
    if row is None or row[0] != owner:
        raise LeaseLostError(Message("lease.lost"))
    if beat:
        con.execute(hotsql.LEASE_BEAT, (hotsql.ts(lease_now(s)),))


def give_back(s: Session, owner: str) -> None:
    lease = s.get(Lease, 1)
    if lease is not None and lease.owner == owner:
        lease.owner = None
        lease.heartbeat_at = None
