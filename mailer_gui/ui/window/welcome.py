"""First run: with no SMTP settings yet, a welcome page that leads to the
settings and opens a sample campaign."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext

log = logging.getLogger(__name__)


class WelcomePage(QWidget):
    settingsRequested = Signal()
    sampleRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WelcomePage")
        title = QLabel(self.tr("Welcome to Mailer"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        body = QLabel(
            self.tr(
                "Mailer sends your campaigns through your own SMTP account, within your "
                "provider's hourly and monthly limits and your working hours.\n\n"
                "1. Enter your provider's SMTP server, sender address and limits.\n"
                "2. Look at the sample campaign, or start a new one (Ctrl+N).\n"
                "3. Send yourself a test, then put the campaign in the queue."
            ),
            self,
        )
        body.setWordWrap(True)
        self.address = QLineEdit(self)
        self.address.setObjectName("welcomeAddress")
        self.address.setPlaceholderText(self.tr("Your sender address, e.g. news@example.com"))
        self.address.setToolTip(
            self.tr(
                "Settings looks its server up; for Outlook.com, Microsoft 365 and Gmail "
                "it offers to sign in with Microsoft or Google"
            )
        )
        self.address.setMinimumWidth(360)
        self.address.returnPressed.connect(self.settingsRequested)
        self.settings_button = QPushButton(self.tr("Set up SMTP…"), self)
        self.sample_button = QPushButton(self.tr("Open the sample campaign"), self)
        self.settings_button.clicked.connect(self.settingsRequested)
        self.sample_button.clicked.connect(self.sampleRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (title, body, self.address, self.settings_button, self.sample_button):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        body.setMaximumWidth(560)
        layout.addStretch(2)


def _minimal_sample(s: Any, ctx: AppContext) -> int:
    """Used only while ``core.sample`` is not in the build."""
    now = ctx.clock.now()
    c = campaigns.create(
        s,
        QCoreApplication.translate("Welcome", "Sample: monthly newsletter"),
        QCoreApplication.translate("Welcome", "News for you, {{ first_name }}"),
        QCoreApplication.translate(
            "Welcome",
            "<h2>Hello {{ first_name }},</h2><p>Here is what is new this month."
            "</p><p>Best regards,<br>The team</p>",
        ),
        None,
        now,
    )
    rows = [
        (2, "anna@example.com", {"first_name": "Anna"}),
        (3, "boris@example.com", {"first_name": "Boris"}),
    ]
    campaigns.add_recipients(s, c.id, rows)
    return int(c.id)


def create_sample(ctx: AppContext) -> int:
    """Create the sample campaign (``core.sample`` if present); returns its id."""
    try:
        from mailer_gui.core.content.sample import create_sample_campaign
    except ImportError:
        create_sample_campaign = None
    with ctx.db.write() as s:
        if create_sample_campaign is not None:
            return int(create_sample_campaign(s, ctx.clock.now()))
        return _minimal_sample(s, ctx)
