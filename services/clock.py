"""The one clock: what day and time it is for the organisation, in its time zone (a setting, Europe/London unless
set), whatever the server's own clock is set to. Every "today" the app works from comes from here; `casework`
never reads it but is given `today`. Tests can stop the clock at a day with `frozen(day)`.

The UTC stamps stored on audit entries and the like come from `documents.base.utcnow`: an instant, not a day.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo, available_timezones

from services.settings import DEFAULT_TIME_ZONE

_zone = ZoneInfo(DEFAULT_TIME_ZONE)
_stopped_at: dt.date | None = None


def set_time_zone(name: str) -> None:
    """Count days and times in the time zone called `name` (an IANA name such as Europe/London) from now on; the
    app sets it when it starts. A ValueError says so when no time zone has that name."""
    global _zone
    if name not in available_timezones():
        raise ValueError(f"{name!r} is not a time zone: give an IANA name such as Europe/London.")
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    """The organisation's time zone."""
    return _zone


def now() -> dt.datetime:
    """The current date and time in the organisation's time zone, as an aware datetime."""
    if _stopped_at is None:
        return dt.datetime.now(_zone)
    if isinstance(_stopped_at, dt.datetime):
        return _stopped_at.astimezone(_zone)
    return dt.datetime.combine(_stopped_at, dt.time(12), _zone)


def today() -> dt.date:
    """Today's date in the organisation's time zone."""
    return now().date()


def set_today(day: dt.date | None) -> None:
    """Stop the clock at `day` (tests): a date stands still at noon that day in the organisation's time zone, an
    aware datetime at that instant; None sets it going again."""
    global _stopped_at
    if isinstance(day, dt.datetime) and day.tzinfo is None:
        raise ValueError("Stop the clock at an aware datetime, not a naive one.")
    _stopped_at = day


@contextlib.contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    """Within the block, the clock stands still at `day` (see `set_today`); afterwards it runs as before."""
    before = _stopped_at
    set_today(day)
    try:
        yield
    finally:
        set_today(before)
