"""The campaign editor's saving half: the content lock, dirty state, save and
Save/Discard/Cancel (a part of ``CampaignEditor``, which mixes it in).

Its strings keep the ``CampaignEditor`` translation context: ``self.tr`` would
be looked up under the editor's class name at run time, while ``lupdate``
would file it under this mixin's, so they are spelled out with
``QCoreApplication.translate("CampaignEditor", ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from mailer_gui.core.content import campaigns
from mailer_gui.core.content.attachments import AttachmentTooLarge
from mailer_gui.core.errors import MailerError
from mailer_gui.core.store.models import Campaign
from mailer_gui.ui import messages


@dataclass(frozen=True)
class EditorState:
    name: str
    subject: str
    html: str
    text: str
    attachments: tuple[tuple[int | None, str, int], ...]


BLANK = EditorState("", "", "", "", ())


def _content(state: EditorState) -> tuple[object, ...]:
    """What recipients receive (the name is the operator's own)."""
    return state.subject, state.html, state.text, state.attachments


class EditorSaving:
    """Mixed into ``CampaignEditor``: uses its fields, ``ctx``, ``saved`` and ``load``."""

    # -- the content lock ---------------------------------------------------------
    def refresh_lock(self) -> None:
        """Read whether the content may change now and show it: read-only fields
        with "Pause to edit" while the campaign has sent and is still sending."""
        state = None
        if self._campaign_id is not None:
            with self.ctx.db.read() as s:
                state = campaigns.content_state(s, self._campaign_id)
        self._lock = state
        locked = state is not None and state.locked
        for w in (self.subject, self.html, self.text):
            w.setReadOnly(locked)
        self.attachments.set_read_only(locked)
        self.picker.button.setEnabled(not locked)
        if locked and state is not None:
            self.lock_banner.setText(
                QCoreApplication.translate(
                    "CampaignEditor",
                    "This campaign is being sent: {n} recipient(s) already received it. Its "
                    "subject, bodies and attachments are read-only so that everyone gets the "
                    "same message. Pause to edit.",
                ).format(n=state.received)
            )
        self.lock_banner.setVisible(locked)

    def _confirm_sent_edit(self, received: int) -> bool:
        """Ask before changing content some recipients already received."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("CampaignEditor", "Change a campaign already sent?"),
            QCoreApplication.translate(
                "CampaignEditor",
                "{n} recipient(s) already received the earlier version. The "
                "others will get the changed one, and the report will name "
                "the version (subject) each recipient got. Save the change?",
            ).format(n=received),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmSentEdit")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Save

    # -- saving -------------------------------------------------------------------
    def _state(self) -> EditorState:
        return EditorState(
            self.name.text().strip(),
            self.subject.text(),
            self.html.toPlainText(),
            self.text.toPlainText(),
            self.attachments.state(),
        )

    def is_dirty(self) -> bool:
        return self._state() != self._saved_state

    def save(self) -> bool:
        """Write the campaign (creating it if new); False if refused, with the reason shown."""
        state = self._state()
        self.marks.clear()
        if not state.name:
            self.marks.mark(
                "name",
                QCoreApplication.translate("CampaignEditor", "enter a name for the campaign"),
            )
            self.tabs.setCurrentIndex(0)
            self.name.setFocus()
            return False
        confirm = False
        if self._campaign_id is not None and _content(state) != _content(self._saved_state):
            self.refresh_lock()
            lock = self._lock
            if lock is not None and not lock.locked and lock.needs_confirmation:
                if not self._confirm_sent_edit(lock.received):
                    return False
                confirm = True
        try:
            cid = self._write(state, confirm)
        except AttachmentTooLarge as exc:  # what is stored now leaves no room for it
            self.attachments.show_refusal(exc)
            return False
        except MailerError as exc:
            QMessageBox.warning(
                self,
                QCoreApplication.translate("CampaignEditor", "Cannot save"),
                messages.text(exc),
            )
            self.refresh_lock()
            return False
        new = self._campaign_id is None
        self._campaign_id = cid
        self._saved_state = self._state()
        audience = getattr(self, "audience", None)
        if new and audience is not None:
            audience.set_campaign(cid)
        self.saved.emit(cid)
        return True

    def _write(self, state: EditorState, confirm_sent: bool = False) -> int:
        now = self.ctx.clock.now()
        test_address = self.test_panel.address.text().strip() or None
        with self.ctx.db.write() as s:
            if self._campaign_id is None:
                cid = campaigns.create(
                    s,
                    state.name,
                    state.subject,
                    state.html,
                    state.text or None,
                    now,
                    test_address=test_address,
                ).id
            else:
                cid = self._campaign_id
                changes = self._changes(campaigns.find(s, cid), state, test_address)
                if changes:
                    campaigns.update(s, cid, now, confirm_sent, **changes)
                if state.attachments != self._saved_state.attachments:
                    campaigns.change_content(s, cid, now, confirm_sent)
            self.attachments.save(s, cid)
        return cid

    @staticmethod
    def _changes(
        c: Campaign | None, state: EditorState, test_address: str | None
    ) -> dict[str, Any]:
        if c is None:
            raise MailerError(
                QCoreApplication.translate(
                    "CampaignEditor", "The campaign was deleted; save it as a new one."
                )
            )
        wanted = {
            "name": state.name,
            "subject": state.subject,
            "html_body": state.html,
            "text_body": state.text or None,
            "test_address": test_address,
        }
        return {k: v for k, v in wanted.items() if getattr(c, k) != v}

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved changes; True means proceed."""
        if not self.is_dirty():
            return True
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self,
            QCoreApplication.translate("CampaignEditor", "Unsaved changes"),
            QCoreApplication.translate(
                "CampaignEditor", "The campaign “{name}” has unsaved changes. Save them?"
            ).format(
                name=self.name.text().strip()
                or QCoreApplication.translate("CampaignEditor", "Untitled")
            ),
            buttons,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            if self._campaign_id is not None:
                self.load(self._campaign_id)
            else:
                self.new_campaign()
            return True
        return False

    def _ensure_saved(self) -> bool:
        return (self._campaign_id is not None and not self.is_dirty()) or self.save()

    def _saved_id(self) -> int | None:
        return self._campaign_id if self._ensure_saved() else None
