"""Absence figures kept month by month (issue 18.1): what one person lost in each calendar month, and the people
figures of a part of the organisation day by day, so that the board report sums a few kept months instead of
reading every absence.

Everything is counted up to `as_of` (the day the figures were kept): an ongoing absence to `as_of`, and no day
after it, so the current month holds the month so far. Summing a person's months from the 1st of one month to
the end of another (the current one to `as_of`) gives what `casework.board_report.board_figures` gives for that
period with `today = as_of`: the same working days, FTE-days, long-term figures and RTW figures.
- An absence is long-term by the policy's one definition, judged on its whole length as known on `as_of`.
- Long-term absences in a period = those overlapping its first month + those begun in each later month.
- Long-term absences still open at the end = those open at the end of the last month (or on `as_of`).
- RTW figures belong to the month the absence ended in.

Pure: no clock, no database; `as_of` and the long-term rules are parameters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Mapping

from casework.absences import rtw_day_number
from casework.board_report import RTW_WITHIN_DAYS, AbsenceRow, Person
from casework.board_trends import month_bounds, month_index
from casework.calendar import calendar_days, fte_days, working_days
from casework.policy import LongTermRules

# The figures of a month, each a sum over the person's absences (so a part of the organisation's are sums too).
COUNTS = ("working_days", "calendar_days", "occasions_begun", "long_term_working_days", "long_term_overlapping",
          "long_term_begun", "long_term_open", "rtw_due", "rtw_held", "rtw_days", "rtw_within_5")
AMOUNTS = ("fte_days", "long_term_fte_days")
FIELDS = COUNTS + AMOUNTS
# FTE is kept in whole ten-thousandths in the people figures, so their day-by-day sums are exact.
FTE_UNIT = 10_000


def long_term_alike(before: LongTermRules, after: LongTermRules) -> bool:
    """Whether two policies' long-term definitions judge every absence alike (the kept months then stand)."""
    return (before.after_calendar_days, before.after_calendar_days_by_reason) == (
        after.after_calendar_days, after.after_calendar_days_by_reason)


def blank() -> dict:
    """A month with nothing lost: every figure 0 and no reason."""
    return {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(AMOUNTS, 0.0), "by_reason": {}}


def month_figures(person: Person, absences: Iterable[AbsenceRow], as_of: dt.date,
                  long_term: LongTermRules) -> dict[int, dict]:
    """{month index: figures} for the months in which `person` lost anything up to `as_of` (see the module's
    note); `by_reason` holds the FTE-days by reason category."""
    pattern = person.pattern
    months: dict[int, dict] = {}
    for absence in absences:
        known_last = absence.last_day or as_of
        counted_last = min(known_last, as_of)
        if counted_last < absence.first_day:
            continue        # begins after as_of
        is_long_term = calendar_days(absence.first_day, known_last) > long_term.after_days(absence.reason_category)
        first_month = month_index(absence.first_day)
        for index in range(first_month, month_index(counted_last) + 1):
            month_start, month_end = month_bounds(index)
            low, high = max(absence.first_day, month_start), min(counted_last, month_end)
            lost = working_days(low, high, pattern)
            lost_fte = fte_days(lost, pattern)
            found = months.setdefault(index, blank())
            found["working_days"] += lost
            found["fte_days"] += lost_fte
            found["calendar_days"] += calendar_days(low, high)
            reasons = found["by_reason"]
            reasons[absence.reason_category] = reasons.get(absence.reason_category, 0.0) + lost_fte
            found["occasions_begun"] += index == first_month
            if is_long_term:
                found["long_term_working_days"] += lost
                found["long_term_fte_days"] += lost_fte
                found["long_term_overlapping"] += 1
                found["long_term_begun"] += index == first_month
                found["long_term_open"] += absence.last_day is None or absence.last_day > min(month_end, as_of)
        if absence.last_day is not None and absence.last_day <= as_of:
            found = months.setdefault(month_index(absence.last_day), blank())
            found["rtw_due"] += 1
            if absence.rtw_held_on is not None:
                day = rtw_day_number(absence.last_day, absence.rtw_held_on, pattern)
                found["rtw_held"] += 1
                found["rtw_days"] += day
                found["rtw_within_5"] += day <= RTW_WITHIN_DAYS
    return months


def difference(new: Mapping | None, old: Mapping | None) -> dict:
    """new − old, figure by figure and reason by reason (a missing month counts as nothing lost)."""
    new, old = new or blank(), old or blank()
    reasons = set(new["by_reason"]) | set(old["by_reason"])
    return {**{name: new[name] - old[name] for name in FIELDS},
            "by_reason": {reason: new["by_reason"].get(reason, 0.0) - old["by_reason"].get(reason, 0.0)
                          for reason in reasons}}


def add_into(total: dict, month: Mapping) -> None:
    """Add a month's figures into `total`."""
    for name in FIELDS:
        total[name] += month.get(name, 0)
    for reason, value in (month.get("by_reason") or {}).items():
        total["by_reason"][reason] = total["by_reason"].get(reason, 0.0) + value


def differing(kept: Mapping | None, fresh: Mapping | None, tolerance: float = 1e-6) -> list[tuple[str, object, object]]:
    """The figures on which a kept month and a fresh computation disagree: [(field, kept, fresh)]. Amounts kept
    by adding differences may drift by float rounding; within `tolerance` they agree."""
    kept, fresh = kept or blank(), fresh or blank()
    found = [(name, kept.get(name, 0), fresh[name]) for name in FIELDS
             if abs((kept.get(name) or 0) - fresh[name]) > tolerance]
    kept_reasons, fresh_reasons = kept.get("by_reason") or {}, fresh["by_reason"]
    for reason in sorted(set(kept_reasons) | set(fresh_reasons)):
        if abs(kept_reasons.get(reason, 0.0) - fresh_reasons.get(reason, 0.0)) > tolerance:
            found.append((f"by_reason.{reason}", kept_reasons.get(reason, 0.0), fresh_reasons.get(reason, 0.0)))
    return found


@dataclasses.dataclass
class PeopleDays:
    """A part of the organisation's people, day by day through one month: FTE in post (in FTE_UNITs) and
    headcount in post on each day."""

    fte: list[int]
    headcount: list[int]


def people_days(people: Iterable[Person], first_month: int, last_month: int
                ) -> dict[tuple[int, str, str], PeopleDays]:
    """{(month index, division, directorate): PeopleDays} for every month from `first_month` to `last_month`
    in which anyone of that division and directorate was in post. Built by adding each person at their
    first day and removing them after their last, so the work grows with people + days, not their product."""
    first_day, last_day = month_bounds(first_month)[0], month_bounds(last_month)[1]
    span = (last_day - first_day).days + 1
    changes: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for person in people:
        low = max(person.start_date or first_day, first_day)
        high = min(person.end_date or last_day, last_day)
        if high < low:
            continue
        fte, heads = changes.setdefault((person.division, person.directorate), ([0] * (span + 1), [0] * (span + 1)))
        units = round(person.fte * FTE_UNIT)
        begin, after = (low - first_day).days, (high - first_day).days + 1
        fte[begin] += units
        fte[after] -= units
        heads[begin] += 1
        heads[after] -= 1
    found = {}
    for (division, directorate), (fte_changes, head_changes) in changes.items():
        fte_running = heads_running = 0
        fte_by_day, heads_by_day = [], []
        for offset in range(span):
            fte_running += fte_changes[offset]
            heads_running += head_changes[offset]
            fte_by_day.append(fte_running)
            heads_by_day.append(heads_running)
        for index in range(first_month, last_month + 1):
            month_start, month_end = month_bounds(index)
            begin, after = (month_start - first_day).days, (month_end - first_day).days + 1
            if any(heads_by_day[begin:after]):
                found[index, division, directorate] = PeopleDays(fte_by_day[begin:after], heads_by_day[begin:after])
    return found


def scope_rows(months_by_person: Iterable[tuple[Person, Mapping[int, Mapping]]], people: Iterable[Person],
               first_month: int, last_month: int) -> list[dict]:
    """Kept rows as the board report reads them — {month, division, directorate, the figures, by_reason, fte,
    headcount} for each part of the organisation and month from `first_month` to `last_month` — from each
    person's months and the people in post."""
    rows: dict[tuple[int, str, str], dict] = {}

    def row(index: int, division: str, directorate: str) -> dict:
        return rows.setdefault((index, division, directorate), {
            "month": index, "division": division, "directorate": directorate, **blank(), "fte": [], "headcount": []})

    for person, months in months_by_person:
        for index, figures in months.items():
            if first_month <= index <= last_month:
                add_into(row(index, person.division, person.directorate), figures)
    for (index, division, directorate), found in people_days(people, first_month, last_month).items():
        row(index, division, directorate).update(fte=found.fte, headcount=found.headcount)
    return list(rows.values())
