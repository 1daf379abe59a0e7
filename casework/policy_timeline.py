"""Which policy version is in force on a day: the active version, unless a version scheduled to take effect on a
day already reached has taken over (the latest such day wins; of two scheduled for one day, the later
scheduled). Pure: the versions and the day are given.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class Scheduled:
    """A version an administrator activated from a later day: `key` revision `revision` from `starts_on`, scheduled
    at `at`."""

    key: str
    revision: int
    starts_on: dt.date
    at: dt.datetime


def in_force(active: tuple[str, int], scheduled: Iterable[Scheduled], day: dt.date) -> tuple[str, int]:
    """(key, revision) of the version in force on `day`: the scheduled one with the latest start on or before
    `day` (ties: the later scheduled), else `active`."""
    started = [item for item in scheduled if item.starts_on <= day]
    if not started:
        return active
    latest = max(started, key=lambda item: (item.starts_on, item.at))
    return latest.key, latest.revision


def still_to_come(scheduled: Iterable[Scheduled], day: dt.date) -> list[Scheduled]:
    """The scheduled versions that take effect after `day`, soonest first."""
    return sorted((item for item in scheduled if item.starts_on > day), key=lambda item: (item.starts_on, item.at))
