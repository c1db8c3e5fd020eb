"""A throwaway PostgreSQL cluster on 127.0.0.1 for the team-mode tests.

Debian's server binaries (package ``postgresql``, installed by
``scripts/setup.sh --test``) make a cluster in a temporary folder: ``initdb``
with password (SCRAM) authentication over TCP only, ``pg_ctl`` on a free
port of 127.0.0.1 with the socket in the same folder, so no system cluster,
config or port is touched. PostgreSQL refuses to run as root: as root (CI)
the cluster belongs to the ``postgres`` system user the package creates, and
every server command runs as that user; otherwise as the current user.
The tests' role is ``mailer`` with a password (and CREATEDB, for the
per-test copies of a template database), owning the database ``mailer``;
``stop()`` ends the server and removes the folder.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.smtp_server import free_port


def pg_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL server's binaries, or None if none is installed."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PgCluster:
    bin_dir: Path
    folder: Path
    port: int
    user: str = "mailer"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    database: str = "mailer"
    # False (the tests): fsync, synchronous commit and autovacuum off. True (the
    # benchmarks): every commit durable, as a real server keeps it.
    durable: bool = False
    _owner: str | None = None  # the system user the server runs as (None: us)
    _options: str = ""  # the server's options (pg_ctl -o), set by start()

    @property
    def url(self) -> str:
        """The SQLAlchemy URL, without the password (it is given apart, as to the app)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{self.database}"

    @property
    def conninfo(self) -> str:
        return self.conninfo_for(self.database)

    def conninfo_for(self, database: str) -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database} "
            f"user={self.user} password={self.password}"
        )

    def url_for(self, database: str) -> str:
        """The SQLAlchemy URL of another database of the cluster (no password)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self._owner is not None:
            cmd = ["runuser", "-u", self._owner, "--", *cmd]
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            cmd, check=True, capture_output=True, text=True, timeout=120, **kw
        )

    def start(self) -> None:
        data = self.folder / "data"
        pwfile = self.folder / "superuser.pw"
        superuser_pw = secrets.token_urlsafe(16)
        pwfile.write_text(superuser_pw + "\n")
        if os.geteuid() == 0:
            self._owner = "postgres"
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "--pwfile",
            str(pwfile),
            "--auth-host=scram-sha-256",
            "--auth-local=reject",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        pwfile.unlink()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            # No autovacuum either: a worker busy on a test's database (it runs as
            # the superuser) makes that test's DROP DATABASE ... WITH (FORCE), run as
            # the tests' role, fail with "must be a member of the role whose process
            # is being terminated". A test's database lives for seconds.
            options += " -c autovacuum=off"
        self._options = options
        self.resume()
        admin = (
            f"host=127.0.0.1 port={self.port} dbname=postgres user=postgres password={superuser_pw}"
        )
        sql = (
            # CREATEDB: the test fixtures copy a migrated template per test.
            f"CREATE ROLE {self.user} LOGIN CREATEDB PASSWORD '{self.password}';"
            f"CREATE DATABASE {self.database} OWNER {self.user};"
        )
        for statement in sql.split(";"):
            if statement:
                self._run("psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", admin, "-c", statement)

    def halt(self) -> None:
        """Stop the server at once, as a crash or a power cut would (the folder stays)."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def halt_when(self, ready: Callable[[], bool], timeout: float = 30.0) -> threading.Thread:
        """A thread that halts the server as soon as ``ready()`` (polled) is true
        (or after ``timeout`` seconds); join it."""

        def wait_then_halt() -> None:
            deadline = time.monotonic() + timeout
            while not ready() and time.monotonic() < deadline:
                time.sleep(0.01)
            self.halt()

        thread = threading.Thread(target=wait_then_halt, name="halt-postgresql")
        thread.start()
        return thread

    def resume(self) -> None:
        """Start the server (again, after :meth:`halt`): same port, same data."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-o",
            self._options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass  # not running (a failed start): the folder goes anyway
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(durable: bool = False) -> PgCluster:
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run scripts/setup.sh --test "
            "(it installs Debian's postgresql)"
        )
    cluster = PgCluster(
        bin_dir, Path(tempfile.mkdtemp(prefix="mailer-pg-")), free_port(), durable=durable
    )
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
