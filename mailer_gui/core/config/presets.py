"""Provider presets: the SMTP server and the documented limits of common providers.

The data is ``presets.json`` beside this module (package data, and bundled
by packaging/mailer-gui.spec). Each preset is validated when the file is
loaded, so a broken entry is a clear error naming it, never a half-filled
form. A preset only *fills* settings: everything stays editable afterwards.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from mailer_gui.core.config.settings import SIGNIN_MODES, LimitSettings
from mailer_gui.core.errors import SettingsError

PRESETS_FILE = Path(__file__).with_name("presets.json")
PRESET_SECURITY = ("tls", "starttls")
LIMIT_FIELDS = ("per_minute", "hourly", "daily", "monthly")
MAX_HOURLY, MAX_MONTHLY = 1_000_000, 100_000_000
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Preset:
    """One provider. Limits are the documented ones; 0: none documented."""

    id: str
    name: str
    host: str
    port: int
    security: str  # tls | starttls
    signin: str  # password | microsoft | google
    per_minute: int
    hourly: int
    daily: int
    monthly: int
    source: str  # where the limits are documented
    checked: str  # ISO date the figures were written down from the source
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _check(raw: Any, index: int) -> Preset:
    if not isinstance(raw, dict):
        raise ValueError(f"presets.json: preset {index + 1} is not an object")
    label = f"presets.json: preset {raw.get('id', index + 1)!r}"
    try:
        p = Preset(**raw)
    except TypeError as exc:
        raise ValueError(f"{label}: {exc}") from None
    problems = {
        "id": isinstance(p.id, str) and bool(_ID.match(p.id)),
        "name": isinstance(p.name, str) and bool(p.name.strip()),
        "host": isinstance(p.host, str) and bool(p.host) and not any(c.isspace() for c in p.host),
        "port": isinstance(p.port, int) and 1 <= p.port <= 65535,
        "security": p.security in PRESET_SECURITY,
        "signin": p.signin in SIGNIN_MODES,
        "source": isinstance(p.source, str) and p.source.startswith("https://"),
        **{f: type(getattr(p, f)) is int and getattr(p, f) >= 0 for f in LIMIT_FIELDS},
    }
    bad = [name for name, ok in problems.items() if not ok]
    if bad:
        raise ValueError(f"{label}: invalid {', '.join(bad)}")
    try:
        date.fromisoformat(p.checked)
    except (TypeError, ValueError):
        raise ValueError(f"{label}: checked must be a date, YYYY-MM-DD") from None
    return p


def parse(data: Any) -> tuple[Preset, ...]:
    """Validated presets from the decoded file; ValueError naming the entry."""
    items = data.get("presets") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError("presets.json: no list of presets")
    out = tuple(_check(raw, i) for i, raw in enumerate(items))
    ids = [p.id for p in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"presets.json: the id {dupes[0]!r} is used twice")
    return out


@lru_cache(maxsize=1)
def load() -> tuple[Preset, ...]:
    """Every preset, in the file's order."""
    return parse(json.loads(PRESETS_FILE.read_text("utf-8")))


def get(name: str) -> Preset:
    """The preset whose id or name is ``name`` (any case); SettingsError if none."""
    key = name.strip().lower()
    for p in load():
        if key in (p.id, p.name.lower()):
            return p
    known = ", ".join(p.id for p in load())
    raise SettingsError("preset", f"no preset {name!r}; choose one of {known}")


def limits_of(p: Preset, cur: LimitSettings) -> LimitSettings:
    """``cur`` with the preset's limits. A rule the provider documents is set;
    an optional one it does not (per minute, per day) is turned off. The hourly
    and monthly rules cannot be off: undocumented, they follow the daily (or
    per-minute) figure so they never bind first, else they stay as they were."""
    hourly = p.hourly or min(MAX_HOURLY, p.daily or p.per_minute * 60) or cur.hourly
    monthly = p.monthly or min(MAX_MONTHLY, p.daily * 31) or cur.monthly
    return replace(cur, per_minute=p.per_minute, hourly=hourly, daily=p.daily, monthly=monthly)
