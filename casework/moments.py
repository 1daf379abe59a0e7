"""An instant as a page shows it: in the organisation's time zone, "3 Dec 2026, 09:15". Stored instants are UTC
(the database gives them back without a time zone); pages never show them as UTC.

Pure: the instant and the time zone are given.
"""
from __future__ import annotations

import datetime as dt


def local_time(at: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The stored instant `at` (naive means UTC) in `zone`."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)).astimezone(zone)


def moment_words(at: dt.datetime, zone: dt.tzinfo) -> str:
    """The instant `at` in `zone` as pages show it: 3 Dec 2026, 09:15."""
    local = local_time(at, zone)
    return f"{local.day} {local:%b %Y, %H:%M}"
