"""Typed settings stored in the ``settings`` table, validated on save."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from mailer_gui.core.clock import utc
from mailer_gui.core.config.trust import CaCert, read_ca_file
from mailer_gui.core.config.trust import describe as describe_ca
from mailer_gui.core.errors import SettingsError
from mailer_gui.core.messages import Message
from mailer_gui.core.sending import calendar as cal
from mailer_gui.core.store.models import Setting

SECURITY_MODES = ("none", "starttls", "tls")
SIGNIN_MODES = ("password", "microsoft", "google")
PACING_MODES = ("off", "spread", "min_gap")
MAX_MIN_GAP = 86_400.0  # seconds: one message a day at the slowest
DAY_NAMES = cal.DAY_NAMES
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_ADDR = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    from_addr: str
    from_name: str = ""
    user: str = ""
    reply_to: str = ""
    unsubscribe_url: str = ""
    timeout: float = 30.0
    # A CA (or the server's own certificate) to trust besides the system's:
    # the path it was read from, for the operator, and its PEM content, which
    # is what TLS uses (so it works wherever the database is opened).
    ca_file: str = ""
    ca_pem: str = ""
    signin: str = "password"  # "password" | "microsoft" | "google"

    def validate(self) -> None:
        if not self.host.strip() or any(c.isspace() for c in self.host):
            raise SettingsError("host", Message("settings.host"))
        if not 1 <= self.port <= 65535:
            raise SettingsError("port", Message("settings.port"))
        if self.security not in SECURITY_MODES:
            raise SettingsError("security", Message("settings.security"))
        if not _ADDR.match(self.from_addr):
            raise SettingsError("from_addr", Message("settings.from_addr"))
        if self.reply_to and not _ADDR.match(self.reply_to):
            raise SettingsError("reply_to", Message("settings.reply_to"))
        for name in ("from_name", "user", "host"):
            if re.search(r"[\r\n\x00\u2028\u2029]", getattr(self, name)):
                raise SettingsError(name, Message("settings.line_breaks"))
        if self.unsubscribe_url and not self.unsubscribe_url.startswith("https://"):
            raise SettingsError("unsubscribe_url", Message("settings.unsubscribe_url"))
        if not 1 <= self.timeout <= 600:
            raise SettingsError("timeout", Message("settings.timeout"))
        if self.signin not in SIGNIN_MODES:
            raise SettingsError("signin", Message("settings.signin", value=repr(self.signin)))
        if self.ca_pem:
            try:
                describe_ca(self.ca_pem)
            except ValueError as exc:
                raise SettingsError(
                    "ca_file",
                    Message(
                        "settings.ca_invalid",
                        problem=exc.args[0],
                        file=self.ca_file or Message("settings.ca_default_name"),
                    ),
                ) from None

    @property
    def ca_certs(self) -> list[CaCert]:
        """The trusted CA file's certificates (fingerprint, subject); [] if none."""
        return describe_ca(self.ca_pem) if self.ca_pem else []

    def with_ca_file(self, path: str | None) -> SmtpSettings:
        """A copy trusting the CA file at ``path`` (read now), or none if ``path`` is
        empty or None; raises SettingsError naming the file if it is not usable."""
        if not path:
            return replace(self, ca_file="", ca_pem="")
        pem, _ = read_ca_file(path)
        return replace(self, ca_file=str(Path(path).expanduser().resolve()), ca_pem=pem)

    @property
    def uses_password(self) -> bool:
        """True when the account logs in with a password (not a sign-in grant)."""
        return self.signin == "password"

    @property
    def keyring_account(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True)
class LimitSettings:
    hourly: int = 100
    monthly: int = 15_000
    # Optional rules (0: off): a clock minute and the rolling 60 seconds; a
    # local day in ``timezone`` and the rolling 24 hours.
    per_minute: int = 0
    daily: int = 0
    timezone: str = "Europe/Moscow"
    start: str = "09:00"
    end: str = "18:00"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    # The calendar beyond one window (see core/sending/calendar.py): seven
    # window lists, Monday first ("09:00-13:00,14:00-18:00"; "" = closed).
    # Empty: the one window start-end on ``days`` (how older versions stored
    # it, read unchanged). When set, start/end/days summarise it.
    windows: tuple[str, ...] = ()
    days_off: tuple[str, ...] = ()  # ISO dates, sorted
    holidays: str = ""  # "" or a country code of the holidays package, "RU", "US-CA"
    # Even pacing (core/sending/pacing.py): "off", "spread" (one message per
    # window / limit of the strictest rule) or "min_gap" (``min_gap`` seconds).
    pacing: str = "off"
    min_gap: float = 0.0

    def validate(self) -> None:
        if not 1 <= self.hourly <= 1_000_000:
            raise SettingsError("hourly", Message("settings.hourly"))
        self._validate_pacing()
        if not 1 <= self.monthly <= 100_000_000:
            raise SettingsError("monthly", Message("settings.monthly"))
        if not 0 <= self.per_minute <= 1_000_000:
            raise SettingsError("per_minute", Message("settings.per_minute"))
        if not 0 <= self.daily <= 100_000_000:
            raise SettingsError("daily", Message("settings.daily"))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                "timezone", Message("settings.timezone", zone=repr(self.timezone))
            ) from None
        if self.windows:
            self._validate_calendar()
            return
        for name in ("start", "end"):
            value = getattr(self, name)
            m = _HHMM.match(value)
            if not m or (m.group(1) == "24" and m.group(2) != "00"):
                raise SettingsError(name, Message("settings.not_a_time", value=repr(value)))
        if self.start == "24:00":
            raise SettingsError("start", Message("settings.start_24"))
        if _minutes(self.end) <= _minutes(self.start):
            raise SettingsError("end", Message("settings.end_before_start"))
        if not self.days:
            raise SettingsError("days", Message("settings.no_days"))
        for d in self.days:
            if d not in DAY_NAMES:
                raise SettingsError("days", Message("settings.not_a_day", value=repr(d)))
        self._validate_calendar()

    def _validate_pacing(self) -> None:
        if self.pacing not in PACING_MODES:
            raise SettingsError("pacing", Message("settings.pacing", value=repr(self.pacing)))
        if self.pacing == "min_gap" and not 0 < self.min_gap <= MAX_MIN_GAP:
            raise SettingsError("min_gap", Message("settings.min_gap", most=int(MAX_MIN_GAP)))

    def _validate_calendar(self) -> None:
        if self.windows:
            if len(self.windows) != 7:
                raise SettingsError("windows", "give the windows of all seven weekdays")
            for name, text in zip(DAY_NAMES, self.windows, strict=True):
                cal.parse_windows(text, f"windows ({name})")
        for d in self.days_off:
            cal.parse_day_off(d)
        if self.holidays and cal.check_holidays(self.holidays) != self.holidays:
            raise SettingsError("holidays", f"write {cal.check_holidays(self.holidays)!r}")
        calendar = self.calendar
        if not calendar.has_windows:
            raise SettingsError(
                "windows", f"{cal.NO_SENDING_TIME}: add a window to at least one weekday"
            )
        calendar.next_open(datetime.now(UTC))  # raises if closed for SEARCH_DAYS days

    def with_calendar(
        self,
        windows: tuple[str, ...] | None = None,
        days_off: tuple[str, ...] | None = None,
        holidays: str | None = None,
    ) -> LimitSettings:
        """A copy with the calendar parts given changed (``windows``: seven
        window lists, Monday first, in any accepted spelling). Windows are
        stored canonical, and start/end/days then summarise them. Raises
        SettingsError on a value that does not parse."""
        out = self
        if windows is not None:
            if len(windows) != 7:
                raise SettingsError("windows", "give the windows of all seven weekdays")
            week = tuple(
                cal.parse_windows(t, f"windows ({n})")
                for n, t in zip(DAY_NAMES, windows, strict=True)
            )
            first = next((ws[0] for ws in week if ws), None)
            out = replace(
                out,
                windows=tuple(",".join(w.text for w in ws) for ws in week),
                days=tuple(n for n, ws in zip(DAY_NAMES, week, strict=True) if ws),
                start=first.text.split("-")[0] if first else out.start,
                end=first.text.split("-")[1] if first else out.end,
            )
        if days_off is not None:
            out = replace(
                out, days_off=tuple(sorted({cal.parse_day_off(d).isoformat() for d in days_off}))
            )
        if holidays is not None:
            out = replace(out, holidays=cal.check_holidays(holidays))
        return out

    @property
    def week(self) -> tuple[tuple[cal.Window, ...], ...]:
        """The windows of each weekday, Monday first (either stored form)."""
        return _week(self.windows, self.start, self.end, self.days)

    @property
    def calendar(self) -> cal.Calendar:
        """The sending calendar these settings describe (built once per distinct
        calendar: the engine asks for every message)."""
        return _calendar(
            self.timezone,
            self.windows,
            self.start,
            self.end,
            self.days,
            self.days_off,
            self.holidays,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start_time(self) -> time:
        return _to_time(self.start)

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(DAY_NAMES.index(d) for d in self.days)


@lru_cache(maxsize=64)
def _week(
    windows: tuple[str, ...], start: str, end: str, days: tuple[str, ...]
) -> tuple[tuple[cal.Window, ...], ...]:
    if windows:
        return tuple(cal.parse_windows(t) for t in windows)
    one = (cal.Window(_minutes(start), _minutes(end)),)
    return tuple(one if d in days else () for d in DAY_NAMES)


@lru_cache(maxsize=64)
def _calendar(
    timezone: str,
    windows: tuple[str, ...],
    start: str,
    end: str,
    days: tuple[str, ...],
    days_off: tuple[str, ...],
    holidays: str,
) -> cal.Calendar:
    return cal.Calendar(
        ZoneInfo(timezone),
        _week(windows, start, end, days),
        frozenset(cal.parse_day_off(d) for d in days_off),
        holidays,
    )


@dataclass(frozen=True)
class QuotaSync:
    """Usage this month as the provider reported it, as of ``synced_at``."""

    used: int
    synced_at: datetime


@dataclass(frozen=True)
class AppSettings:
    smtp: SmtpSettings | None = None
    limits: LimitSettings = field(default_factory=LimitSettings)
    quota: QuotaSync | None = None


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _to_time(hhmm: str) -> time:
    mins = _minutes(hhmm)
    return time(mins // 60, mins % 60) if mins < 24 * 60 else time(0, 0)


def parse_days(text: str) -> tuple[str, ...]:
    """``"mon,tue"`` (or ``"mon-fri"``) to a tuple of day names; raises SettingsError."""
    out: list[str] = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if "-" in part:
            a, _, b = part.partition("-")
            if a not in DAY_NAMES or b not in DAY_NAMES:
                raise SettingsError("days", Message("settings.not_a_day_range", value=repr(part)))
            i, j = DAY_NAMES.index(a), DAY_NAMES.index(b)
            out.extend(DAY_NAMES[i : j + 1])
        elif part in DAY_NAMES:
            out.append(part)
        else:
            raise SettingsError("days", Message("settings.not_a_day", value=repr(part)))
    return tuple(d for d in DAY_NAMES if d in out)


def _get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else row.value


def _put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


_LOAD = select(Setting.key, Setting.value).where(Setting.key.in_(("smtp", "limits", "quota")))


def load_raw(session: Session | Connection) -> dict[str, Any]:
    """The stored settings rows (decoded JSON), keyed by name."""
    return {key: value for key, value in session.execute(_LOAD)}


def load(session: Session | Connection) -> AppSettings:
    """Read all settings (defaults where none were saved)."""
    return parse(load_raw(session))


def parse(rows: dict[str, Any]) -> AppSettings:
    """Typed settings from the rows :func:`load_raw` returns."""
    smtp_raw, limits_raw, quota_raw = rows.get("smtp"), rows.get("limits"), rows.get("quota")
    smtp = SmtpSettings(**smtp_raw) if smtp_raw else None
    limits = LimitSettings()
    if limits_raw:
        raw = dict(limits_raw)
        if isinstance(raw.get("windows"), dict):
            raw["windows"] = [raw["windows"].get(d, "") for d in DAY_NAMES]
        limits = replace(
            limits, **{**raw, **{k: tuple(raw.get(k, ())) for k in ("days", "windows", "days_off")}}
        )
    quota = None
    if quota_raw:
        quota = QuotaSync(
            used=quota_raw["used"], synced_at=utc(datetime.fromisoformat(quota_raw["synced_at"]))
        )
    return AppSettings(smtp=smtp, limits=limits, quota=quota)


def save_smtp(session: Session, smtp: SmtpSettings) -> None:
    smtp.validate()
    _put(session, "smtp", asdict(smtp))


def save_limits(session: Session, limits: LimitSettings) -> None:
    limits.validate()
    data = asdict(limits)
    data["days"] = list(limits.days)
    data["days_off"] = list(limits.days_off)
    if limits.windows:
        data["windows"] = dict(zip(DAY_NAMES, limits.windows, strict=True))
    else:
        del data["windows"]  # the one-window form, as older versions store it
    _put(session, "limits", data)


def save_quota(session: Session, used: int, now: datetime) -> None:
    if used < 0:
        raise SettingsError("used", "enter the number of messages the provider counts, 0 or more")
    _put(session, "quota", {"used": used, "synced_at": utc(now).isoformat()})
