"""The board report's figures (issue 8, "The board report" in DESIGN.md): headcount and FTE, working
days and FTE-days lost, days lost per FTE, the long-term share, long-term absences, FTE-days by reason
× directorate, and RTW interviews, for a period and for the organisation, each division and each
directorate; plus the financial year to date and a month-by-month series.

Pure and deterministic: everything comes in as plain values read once (people and absences); the
period and `today` are parameters, nothing reads the clock or a database. A period includes both ends;
an ongoing absence is counted up to min(period end, today).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from casework.absences import rtw_day_number
from casework.calendar import WorkingPattern, calendar_days, fte_days, working_days_in_window
from casework.policy import LongTermRules

# An RTW interview counts as prompt when held within this many working days of the return.
RTW_WITHIN_DAYS = 5
ORGANISATION = "Organisation"


@dataclasses.dataclass(frozen=True)
class Person:
    """Someone who is or was in post: where they sit, their FTE, pattern, region and dates in post."""

    id: object
    division: str
    directorate: str
    fte: float
    working_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    region: str = "ENG"
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    @functools.cached_property
    def pattern(self) -> WorkingPattern:
        """Built once per person: a report asks for it for every absence."""
        return WorkingPattern(tuple(self.working_days), self.region, self.fte)

    def days_in_post(self, start: dt.date, end: dt.date) -> int:
        """Calendar days in post within [start, end]."""
        first = max(start, self.start_date or start)
        last = min(end, self.end_date or end)
        return calendar_days(first, last) if first <= last else 0

    def in_post_on(self, day: dt.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day <= self.end_date)


@dataclasses.dataclass(frozen=True)
class AbsenceRow:
    """One sickness absence: whose, its first and last day (None while ongoing), reason and RTW date."""

    person_id: object
    first_day: dt.date
    last_day: dt.date | None
    reason_category: str
    rtw_held_on: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class ScopeFigures:
    """The figures for one scope (the organisation, a division or a directorate) over the period."""

    kind: str  # "organisation", "division", "directorate"
    name: str
    headcount: int
    fte_at_end: float
    average_fte: float
    working_days_lost: int
    fte_days_lost: float
    days_lost_per_fte: float | None
    long_term_fte_days: float
    long_term_share: float | None
    long_term_absences: int
    long_term_open: int
    rtw_due: int
    rtw_held: int
    rtw_share_held: float | None
    rtw_average_days: float | None
    rtw_share_within_5: float | None


@dataclasses.dataclass(frozen=True)
class BoardFigures:
    start: dt.date
    end: dt.date
    today: dt.date
    organisation: ScopeFigures
    divisions: dict[str, ScopeFigures]
    directorates: dict[str, ScopeFigures]
    # {(directorate, reason_category): FTE-days} and the same as a percentage of the organisation's total.
    by_reason: dict[tuple[str, str], float]
    by_reason_percent: dict[tuple[str, str], float]


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year (April–March) holding `day`."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_to_date(today: dt.date) -> tuple[dt.date, dt.date]:
    """The financial year (April–March) up to and including `today`: 2026-11-23 → 2026-04-01 to 2026-11-23."""
    return financial_year_start(today), today


def round_half_up(value: float, places: int) -> float:
    """Rounded half up, as the figures are worked by hand (4.875 → 4.88), not half to even."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def ratio(part: float, whole: float, places: int = 4) -> float | None:
    """part ÷ whole as `quotient` works it; None when the whole is 0."""
    if not whole:
        return None
    return quotient(part, whole, places)


def quotient(part: float, whole: float, places: int = 4) -> float:
    """part ÷ whole for a whole that is not 0, worked in decimals from the figures as shown (7.8 ÷ 1.6 is 4.875,
    so 4.88)."""
    exact = Decimal(repr(round_half_up(part, 4))) / Decimal(repr(round_half_up(whole, 4)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@dataclasses.dataclass
class Tally:
    fte_in_post_days: float = 0.0
    headcount: int = 0
    fte_at_end: float = 0.0
    working_days: int = 0
    fte_days: float = 0.0
    long_term_fte_days: float = 0.0
    long_term: int = 0
    long_term_open: int = 0
    rtw_due: int = 0
    rtw_held: int = 0
    rtw_day_sum: int = 0      # Σ of the interviews' working day numbers
    rtw_within_5: int = 0     # interviews held within RTW_WITHIN_DAYS


def scope_figures(kind: str, name: str, tally: Tally, period_days: int) -> ScopeFigures:
    average_fte = round_half_up(tally.fte_in_post_days / period_days, 4)
    held = tally.rtw_held
    return ScopeFigures(
        kind=kind, name=name, headcount=tally.headcount,
        fte_at_end=round_half_up(tally.fte_at_end, 2), average_fte=average_fte,
        working_days_lost=tally.working_days, fte_days_lost=round_half_up(tally.fte_days, 2),
        days_lost_per_fte=ratio(tally.fte_days, average_fte, 2),
        long_term_fte_days=round_half_up(tally.long_term_fte_days, 2),
        long_term_share=ratio(tally.long_term_fte_days, tally.fte_days),
        long_term_absences=tally.long_term, long_term_open=tally.long_term_open,
        rtw_due=tally.rtw_due, rtw_held=held, rtw_share_held=ratio(held, tally.rtw_due),
        rtw_average_days=ratio(tally.rtw_day_sum, held, 2), rtw_share_within_5=ratio(tally.rtw_within_5, held))


def board_figures(people: Iterable[Person], absences: Iterable[AbsenceRow], start: dt.date, end: dt.date,
                  today: dt.date, long_term: LongTermRules) -> BoardFigures:
    """The board report's figures for [start, end], for the organisation, each division and directorate.

    Average FTE is Σ FTE × calendar days in post ÷ calendar days in the period. Working days lost count
    only days inside the period on the person's pattern, less their region's bank holidays. An absence
    is long-term as the policy's `long_term` rules say, the same as the trigger engine: when its calendar days in
    all as known today (an ongoing one counted to today, as a closed one is to its last day, even for a period
    ended earlier: issue 18.1, so that kept months add up) pass the threshold for its reason;
    long-term absences are those overlapping the period, open when not ended by `end`. RTW figures cover
    absences that ended inside the period; the average and the within-5 share are over interviews held.
    """
    if end < start:
        raise ValueError(f"The period ends on {end}, before it starts on {start}.")
    period_days = calendar_days(start, end)
    until = min(end, today)
    people_by_id = {person.id: person for person in people}
    tallies: dict[tuple[str, str], Tally] = {("organisation", ORGANISATION): Tally()}

    def scopes(person: Person) -> list[Tally]:
        keys = [("organisation", ORGANISATION), ("division", person.division), ("directorate", person.directorate)]
        return [tallies.setdefault(key, Tally()) for key in keys]

    person: Person | None  # an absence below may belong to no one in `people`
    for person in people_by_id.values():
        in_post_days = person.days_in_post(start, end)
        for tally in scopes(person):
            tally.fte_in_post_days += person.fte * in_post_days
            if person.in_post_on(end):
                tally.headcount += 1
                tally.fte_at_end += person.fte

    by_reason: dict[tuple[str, str], float] = {}
    for absence in absences:
        person = people_by_id.get(absence.person_id)
        last_counted = absence.last_day or until
        if person is None or absence.first_day > end or last_counted < start:
            continue
        pattern = person.pattern
        lost = working_days_in_window(absence.first_day, absence.last_day, start, end, pattern, ongoing_until=until)
        lost_fte = fte_days(lost, pattern)
        known_last = absence.last_day or today
        length = calendar_days(absence.first_day, known_last) if absence.first_day <= known_last else 0
        is_long_term = length > long_term.after_days(absence.reason_category)
        ended_inside = absence.last_day is not None and start <= absence.last_day <= end
        rtw_day = (rtw_day_number(absence.last_day, absence.rtw_held_on, pattern)
                   if ended_inside and absence.last_day is not None and absence.rtw_held_on is not None else None)
        for tally in scopes(person):
            tally.working_days += lost
            tally.fte_days += lost_fte
            if is_long_term:
                tally.long_term_fte_days += lost_fte
                tally.long_term += 1
                tally.long_term_open += absence.last_day is None or absence.last_day > end
            if ended_inside:
                tally.rtw_due += 1
                if rtw_day is not None:
                    tally.rtw_held += 1
                    tally.rtw_day_sum += rtw_day
                    tally.rtw_within_5 += rtw_day <= RTW_WITHIN_DAYS
        key = (person.directorate, absence.reason_category)
        by_reason[key] = by_reason.get(key, 0.0) + lost_fte

    total = tallies[("organisation", ORGANISATION)].fte_days
    by_reason = {key: round_half_up(value, 2) for key, value in sorted(by_reason.items()) if value}
    figures = {key: scope_figures(key[0], key[1], tally, period_days) for key, tally in tallies.items()}
    return BoardFigures(
        start=start, end=end, today=today,
        organisation=figures[("organisation", ORGANISATION)],
        divisions={name: value for (kind, name), value in sorted(figures.items()) if kind == "division"},
        directorates={name: value for (kind, name), value in sorted(figures.items()) if kind == "directorate"},
        by_reason=by_reason,
        by_reason_percent=({key: round_half_up(100 * value / total, 1) for key, value in by_reason.items()}
                           if total else {}))
