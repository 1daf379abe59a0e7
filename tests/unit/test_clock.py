"""The one clock: the organisation's day in its time zone, a clock tests can stop, and only known zones."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from services import clock

UTC = dt.timezone.utc
SERVER_CLOCK = re.compile(r"\b(?:date|datetime)\.(?:today|now|utcnow)\b|\bformatdate\(|\blocaltime\(")


@pytest.fixture
def organisation_zone():
    """Put the clock's time zone back as it was after the test."""
    before = clock.zone()
    yield
    clock.set_time_zone(before.key)


def test_half_past_eleven_utc_on_a_summer_evening_is_the_next_day_in_london(organisation_zone):
    clock.set_time_zone("Europe/London")
    with clock.frozen(dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC)):
        assert clock.today() == dt.date(2026, 7, 2)
        assert clock.now() == dt.datetime(2026, 7, 2, 0, 30, tzinfo=clock.zone())
        assert str(clock.now().tzinfo) == "Europe/London"


def test_half_past_eleven_utc_on_a_winter_evening_is_the_same_day_in_london(organisation_zone):
    clock.set_time_zone("Europe/London")
    with clock.frozen(dt.datetime(2026, 1, 15, 23, 30, tzinfo=UTC)):
        assert clock.today() == dt.date(2026, 1, 15)


def test_the_day_follows_the_time_zone_set(organisation_zone):
    clock.set_time_zone("Pacific/Auckland")
    with clock.frozen(dt.datetime(2026, 7, 1, 13, 0, tzinfo=UTC)):
        assert clock.today() == dt.date(2026, 7, 2)


def test_a_frozen_day_is_today_until_the_block_ends():
    with clock.frozen(dt.date(2000, 3, 4)):
        assert clock.today() == dt.date(2000, 3, 4)
        assert clock.now().date() == dt.date(2000, 3, 4)
    assert clock.today().year > 2000


def test_set_today_stops_the_clock_and_none_starts_it_again():
    clock.set_today(dt.date(2000, 3, 4))
    try:
        assert clock.today() == dt.date(2000, 3, 4)
    finally:
        clock.set_today(None)
    assert clock.today().year > 2000


def test_the_clock_stops_only_at_an_aware_time():
    with pytest.raises(ValueError, match="aware"):
        clock.set_today(dt.datetime(2026, 7, 1, 23, 30))


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Europe", "europe/london", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(organisation_zone, name):
    with pytest.raises(ValueError, match="not a time zone"):
        clock.set_time_zone(name)


def test_the_app_refuses_to_start_in_an_unknown_time_zone(organisation_zone):
    from app import create_app
    with pytest.raises(RuntimeError, match="CASEBOOK_TIME_ZONE: 'Mars/Olympus_Mons' is not a time zone"):
        create_app({"TESTING": True, "SECRET_KEY": "test-secret", "TIME_ZONE": "Mars/Olympus_Mons"})


def test_nothing_reads_the_server_clock_but_the_clock():
    """Every day and time comes from services/clock.py; documents.base.utcnow stamps stored instants in UTC."""
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "services" / "clock.py", root / "documents" / "base.py"}
    readers = [f"{path.relative_to(root)}: {match.group()}"
               for folder in ("app.py", "blueprints", "services", "documents", "casework", "bench", "tests")
               for path in ([root / folder] if folder.endswith(".py") else sorted((root / folder).rglob("*.py")))
               if path not in allowed and path != Path(__file__).resolve()
               for match in SERVER_CLOCK.finditer(path.read_text())]
    assert readers == []
