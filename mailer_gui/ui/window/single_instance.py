"""One window per data folder: a local socket to bring the running one
forward, and a QLockFile so two starts at the same moment cannot both win."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = b"raise\n"


def server_name(data_dir: Path) -> str:
    key = hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    user = os.environ.get("USER") or os.environ.get("USERNAME") or "user"
    return f"mailer-gui-{user}-{key}"


class SingleInstance(QObject):
    """``forward()`` asks a running window to come forward; ``acquire()`` becomes it."""

    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(Path(data_dir) / "gui.lock"))
        self.server: QLocalServer | None = None

    def forward(self, timeout_ms: int = 1000) -> bool:
        """True if a running instance answered and was asked to come forward."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(RAISE)
        sock.waitForBytesWritten(timeout_ms)
        sock.disconnectFromServer()
        return True

    def acquire(self) -> bool:
        """Take the lock and listen; False if another live instance holds the lock."""
        if not self.lock.tryLock(200):
            return False
        QLocalServer.removeServer(self.name)  # a stale socket file from a crash
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self.server.listen(self.name)
        return True

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            # The other start writes one line at once; a short blocking read is fine.
            if sock.bytesAvailable() or sock.waitForReadyRead(500):
                if bytes(sock.readAll().data()).startswith(RAISE.strip()):
                    self.activated.emit()
            sock.disconnectFromServer()
            sock.deleteLater()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None
        self.lock.unlock()
