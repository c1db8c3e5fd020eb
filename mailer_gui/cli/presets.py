"""``config presets`` and the ``--preset`` of ``config smtp``: provider presets
(``core/config/presets.py``) from the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mailer_gui.cli.common import UsageError
from mailer_gui.core.config import presets
from mailer_gui.core.config import settings as settings_mod

# The options a preset fills; any of them given on the command line wins.
FILLED = ("host", "port", "security")
UNITS = ("minute", "hour", "day", "month")


def smtp_from_args(a: argparse.Namespace) -> tuple[settings_mod.SmtpSettings, Any]:
    """The SMTP settings ``config smtp`` was given, filled from ``--preset``
    where an option is missing, and the preset (or None)."""
    preset = presets.get(a.preset) if a.preset else None
    filled: dict[str, Any] = {name: getattr(a, name) for name in FILLED}
    if preset is not None:
        for name in FILLED:
            if filled[name] is None:
                filled[name] = getattr(preset, name)
    missing = [f"--{name}" for name in FILLED if filled[name] is None]
    if missing:
        raise UsageError(f"{', '.join(missing)} required (or give --preset NAME)")
    smtp = settings_mod.SmtpSettings(
        host=filled["host"],
        port=filled["port"],
        security=filled["security"],
        from_addr=a.from_addr,
        from_name=a.from_name or "",
        user=a.user or "",
        reply_to=a.reply_to or "",
        unsubscribe_url=a.unsubscribe_url or "",
        signin=getattr(a, "signin", None) or (preset.signin if preset else "password"),
    )
    return smtp, preset


def cmd_config_presets(ctx: Any, a: argparse.Namespace) -> int:
    items = presets.load()
    if a.json:
        print(json.dumps([p.to_json() for p in items], indent=2, ensure_ascii=False))
        return 0
    for p in items:
        rules = [
            f"{getattr(p, f)}/{unit}"
            for f, unit in zip(presets.LIMIT_FIELDS, UNITS, strict=True)
            if getattr(p, f)
        ]
        print(
            f"{p.id:18} {p.name:26} {p.host}:{p.port} {p.security:8} "
            f"{', '.join(rules) or 'no limit documented'} (checked {p.checked})"
        )
    return 0


def register(cfg: Any) -> None:
    p = cfg.add_parser("presets", help="the provider presets (server and documented limits)")
    p.add_argument("--json", action="store_true", help="as a JSON array")
    p.set_defaults(func=cmd_config_presets)


def with_preset_limits(
    limits: settings_mod.LimitSettings, preset: presets.Preset | None
) -> settings_mod.LimitSettings:
    """``limits`` with the preset's limits applied (unchanged without a preset)."""
    return limits if preset is None else presets.limits_of(preset, limits)
