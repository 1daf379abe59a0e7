"""The board report's trends: FTE-days lost month by month, the latest 12 months against the previous 12,
and a full-year forecast from the share of the financial year still to come.

Pure: people and absences come in read once (see `casework.board_report`), `today` is a parameter.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Iterable, Mapping, Sequence

from casework.board_report import AbsenceRow, Person, financial_year_start, quotient, ratio, round_half_up
from casework.calendar import calendar_days, fte_days, working_days_in_window

HISTORY_YEARS = 3  # full financial years whose shape the forecast follows


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_bounds(index: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the month `index`."""
    year, month0 = divmod(index, 12)
    first = dt.date(year, month0 + 1, 1)
    following_year, following0 = divmod(index + 1, 12)
    return first, dt.date(following_year, following0 + 1, 1) - dt.timedelta(days=1)


def monthly_fte_days(people: Iterable[Person], absences: Iterable[AbsenceRow], first_month: dt.date,
                     end: dt.date, until: dt.date) -> dict[int, float]:
    """FTE-days lost in each month from `first_month`'s to `end`'s, by month index (unrounded); `end`'s
    month only up to `end`. Each absence is split over the months it touches only; an ongoing one counts
    up to `until`."""
    people_by_id = {person.id: person for person in people}
    low, high = month_index(first_month), month_index(end)
    totals = dict.fromkeys(range(low, high + 1), 0.0)
    bounds = {index: month_bounds(index) for index in totals}
    bounds[high] = (bounds[high][0], min(bounds[high][1], end))
    for absence in absences:
        person = people_by_id.get(absence.person_id)
        last = absence.last_day or until
        if person is None or last < absence.first_day:
            continue
        pattern = person.pattern
        for index in range(max(low, month_index(absence.first_day)), min(high, month_index(last)) + 1):
            first_day, last_day = bounds[index]
            lost = working_days_in_window(absence.first_day, absence.last_day, first_day, last_day, pattern,
                                          ongoing_until=until)
            totals[index] += fte_days(lost, pattern)
    return totals


def month_series(totals: Mapping[int, float], end_month: dt.date, months: int = 12) -> list[dict]:
    """The latest `months` months to `end_month`'s, each beside the same month a year earlier:
    [{"month": first day, "fte_days", "previous_fte_days"}], rounded to 2 places."""
    last = month_index(end_month)
    return [{"month": month_bounds(index)[0], "fte_days": round_half_up(totals.get(index, 0.0), 2),
             "previous_fte_days": round_half_up(totals.get(index - 12, 0.0), 2)}
            for index in range(last - months + 1, last + 1)]


def years_earlier(day: dt.date, years: int = 1) -> dt.date:
    """The same day `years` years earlier (29 February → 28 February)."""
    return dt.date(day.year - years, day.month, min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)


def average_fte(people: Iterable[Person], start: dt.date, end: dt.date) -> float:
    """Σ FTE × calendar days in post ÷ calendar days in [start, end]."""
    return sum(person.fte * person.days_in_post(start, end) for person in people) / calendar_days(start, end)


def _fte_days_between(totals: Mapping[int, float], start: dt.date, end: dt.date) -> float:
    """FTE-days in [start, end] from monthly totals, a part month taken pro rata by calendar days."""
    total = 0.0
    for index in range(month_index(start), month_index(end) + 1):
        first, last = month_bounds(index)
        inside = calendar_days(max(first, start), min(last, end))
        total += totals.get(index, 0.0) * inside / calendar_days(first, last)
    return total


@dataclasses.dataclass(frozen=True)
class YearShare:
    """A full financial year: its FTE-days lost and the share that fell after the same point of the year."""

    label: str
    fte_days: float
    average_fte: float
    share_after: float


@dataclasses.dataclass(frozen=True)
class Forecast:
    """The financial year holding the period's end: lost so far, the share still to come and the forecast."""

    year_label: str
    to_date_fte_days: float
    average_fte: float
    share_to_come: float
    basis: str  # in words: which years the share comes from, or the calendar when there is no history
    fte_days: float
    days_lost_per_fte: float | None
    history: tuple[YearShare, ...]


def year_label(start: dt.date) -> str:
    """2026-04-01 → "2026/27"."""
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def forecast(people: Sequence[Person], totals: Mapping[int, float], end: dt.date) -> Forecast:
    """The forecast of `forecast_from` with the people's average FTE over each year."""
    return forecast_from(lambda first, last: average_fte(people, first, last), totals, end)


def forecast_from(average: Callable[[dt.date, dt.date], float], totals: Mapping[int, float],
                  end: dt.date) -> Forecast:
    """A full-year forecast for the financial year holding `end`: FTE-days lost from 1 April to `end`,
    divided by the share of the year up to `end`'s point that the last `HISTORY_YEARS` full years carried
    on average (years that began before the records do — before the first month with any absence — are left
    out; the month holding the point is split pro rata by calendar days). With no such year, the share of
    calendar days still to come. `totals` are monthly FTE-days from `monthly_fte_days` covering those years
    and cut at `end`; `average(first, last)` is the average FTE in post over [first, last]."""
    start = financial_year_start(end)
    year_end = dt.date(start.year + 1, 3, 31)
    recorded = [index for index, value in totals.items() if value > 0]
    records_begin = min(recorded) if recorded else month_index(end) + 1
    history = []
    for back in range(HISTORY_YEARS, 0, -1):
        first, last = dt.date(start.year - back, 4, 1), dt.date(start.year - back + 1, 3, 31)
        whole = _fte_days_between(totals, first, last)
        if month_index(first) >= records_begin and whole > 0:
            point = years_earlier(end, back)
            after = _fte_days_between(totals, point + dt.timedelta(days=1), last) if point < last else 0.0
            history.append(YearShare(year_label(first), round_half_up(whole, 2),
                                     round_half_up(average(first, last), 4), quotient(after, whole)))
    if history:
        share = round_half_up(sum(year.share_after for year in history) / len(history), 4)
        basis = f"the average share of {', '.join(year.label for year in history)} after {end:%-d %B}"
    else:
        share = quotient((year_end - end).days, calendar_days(start, year_end))
        basis = "the share of the year's calendar days still to come (no earlier year on record)"
    to_date = round_half_up(sum(totals.get(index, 0.0) for index in range(month_index(start), month_index(end) + 1)), 2)
    fte = round_half_up(average(start, end), 4)
    whole_year = quotient(to_date, 1 - share, 2) if share < 1 else to_date
    return Forecast(year_label(start), to_date, fte, share, basis, whole_year, ratio(whole_year, fte, 2),
                    tuple(history))
