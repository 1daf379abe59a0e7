"""Working days: which days an employee works, bank holidays of their region, and
counting absence days inside a window.

Everything here is pure: dates are parameters, nothing reads the clock.

Bank holidays come from the `holidays` package for the employee's region (ENG,
WLS, SCT, NIR). Only the dates the package lists count: a bank holiday that
falls on a weekend removes that weekend day for someone who works it, and its
substitute ("observed") weekday removes that weekday for someone who works it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from bisect import bisect_left, bisect_right

import holidays

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REGIONS = ("ENG", "WLS", "SCT", "NIR")
# The days Casebook takes from a form, a file, the API or a link: far enough either way for any record, near enough
# that a policy's windows and periods (months, years) can be counted from them without leaving the calendar.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)
OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2200."


def in_range(day: dt.date) -> bool:
    """True for a day Casebook can count from: EARLIEST to LATEST."""
    return EARLIEST <= day <= LATEST


@dataclasses.dataclass(frozen=True)
class WorkingPattern:
    """The days of the week an employee works, their bank-holiday region and their FTE."""

    days: tuple[str, ...] = WEEKDAYS[:5]
    region: str = "ENG"
    fte: float = 1.0
    _mask: int = dataclasses.field(init=False, repr=False, compare=False)
    _from_start: tuple[tuple[int, ...], ...] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        unknown = sorted(set(self.days) - set(WEEKDAYS))
        if unknown or not self.days:
            raise ValueError(f"Working days must be some of {' '.join(WEEKDAYS)}, not {self.days!r}.")
        if self.region not in REGIONS:
            raise ValueError(f"The bank-holiday region must be one of {' '.join(REGIONS)}, not {self.region!r}.")
        if not self.fte > 0:
            raise ValueError(f"FTE must be more than 0, not {self.fte!r}.")
        object.__setattr__(self, "days", tuple(day for day in WEEKDAYS if day in self.days))
        mask = sum(1 << WEEKDAYS.index(day) for day in self.days)
        object.__setattr__(self, "_mask", mask)
        object.__setattr__(self, "_from_start", _days_worked_from(mask))

    @classmethod
    def for_employee(cls, employee) -> WorkingPattern:
        """The pattern of anything with `working_days`, `region` and `fte` (an Employee)."""
        return cls(tuple(employee.working_days), employee.region or "ENG", employee.fte)

    @property
    def days_per_week(self) -> int:
        """How many days a week the employee works."""
        return len(self.days)


@functools.lru_cache(maxsize=128)
def _days_worked_from(mask: int) -> tuple[tuple[int, ...], ...]:
    """For each weekday a run may start on, how many of its first 0–6 days are worked."""
    table = []
    for start in range(7):
        counts = [0]
        for offset in range(6):
            counts.append(counts[-1] + (mask >> ((start + offset) % 7) & 1))
        table.append(tuple(counts))
    return tuple(table)


@functools.lru_cache(maxsize=None)
def _bank_holidays(region: str, year: int) -> tuple[int, ...]:
    """The ordinals of `region`'s bank holidays in `year`, weekend dates included, sorted."""
    # Neighbouring years too, in case a substitute day ever falls across the year end.
    years = range(max(year - 1, 1), min(year + 1, dt.MAXYEAR) + 1)
    listed = holidays.UK(subdiv=region, years=years)
    return tuple(sorted(day.toordinal() for day in listed if day.year == year))


@functools.lru_cache(maxsize=None)
def _bank_holidays_on(region: str, year: int, mask: int) -> tuple[int, ...]:
    """The ordinals of `region`'s bank holidays in `year` that fall on the weekdays in `mask`."""
    return tuple(day for day in _bank_holidays(region, year) if mask >> ((day + 6) % 7) & 1)


def is_bank_holiday(day: dt.date, region: str) -> bool:
    """Whether `day` is a bank holiday (or its substitute day) in `region`."""
    return day.toordinal() in _bank_holidays(region, day.year)


def is_working_day(day: dt.date, pattern: WorkingPattern) -> bool:
    """Whether the employee works on `day`: one of their days and not a bank holiday."""
    return bool(pattern._mask >> day.weekday() & 1) and not is_bank_holiday(day, pattern.region)


def working_days(first: dt.date, last: dt.date, pattern: WorkingPattern) -> int:
    """How many working days from `first` to `last`, both included."""
    if last < first:
        raise ValueError(f"The last day {last} is before the first day {first}.")
    start, end = first.toordinal(), last.toordinal()
    weeks, rest = divmod(end - start + 1, 7)
    count = weeks * len(pattern.days) + pattern._from_start[first.weekday()][rest]
    for year in range(first.year, last.year + 1):
        listed = _bank_holidays_on(pattern.region, year, pattern._mask)
        count -= bisect_right(listed, end) - bisect_left(listed, start)
    return count


def calendar_days(first: dt.date, last: dt.date) -> int:
    """How many calendar days from `first` to `last`, both included."""
    if last < first:
        raise ValueError(f"The last day {last} is before the first day {first}.")
    return (last - first).days + 1


def working_days_in_window(first: dt.date, last: dt.date | None, window_start: dt.date, window_end: dt.date,
                           pattern: WorkingPattern, ongoing_until: dt.date | None = None) -> int:
    """The working days of an absence from `first` to `last` that fall inside the window,
    both ends included. An ongoing absence (`last` is None) counts up to and including
    `ongoing_until`, the evaluation date; `ongoing_until` is not used when `last` is given."""
    if window_end < window_start:
        raise ValueError(f"The window ends on {window_end}, before it starts on {window_start}.")
    if last is None:
        if ongoing_until is None:
            raise ValueError("An ongoing absence needs the date it is counted up to.")
        last = ongoing_until
    start, end = max(first, window_start), min(last, window_end)
    return working_days(start, end, pattern) if start <= end else 0


def fte_days(working_days_count: int | float, pattern: WorkingPattern) -> float:
    """Working days lost expressed as full-time-equivalent days: each working day is worth
    FTE × 5 ÷ the days worked a week (3 days of a 0.6 FTE five-day worker are 1.8)."""
    return working_days_count * 5 * pattern.fte / len(pattern.days)


def nth_working_day_after(day: dt.date, n: int, pattern: WorkingPattern) -> dt.date:
    """The `n`th working day after `day`, not counting `day` itself. With n = 0, the first
    working day on or after `day` (`day` itself when it is a working day)."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}.")
    if n == 0 and is_working_day(day, pattern):
        return day
    found = 0
    while True:
        day += dt.timedelta(days=1)
        if is_working_day(day, pattern):
            found += 1
            if found >= n:
                return day


def rolling_window(as_of: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The `months` months ending on `as_of`, both ends included, as (first day, last day):
    for 2026-06-30 and 12 months, 2025-07-01 to 2026-06-30. The window starts on the day
    after `as_of` moved back `months` months; when that day does not exist (31 February)
    it starts on the 1st of the next month, so a window never runs longer than `months`."""
    if months < 1:
        raise ValueError(f"A rolling window needs at least 1 month, not {months}.")
    after = as_of + dt.timedelta(days=1)
    month_index = after.year * 12 + after.month - 1 - months
    year, month = divmod(month_index, 12)
    try:
        start = dt.date(year, month + 1, after.day)
    except ValueError:
        year, month = divmod(month_index + 1, 12)
        start = dt.date(year, month + 1, 1)
    return start, as_of
