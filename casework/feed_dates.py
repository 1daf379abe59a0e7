"""Dates in the feed files people have (absences.csv, employees.csv, inflight.csv): ISO (`2026-03-09`) or UK,
day first (`09/03/2026`, `9/3/2026`). A date that reads only month-first (`02/13/2026`: there is no month 13) is
refused on its row, never read the other way round; so is a day-first date that could be the other date in a file
whose other dates are month-first (an American-style file), since there it is as likely to mean that one.

Pure: the cells come in as values.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Iterable, Mapping

from casework.calendar import EARLIEST, LATEST, in_range
from casework.feed_files import NotADate, text

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
FORMS = "DD/MM/YYYY (day first, as 09/03/2026) or YYYY-MM-DD"


@dataclasses.dataclass(frozen=True)
class DateOrder:
    """What a whole file shows of the order it writes dates in: `month_first`, a cell of it that reads only
    month-first (None when none does)."""

    month_first: str | None = None


DAY_FIRST = DateOrder()


def date_order(rows: Iterable[Mapping], columns: Iterable[str]) -> DateOrder:
    """The order the rows' dates in `columns` are written in: month-first when any of them reads only that way
    (its second number is 13 to 31, its first 1 to 12); day-first otherwise."""
    names = tuple(columns)
    for row in rows:
        for name in names:
            value = row.get(name)
            if isinstance(value, str) and "/" in value:
                parts = _UK.fullmatch(value.strip())
                if parts and _only_month_first(int(parts[1]), int(parts[2]), int(parts[3])):
                    return DateOrder(value.strip())
    return DAY_FIRST


def feed_date(value: object, order: DateOrder = DAY_FIRST) -> dt.date | None:
    """A feed cell's date, from EARLIEST to LATEST; None when empty. NotADate (a ValueError) saying what to
    write for anything else: not a date, a date that reads only month-first, a day-first date that the file's
    month-first `order` makes ambiguous, or a date too far away."""
    word = text(value)
    if not word:
        return None
    if _ISO.fullmatch(word):
        try:
            found = dt.date.fromisoformat(word)
        except ValueError:
            raise NotADate(f"{word!r} is not a date: write it as {FORMS}.") from None
    else:
        found = _uk_date(word, order)
    if not in_range(found):
        raise NotADate(f"{word!r} is too far away: use a date from {EARLIEST} to {LATEST}.", out_of_range=True)
    return found


def _uk_date(word: str, order: DateOrder) -> dt.date:
    """A d/m/yyyy date read day first, or NotADate saying why not."""
    uk = _UK.fullmatch(word)
    if not uk:
        raise NotADate(f"{word!r} is not a date: write it as {FORMS}.")
    day, month, year = int(uk[1]), int(uk[2]), int(uk[3])
    if _only_month_first(day, month, year):
        raise NotADate(f"{word!r} reads month first (there is no month {month}): write the day first, "
                       f"{month:02d}/{day:02d}/{year}, or as {year}-{day:02d}-{month:02d}.")
    if order.month_first and 1 <= day <= 12 and 1 <= month <= 12 and day != month:
        raise NotADate(f"{word!r} could be either date: this file writes other dates month first (as "
                       f"{order.month_first!r}). Write it as {year}-{month:02d}-{day:02d} if it is "
                       f"{_words(day, month)}, or {year}-{day:02d}-{month:02d} if it is {_words(month, day)}.")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NotADate(f"{word!r} is not a date: write it as {FORMS}.") from None


def _only_month_first(first: int, second: int, year: int) -> bool:
    """Whether first/second/year reads only month-first: the second cannot be a month, and month `first`,
    day `second` is a real date."""
    if second <= 12:
        return False
    try:
        dt.date(year, first, second)
    except ValueError:
        return False
    return True


def _words(day: int, month: int) -> str:
    """"9 March", for a month from 1 to 12."""
    return f"{day} {dt.date(2000, month, 1):%B}"
