"""Optional UI parts written elsewhere: import them if they are in this build.

A missing module means the window works without that part (a placeholder or
a disabled action); an error *inside* a present module is logged loudly.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

log = logging.getLogger(__name__)

# attribute of the window -> (module, class)
PARTS = {
    "editor": ("mailer_gui.ui.editor.editor", "CampaignEditor"),
    "settings": ("mailer_gui.ui.dialogs.settings", "SettingsDialog"),
    "export": ("mailer_gui.ui.dialogs.export", "ExportDialog"),
    "import": ("mailer_gui.ui.dialogs.import_wizard", "ImportWizard"),
    "about": ("mailer_gui.ui.window.about", "AboutDialog"),
    "outbox": ("mailer_gui.ui.window.outbox", "OutboxWindow"),
    "suppression": ("mailer_gui.ui.dialogs.suppression", "SuppressionDialog"),
}


def optional_class(part: str) -> Any:
    """The class for ``part``, or None if its module is not in this build."""
    module_name, class_name = PARTS[part]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            log.exception("%s is present but could not be imported", module_name)
        return None
    except Exception:
        log.exception("%s is present but could not be imported", module_name)
        return None
    return getattr(module, class_name, None)


def optional_available(part: str) -> bool:
    """Whether ``part``'s module is in this build, without importing it (the
    window asks at start, and importing every dialog then would cost start-up
    time: reports, the import wizard's address validation ...)."""
    if part not in _available:
        try:
            _available[part] = importlib.util.find_spec(PARTS[part][0]) is not None
        except (ImportError, ValueError):
            _available[part] = False
    return _available[part]


_available: dict[str, bool] = {}


def missing_parts() -> list[str]:
    """Parts not wired in this build (for the About box and the report)."""
    return [part for part in PARTS if optional_class(part) is None]
