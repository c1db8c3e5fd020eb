"""Times for people (issue 9, item 7): the settings' zone everywhere, labelled
when the laptop's zone (the process's ``TZ``) would read differently."""

from __future__ import annotations

from datetime import UTC, datetime

from mailer_gui.cli import main as cli
from mailer_gui.core import timefmt
from mailer_gui.core.config import settings
from mailer_gui.core.content import campaigns
from mailer_gui.core.context import AppContext
from mailer_gui.core.sending import queue

from .zones import laptop_zone_fixture  # noqa: F401 (fixture)

NINE_MSK = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 02.12 09:00 in Moscow


def test_a_time_in_the_settings_zone_is_labelled_when_the_laptop_differs(laptop_zone):
    laptop_zone("America/Los_Angeles")
    assert timefmt.local_time(NINE_MSK, "Europe/Moscow") == "02.12 09:00 MSK"
    assert (
        timefmt.local_time(NINE_MSK, "Europe/Moscow", timefmt.FULL_FORMAT) == "2026-12-02 09:00 MSK"
    )
    assert timefmt.differs_from_laptop("Europe/Moscow", NINE_MSK)


def test_no_label_when_the_laptop_is_in_the_settings_zone(laptop_zone):
    laptop_zone("Europe/Moscow")
    assert timefmt.local_time(NINE_MSK, "Europe/Moscow") == "02.12 09:00"
    # Another name, the same clock (Istanbul is +03 all year): nothing to tell apart.
    laptop_zone("Europe/Istanbul")
    assert timefmt.local_time(NINE_MSK, "Europe/Moscow") == "02.12 09:00"
    assert timefmt.local_time(None, "Europe/Moscow") == ""


def test_labels_for_zones_with_and_without_letters(laptop_zone):
    laptop_zone("UTC")
    assert timefmt.zone_label("Asia/Dubai", NINE_MSK) == "UTC+04"
    assert timefmt.zone_label("Asia/Kathmandu", NINE_MSK) == "UTC+05:45"
    assert timefmt.zone_label("America/Sao_Paulo", NINE_MSK) == "UTC-03"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert timefmt.zone_label("Europe/Berlin", NINE_MSK) == "CET"
    assert timefmt.zone_label("Europe/Berlin", summer) == "CEST"
    assert timefmt.local_time(summer, "Europe/Berlin") == "01.07 14:00 CEST"
    assert timefmt.zone_caption("Europe/Moscow", NINE_MSK) == "Europe/Moscow (MSK)"
    assert timefmt.zone_caption("UTC", NINE_MSK) == "UTC"


def _scheduled_campaign(ctx: AppContext, start_at: datetime) -> None:
    now = ctx.clock.now()
    with ctx.db.write() as s:
        settings.save_limits(s, settings.LimitSettings(timezone="Europe/Moscow"))
        c = campaigns.create(s, "Winter", "Hi", "<p>Hi</p>", None, now)
        campaigns.add_recipients(s, c.id, [(2, "ann@example.org", {})])
        queue.enqueue(s, c.id, now, start_at=start_at)


def test_cli_status_text_shows_the_settings_zone_labelled(ctx, laptop_zone, capsys):
    start = datetime(2030, 1, 15, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    _scheduled_campaign(ctx, start)
    ctx.close()
    laptop_zone("America/Los_Angeles")
    assert cli.main(["--data-dir", str(ctx.data_dir), "status"]) == 0
    out = capsys.readouterr().out
    assert "scheduled 2030-01-15 09:00 MSK" in out, out
    # --json stays ISO 8601 with a UTC offset.
    assert cli.main(["--data-dir", str(ctx.data_dir), "status", "--json"]) == 0
    assert '"next_run_at": "2030-01-15T06:00:00+00:00"' in capsys.readouterr().out
    laptop_zone("Europe/Moscow")
    assert cli.main(["--data-dir", str(ctx.data_dir), "status"]) == 0
    out = capsys.readouterr().out
    assert "scheduled 2030-01-15 09:00 sent" in out, out
