"""A month of a team at a glance: who is off sick on which days."""
from __future__ import annotations

import calendar as months
import dataclasses
import datetime as dt
from typing import Iterable

from casework.absences import Period
from casework.calendar import WorkingPattern, is_bank_holiday, is_working_day


@dataclasses.dataclass(frozen=True)
class Day:
    day: dt.date
    off: bool
    working: bool
    bank_holiday: bool

    @property
    def css(self) -> str:
        if self.off:
            return "cb-day--off" if self.working else "cb-day--off-rest"
        if self.bank_holiday:
            return "cb-day--holiday"
        return "" if self.working else "cb-day--rest"


@dataclasses.dataclass(frozen=True)
class Row:
    key: object
    days: list[Day]
    spells: list[tuple[dt.date, dt.date | None]]

    @property
    def off_days(self) -> int:
        return sum(1 for day in self.days if day.off and day.working)


def month_days(year: int, month: int) -> list[dt.date]:
    """Every date of the month."""
    return [dt.date(year, month, number) for number in range(1, months.monthrange(year, month)[1] + 1)]


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The month `by` months after (or before) year-month."""
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def team_month(year: int, month: int, people: Iterable[tuple[object, WorkingPattern]],
               absences: dict[object, list[Period]], today: dt.date) -> list[Row]:
    """One row per person: each day of the month marked off sick, working, resting or a bank holiday.

    An ongoing absence is shown up to `today` only: the days ahead are not known yet.
    """
    days = month_days(year, month)
    rows = []
    for key, pattern in people:
        spells = [(p.first_day, p.last_day) for p in absences.get(key, [])
                  if p.first_day <= days[-1] and (p.last_day or today) >= days[0]]
        row = []
        for day in days:
            off = any(first <= day <= (last or today) for first, last in spells)
            working = is_working_day(day, pattern)   # a substitute day someone works is not their holiday
            row.append(Day(day, off, working, not working and is_bank_holiday(day, pattern.region)))
        rows.append(Row(key, row, sorted(spells)))
    return rows
