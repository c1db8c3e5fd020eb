"""A real IMAP server for the tests: Dovecot (Debian's ``dovecot-imapd``) started
as the current user in a temporary folder of its own (reachable by Dovecot's
unprivileged processes: 0711), on 127.0.0.1 and free ports. Run as root, its
login and internal processes are Debian's ``dovenull``/``dovecot`` users and
the mail belongs to ``nobody`` (Dovecot gives no mail access as uid 0).

Its own ``dovecot.conf`` (no system configuration is read or touched): a
passwd-file with one user, Maildir under the folder, a plain port (``ssl`` off
there) and an implicit-TLS port with a throwaway certificate from ``trustme``
(``ca_pem`` is the CA to trust). Messages are delivered as files written into
the Maildir's ``new/`` (what an MTA's local delivery does), or by IMAP APPEND.
``stop()`` ends the process it started, by its id.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .smtp_server import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "news@example.com"
PASSWORD = "imap-secret-pw"

_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
first_valid_gid = 0
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth_mechanisms}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{oauth_passdb}userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0600
  }}
}}
"""


def _service_users() -> dict[str, str]:
    """Who Dovecot's own processes run as: the current user, or (run as root,
    which its login processes refuse) the unprivileged users its package made."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid())
        group = grp.getgrgid(os.getgid()).gr_name
        return {"internal": me.pw_name, "login": me.pw_name, "group": group}
    return {"internal": "dovecot", "login": "dovenull", "group": "dovecot"}


def _mail_owner() -> tuple[int, int]:
    """Whose the mail files are: the current user, or ``nobody`` when that is
    root (Dovecot gives no mail access as uid 0)."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


def dovecot_available() -> bool:
    return Path(DOVECOT).exists()


@dataclass
class TestImapServer:
    """Dovecot in ``root``; ``deliver()`` drops a message into a folder's Maildir."""

    __test__ = False  # not a pytest test class

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mailer-dovecot-")))
    user: str = USER
    password: str = PASSWORD
    port: int = 0
    tls_port: int = 0
    ca_pem: str = ""
    # An OAuth 2.0 token introspection URL (RFC 7662, POST): when set, the
    # server also takes SASL XOAUTH2 and OAUTHBEARER, tokens judged there.
    oauth_introspection: str = ""
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _owner: tuple[int, int] = (0, 0)

    def start(self) -> TestImapServer:
        import trustme

        self._owner = _mail_owner()
        self.root.mkdir(parents=True, exist_ok=True)
        # Dovecot's unprivileged processes must reach the folder (not list it).
        self.root.chmod(0o711)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, *self._owner)
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
        self.ca_pem = ca.cert_pem.bytes().decode("ascii")
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        (self.root / "passwd").chmod(0o644)  # a throwaway test password
        self.port, self.tls_port = free_port(), free_port()
        oauth_passdb = ""
        if self.oauth_introspection:
            (self.root / "oauth2.conf.ext").write_text(
                "introspection_mode = post\n"
                f"introspection_url = {self.oauth_introspection}\n"
                "force_introspection = yes\n"
                "username_attribute = email\n"
                "active_attribute = active\n"
                "active_value = true\n"
            )
            (self.root / "oauth2.conf.ext").chmod(0o644)
            oauth_passdb = (
                f"passdb {{\n  driver = oauth2\n  args = {self.root}/oauth2.conf.ext\n}}\n"
            )
        (self.root / "dovecot.conf").write_text(
            _CONF.format(
                oauth_mechanisms=" xoauth2 oauthbearer" if self.oauth_introspection else "",
                oauth_passdb=oauth_passdb,
                root=self.root,
                **_service_users(),
                uid=self._owner[0],
                gid=self._owner[1],
                port=self.port,
                tls_port=self.tls_port,
            )
        )
        self._proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "wb"),  # noqa: SIM115
        )
        self._wait_listening()
        return self

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def log(self) -> str:
        text = ""
        for name in ("stderr.log", "dovecot.log"):
            p = self.root / name
            if p.exists():
                text += p.read_text(errors="replace")[-3000:]
        return text

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- mail ---------------------------------------------------------------
    def maildir(self, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / self.user
        path = base if folder == "INBOX" else base / f".{folder.replace('/', '.')}"
        for sub in ("new", "cur", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        for p in [path, *path.iterdir(), *path.parents]:
            if p == self.root / "mail":
                break
            os.chown(p, *self._owner)
        return path

    def deliver(self, data: bytes, folder: str = "INBOX") -> Path:
        """Write one message into ``folder``'s Maildir, as local delivery does
        (tmp/ then a rename into new/)."""
        box = self.maildir(folder)
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.mailer-test"
        tmp = box / "tmp" / name
        tmp.write_bytes(data.replace(b"\r\n", b"\n"))
        os.chown(tmp, *self._owner)
        final = box / "new" / name
        tmp.rename(final)
        return final

    def message_files(self, folder: str = "INBOX") -> list[Path]:
        box = self.maildir(folder)
        return sorted([*(box / "new").iterdir(), *(box / "cur").iterdir()])
