"""The board report from kept months (issue 18.1): the same `BoardReport` as `casework.board_tables.build`, summed
from the months kept for each part of the organisation (`casework.month_figures`) instead of every absence.

A report covers whole months: from the 1st of its first month to the end of its last, the current month to
`today`. The same period a year earlier is the same months; when the period ends today, part-way through the
month, the year-earlier last month is cut at the same day — its people exactly (they are kept day by day), its
days lost in proportion to its calendar days (as the forecast already takes a part month).

Pure: the kept rows come in as plain dicts, `today` is a parameter.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Sequence

from casework.board_report import ORGANISATION, BoardFigures, Tally, round_half_up, scope_figures
from casework.board_tables import BoardReport, earliest_needed
from casework.board_trends import forecast_from, month_bounds, month_index, month_series, years_earlier
from casework.calendar import calendar_days
from casework.month_figures import FTE_UNIT
from casework.policy import Policy

WHOLE_MONTHS = ("Whole months: from the 1st of the first month to the end of the last; the current month is "
                "counted to today.")


def whole_months(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The report's period for the dates asked: from the 1st of `start`'s month to the end of `end`'s month,
    and no later than `today` (10 June–20 August, today 1 December → 1 June–31 August; to 20 December → to
    1 December)."""
    return month_bounds(month_index(start))[0], min(month_bounds(month_index(end))[1], today)


def first_kept_month(start: dt.date, end: dt.date) -> int:
    """The first month a report for [start, end] reads (its chart, forecast and year-earlier period)."""
    return month_index(earliest_needed(start, end))


def _scopes(row: Mapping) -> list[tuple[str, str]]:
    return [("organisation", ORGANISATION), ("division", row["division"]), ("directorate", row["directorate"])]


def _people_part(row: Mapping, low: int, high: int, last: bool, tallies: list[Tally]) -> None:
    fte, heads = row.get("fte") or [], row.get("headcount") or []
    if not fte:
        return
    in_post = sum(fte[low:high + 1]) / FTE_UNIT
    for tally in tallies:
        tally.fte_in_post_days += in_post
        if last:
            tally.headcount += heads[high]
            tally.fte_at_end += fte[high] / FTE_UNIT


def figures_from_months(rows: Iterable[Mapping], start: dt.date, end: dt.date, today: dt.date,
                        keys: Iterable[tuple[str, str]], scale_last: float = 1.0) -> BoardFigures:
    """The board figures for [start, end] (the 1st of a month to a day of a later or the same month) from kept
    month rows ({month, division, directorate, the figures, by_reason, fte, headcount}); `keys` are the
    divisions and directorates to show. The last month's days lost are taken × `scale_last` (a part month)."""
    first, last = month_index(start), month_index(end)
    tallies = {key: Tally() for key in keys}
    tallies.setdefault(("organisation", ORGANISATION), Tally())
    days_lost: dict[tuple[str, str], list[float]] = {key: [0.0, 0.0, 0.0] for key in tallies}
    by_reason: dict[tuple[str, str], float] = {}
    for row in rows:
        index = row["month"]
        if not first <= index <= last:
            continue
        month_start = month_bounds(index)[0]
        high = (min(end, month_bounds(index)[1]) - month_start).days
        scopes = [tallies.setdefault(key, Tally()) for key in _scopes(row)]
        _people_part(row, 0, high, index == last, scopes)
        scale = scale_last if index == last else 1.0
        for key in _scopes(row):
            lost = days_lost.setdefault(key, [0.0, 0.0, 0.0])
            lost[0] += row.get("working_days", 0) * scale
            lost[1] += row.get("fte_days", 0.0) * scale
            lost[2] += row.get("long_term_fte_days", 0.0) * scale
        for tally in scopes:
            tally.long_term += row.get("long_term_overlapping" if index == first else "long_term_begun", 0)
            if index == last:
                tally.long_term_open += row.get("long_term_open", 0)
            tally.rtw_due += row.get("rtw_due", 0)
            tally.rtw_held += row.get("rtw_held", 0)
            tally.rtw_day_sum += row.get("rtw_days", 0)
            tally.rtw_within_5 += row.get("rtw_within_5", 0)
        for reason, value in (row.get("by_reason") or {}).items():
            key = (row["directorate"], reason)
            by_reason[key] = by_reason.get(key, 0.0) + value * scale
    for key, (working, fte_lost, long_term) in days_lost.items():
        tallies[key].working_days = int(round_half_up(working, 0))
        tallies[key].fte_days = fte_lost
        tallies[key].long_term_fte_days = long_term
    total = tallies[("organisation", ORGANISATION)].fte_days
    by_reason = {key: round_half_up(value, 2) for key, value in sorted(by_reason.items())
                 if round_half_up(value, 6)}
    period_days = calendar_days(start, end)
    figures = {key: scope_figures(key[0], key[1], tally, period_days) for key, tally in tallies.items()}
    return BoardFigures(
        start=start, end=end, today=today, organisation=figures[("organisation", ORGANISATION)],
        divisions={name: value for (kind, name), value in sorted(figures.items()) if kind == "division"},
        directorates={name: value for (kind, name), value in sorted(figures.items()) if kind == "directorate"},
        by_reason=by_reason,
        by_reason_percent=({key: round_half_up(100 * value / total, 1) for key, value in by_reason.items()}
                           if total else {}))


def average_fte_from(rows: Iterable[Mapping]):
    """average(first, last): Σ FTE in post each day ÷ calendar days, from kept rows' people by day."""
    by_month: dict[int, list[int]] = {}
    for row in rows:
        for offset, value in enumerate(row.get("fte") or []):
            days = by_month.setdefault(row["month"], [0] * 31)
            days[offset] += value

    def average(first: dt.date, last: dt.date) -> float:
        total = 0
        for index in range(month_index(first), month_index(last) + 1):
            month_start, month_end = month_bounds(index)
            low, high = (max(first, month_start) - month_start).days, (min(last, month_end) - month_start).days
            total += sum(by_month.get(index, [])[low:high + 1])
        return total / FTE_UNIT / calendar_days(first, last)
    return average


def build_from_months(rows: Sequence[Mapping], start: dt.date, end: dt.date, today: dt.date, title: str,
                      policy: Policy) -> BoardReport:
    """The report for the whole months [start, end] (see `whole_months`) from the kept rows of every month
    from `first_kept_month(start, end)` to `end`'s."""
    if end < start:
        raise ValueError(f"The period ends on {end}, before it starts on {start}.")
    keys = sorted({key for row in rows for key in _scopes(row)})
    month_end = month_bounds(month_index(end))[1]
    earlier_end = month_bounds(month_index(end) - 12)[1] if end == month_end else years_earlier(end)
    earlier_month_start = month_bounds(month_index(earlier_end))[0]
    share = calendar_days(earlier_month_start, earlier_end) / calendar_days(*month_bounds(month_index(earlier_end)))
    totals: dict[int, float] = dict.fromkeys(range(first_kept_month(start, end), month_index(end) + 1), 0.0)
    for row in rows:
        if row["month"] in totals:
            totals[row["month"]] += row.get("fte_days", 0.0)
    return BoardReport(
        title=title, start=start, end=end, today=today,
        now=figures_from_months(rows, start, end, today, keys),
        earlier=figures_from_months(rows, years_earlier(start), earlier_end, today, keys, share),
        months=month_series(totals, end), forecast=forecast_from(average_fte_from(rows), totals, end),
        long_term_definition=f"{policy.lts.definition}, as {policy.name} (revision {policy.revision}) defines it")
