"""Working days: which days an employee works, bank holidays of their region, and
counting absence days inside a window.

Everything here is pure: dates are parameters, nothing reads the clock.

Bank holidays come from the `holidays` package for the employee's region (ENG,
WLS, SCT, NIR). Each bank holiday is a day off at most once, by this rule:

- it is a day off on its own date for someone who works that day of the week;
- otherwise it is a day off on its substitute weekday (the date the package lists
  as "<name> (observed)") for someone who works that weekday;
- a weekday is given for one bank holiday only: when an earlier holiday's substitute
  has taken a holiday's own date, it moves on to its own substitute (Scotland, 2023:
  New Year's Day, a Sunday, is Monday 2 January and the 2 January holiday Tuesday 3rd).

So a Monday-to-Friday worker loses the substitute Monday of a Saturday Christmas,
while someone who works Saturday to Wednesday loses Christmas Day and Boxing Day on
Saturday 25 and Sunday 26 December 2027 and works the substitute Monday 27 and
Tuesday 28. `is_bank_holiday` says whether a date is listed at all (own date or
substitute); `is_working_day` and `working_days` apply the rule.

Months are counted one way everywhere (`add_months`): N months from day D run to the
day before the same date N months later; when that date does not exist (31 February)
the next period starts on the 1st of the following month, so the N months run to the
end of the shorter month. `rolling_window` counts back the same way.
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

    @property
    def week_edges(self) -> tuple[str, str]:
        """The first and last working day of the employee's own week: the week starts on the day after their
        longest run of rest days (the earliest from Monday when two runs are as long) and ends on the day before
        it. ("Mon", "Fri") for Monday to Friday, ("Sat", "Wed") for Saturday to Wednesday, ("Mon", "Sun") for
        someone who works every day."""
        return _week_edges(self._mask)


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


@functools.lru_cache(maxsize=128)
def _week_edges(mask: int) -> tuple[str, str]:
    """The first and last working day of the week of someone working the weekdays in `mask`."""
    worked = [day for day in range(7) if mask >> day & 1]
    if len(worked) == 7:
        return WEEKDAYS[0], WEEKDAYS[-1]
    rest_before = {day: next(run for run in range(7) if mask >> ((day - run - 1) % 7) & 1) for day in worked}
    first = max(worked, key=lambda day: (rest_before[day], -day))
    return WEEKDAYS[first], WEEKDAYS[worked[worked.index(first) - 1]]


@functools.lru_cache(maxsize=None)
def _bank_holidays(region: str, year: int) -> tuple[int, ...]:
    """The ordinals of `region`'s bank holidays in `year`, weekend dates included, sorted."""
    # Neighbouring years too, in case a substitute day ever falls across the year end.
    years = range(max(year - 1, 1), min(year + 1, dt.MAXYEAR) + 1)
    listed = holidays.UK(subdiv=region, years=years)
    return tuple(sorted(day.toordinal() for day in listed if day.year == year))


@functools.lru_cache(maxsize=None)
def _holiday_days(region: str, year: int) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Each of `region`'s bank holidays from the year before `year` to the year after, in date order: the
    ordinal of its own date and the weekdays it may be taken on (its own date when a weekday, then the
    dates listed as its substitute within the week after)."""
    years = range(max(year - 1, 1), min(year + 1, dt.MAXYEAR) + 1)
    listed = holidays.UK(subdiv=region, years=years)
    substitutes: dict[str, list[int]] = {}
    for day, names in listed.items():
        for name in names.split("; "):
            substitutes.setdefault(name, []).append(day.toordinal())
    found = []
    for day, names in sorted(holidays.UK(subdiv=region, years=years, observed=False).items()):
        own = day.toordinal()
        for name in names.split("; "):
            moved = sorted(other for other in substitutes.get(listed.observed_label % name, ())
                           if own < other <= own + 7)
            found.append((own, ((own,) if day.weekday() < 5 else ()) + tuple(moved)))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def _bank_holidays_on(region: str, year: int, mask: int) -> tuple[int, ...]:
    """The ordinals of the days in `year` that someone working the weekdays in `mask` has off as a bank
    holiday of `region`, each bank holiday at most once (the rule in the module's note)."""
    taken: set[int] = set()
    off = set()
    for own, weekdays in _holiday_days(region, year):
        if (own + 6) % 7 >= 5 and mask >> ((own + 6) % 7) & 1:
            off.add(own)
            continue
        free = next((day for day in weekdays if day not in taken), None)
        if free is not None:
            taken.add(free)
            if mask >> ((free + 6) % 7) & 1:
                off.add(free)
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    return tuple(sorted(day for day in off if first <= day <= last))


def is_bank_holiday(day: dt.date, region: str) -> bool:
    """Whether `day` is listed as a bank holiday (or a substitute day) in `region`, whoever works it."""
    return day.toordinal() in _bank_holidays(region, day.year)


def is_working_day(day: dt.date, pattern: WorkingPattern) -> bool:
    """Whether the employee works on `day`: one of their days and not a bank holiday they have off."""
    return (bool(pattern._mask >> day.weekday() & 1)
            and day.toordinal() not in _bank_holidays_on(pattern.region, day.year, pattern._mask))


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
    return add_months(as_of + dt.timedelta(days=1), -months), as_of


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date `months` months later (earlier when negative), or the 1st of the month after when that
    date does not exist: the day after `months` months from `day` (the module's note). 2 March 2026 + 6 is
    2 September 2026; 31 August 2026 + 6 is 1 March 2027, so those 6 months run to 28 February 2027."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    try:
        return dt.date(year, month + 1, day.day)
    except ValueError:
        year, month = divmod(index + 1, 12)
        return dt.date(year, month + 1, 1)
