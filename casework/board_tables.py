"""The whole board report for a period — the figures, the same period a year earlier, the monthly trend and
the forecast — and the tables the page draws and the CSV and XLSX exports write (one definition for all).

Only reason categories are used: no medical detail reaches a report.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.board_report import (
    AbsenceRow,
    BoardFigures,
    Person,
    ScopeFigures,
    board_figures,
    financial_year_start,
    ratio,
    round_half_up,
)
from casework.board_trends import (
    HISTORY_YEARS,
    Forecast,
    forecast,
    month_bounds,
    month_index,
    month_series,
    monthly_fte_days,
    years_earlier,
)
from casework.charts import bar_chart, month_comparison_chart
from casework.exports import Table
from casework.policy import Policy
from casework.reasons import REASON_CATEGORIES


@dataclasses.dataclass(frozen=True)
class BoardReport:
    """Everything the report shows for [start, end] over the people given (the reader's scope)."""

    title: str  # what the whole is called: the organisation's name, "Your divisions", "Your hierarchy"
    start: dt.date
    end: dt.date
    today: dt.date
    now: BoardFigures
    earlier: BoardFigures
    months: list[dict]
    forecast: Forecast
    long_term_definition: str = ""  # which policy's long-term threshold the figures use, in words

    @property
    def part_month(self) -> dt.date | None:
        """The first day of the period's last month when the period ends inside it (the current month, counted to
        today): a part month, whose figures are not yet a month's. None when the last month is whole."""
        first, last = month_bounds(month_index(self.end))
        return first if self.end < last else None

    @property
    def change(self) -> float | None:
        """The change in days lost per FTE from the same period a year earlier, as a percentage."""
        return change_percent(self.now.organisation.days_lost_per_fte, self.earlier.organisation.days_lost_per_fte)


def earliest_needed(start: dt.date, end: dt.date) -> dt.date:
    """The first day an absence must reach to count anywhere in the report: the earlier of the month-by-month
    chart's first month, the year-earlier period and the forecast's history."""
    chart_first = month_bounds(month_index(end) - 23)[0]
    history_first = dt.date(financial_year_start(end).year - HISTORY_YEARS, 4, 1)
    return min(chart_first, history_first, years_earlier(start))


def build(people: Sequence[Person], absences: Sequence[AbsenceRow], start: dt.date, end: dt.date,
          today: dt.date, title: str, policy: Policy) -> BoardReport:
    """The report for [start, end] from one read of people and of absences reaching back to
    `earliest_needed(start, end)`; long-term as `policy` defines it (the active policy, as the triggers use)."""
    if end < start:
        raise ValueError(f"The period ends on {end}, before it starts on {start}.")
    until = min(end, today)
    totals = monthly_fte_days(people, absences, earliest_needed(start, end), end, until)
    return BoardReport(
        title=title, start=start, end=end, today=today,
        now=board_figures(people, absences, start, end, today, policy.lts),
        earlier=board_figures(people, absences, years_earlier(start), years_earlier(end), today, policy.lts),
        months=month_series(totals, end), forecast=forecast(people, totals, end),
        long_term_definition=f"{policy.lts.definition}, as {policy.name} (revision {policy.revision}) defines it")


def percent(share: float | None) -> float | None:
    """A ratio as a percentage to one place: 0.8046 → 80.5."""
    return None if share is None else round_half_up(100 * share, 1)


def change_percent(now: float | None, before: float | None) -> float | None:
    """The change from `before` to `now` as a percentage to one place; none when there was nothing before."""
    return None if not before or now is None else percent(ratio(now - before, before, 6))


def _scopes(figures: BoardFigures, title: str) -> list[tuple[str, str, ScopeFigures]]:
    whole = [("Whole", title, figures.organisation)]
    return (whole + [("Division", name, found) for name, found in figures.divisions.items()]
            + [("Directorate", name, found) for name, found in figures.directorates.items()])


def split_table(report: BoardReport) -> Table:
    """Long-term and short-term absence: FTE-days lost and days lost per FTE, with shares."""
    whole = report.now.organisation
    short = round_half_up(whole.fte_days_lost - whole.long_term_fte_days, 2)
    rows = []
    for label, lost in (("Long-term", whole.long_term_fte_days), ("Short-term", short),
                        ("Total", whole.fte_days_lost)):
        rows.append((label, lost, percent(ratio(lost, whole.fte_days_lost)), ratio(lost, whole.average_fte, 2)))
    return Table("split", f"Long-term and short-term absence (long-term: {report.long_term_definition})",
                 ("Absence", "FTE-days lost", "Share (%)", "Days lost per FTE"), tuple(rows))


def scope_table(report: BoardReport) -> Table:
    """Headcount, FTE, days lost, per FTE and the long-term figures for the whole, each division and directorate."""
    rows = tuple((kind, name, found.headcount, found.fte_at_end, found.average_fte, found.working_days_lost,
                  found.fte_days_lost, found.days_lost_per_fte, percent(found.long_term_share),
                  found.long_term_absences, found.long_term_open)
                 for kind, name, found in _scopes(report.now, report.title))
    return Table("absence", "Sickness absence by division and directorate",
                 ("Level", "Name", "Headcount at the end", "FTE at the end", "Average FTE", "Working days lost",
                  "FTE-days lost", "Days lost per FTE", "Long-term share (%)", "Long-term absences",
                  "Long-term still open"), rows)


def comparison_table(report: BoardReport) -> Table:
    """This period beside the same period a year earlier, with the change in days lost per FTE."""
    # Both periods are figured over the same people, so they have the same divisions and directorates.
    earlier = {(kind, name): found for kind, name, found in _scopes(report.earlier, report.title)}
    rows = []
    for kind, name, found in _scopes(report.now, report.title):
        before = earlier[kind, name]
        rows.append((kind, name, found.days_lost_per_fte, before.days_lost_per_fte,
                     change_percent(found.days_lost_per_fte, before.days_lost_per_fte),
                     found.working_days_lost, before.working_days_lost,
                     percent(found.long_term_share), percent(before.long_term_share)))
    return Table("comparison", "Compared with the same period a year earlier",
                 ("Level", "Name", "Days lost per FTE", "A year earlier", "Change (%)", "Working days lost",
                  "Working days a year earlier", "Long-term share (%)", "Long-term share a year earlier (%)"),
                 tuple(rows))


def reason_table(report: BoardReport) -> Table:
    """FTE-days lost by reason category × directorate, with each reason's total and share of all."""
    directorates = list(report.now.directorates)
    total = report.now.organisation.fte_days_lost
    rows = []
    for key, label in REASON_CATEGORIES.items():
        cells = [report.now.by_reason.get((directorate, key)) for directorate in directorates]
        reason_total = round_half_up(sum(cell or 0 for cell in cells), 2)
        rows.append((label, *cells, reason_total or None,
                     percent(ratio(reason_total, total)) if reason_total else None))
    return Table("reasons", "FTE-days lost by reason and directorate",
                 ("Reason", *directorates, "Total", "Share of all (%)"), tuple(rows))


def rtw_table(report: BoardReport) -> Table:
    """Return-to-work interviews for absences that ended in the period."""
    rows = tuple((kind, name, found.rtw_due, found.rtw_held, percent(found.rtw_share_held), found.rtw_average_days,
                  percent(found.rtw_share_within_5)) for kind, name, found in _scopes(report.now, report.title))
    return Table("rtw", "Return-to-work interviews",
                 ("Level", "Name", "Absences ended", "Interviews held", "Share conducted (%)",
                  "Average working days to the interview", "Share within 5 working days (%)"), rows)


def month_table(report: BoardReport) -> Table:
    """FTE-days lost month by month: the latest 12 months beside the same months a year earlier. A part month
    says so and has no change: part of a month against a whole one is no change."""
    rows = tuple((_month_label(row["month"], report.end), row["fte_days"], row["previous_fte_days"],
                  None if row["month"] == report.part_month else change_percent(row["fte_days"],
                                                                                row["previous_fte_days"]))
                 for row in report.months)
    return Table("months", "FTE-days lost month by month",
                 ("Month", "FTE-days lost", "Same month a year earlier", "Change (%)"), rows)


def _month_label(month: dt.date, end: dt.date) -> str:
    """"June 2026"; the period's last month, when the period ends inside it: "November 2026 (part month, to 23
    November)"."""
    cut = month_index(month) == month_index(end) and end != month_bounds(month_index(end))[1]
    return f"{month:%B %Y}" + (f" (part month, to {end:%-d %B})" if cut else "")


def part_month_words(report: BoardReport) -> str:
    """What the month-by-month chart says of a part month it leaves out of its line ("" when there is none)."""
    if report.part_month is None:
        return ""
    return (f"{report.part_month:%B %Y} is counted only to {report.end:%-d %B} (a part month), so it is left out of "
            "the line; its figure so far is in the table.")


SHEETS = {"split": "Long and short term", "absence": "By division and directorate",
          "comparison": "Against a year earlier", "months": "Month by month", "forecast": "Full-year forecast",
          "reasons": "By reason", "rtw": "Return-to-work interviews"}   # readable worksheet names (31 at most)


def period_words(report: BoardReport) -> str:
    """The period and whom it covers, as each worksheet says under its title: "Your divisions, 1 April 2026 to
    23 November 2026 (November 2026 a part month, to 23 November)"."""
    part = f" ({report.part_month:%B %Y} a part month, to {report.end:%-d %B})" if report.part_month else ""
    return f"{report.title}, {report.start:%-d %B %Y} to {report.end:%-d %B %Y}{part}"


def forecast_table(report: BoardReport) -> Table:
    """The full years the forecast follows, the year so far and the forecast for the whole year."""
    found = report.forecast
    rows = [(year.label, "full year", year.fte_days, year.average_fte, ratio(year.fte_days, year.average_fte, 2),
             percent(year.share_after)) for year in found.history]
    rows.append((found.year_label, f"to {report.end:%-d %B %Y}", found.to_date_fte_days, found.average_fte,
                 ratio(found.to_date_fte_days, found.average_fte, 2), None))
    rows.append((found.year_label, "forecast for the whole year", found.fte_days, found.average_fte,
                 found.days_lost_per_fte, percent(found.share_to_come)))
    return Table("forecast", "Full-year forecast",
                 ("Financial year", "Figures", "FTE-days lost", "Average FTE", "Days lost per FTE",
                  "Share of the year after this point (%)"), tuple(rows))


def tables(report: BoardReport) -> list[Table]:
    """Every table of the report, in the order the page shows them, each with its readable worksheet name and
    the period as its note."""
    note = period_words(report)
    return [dataclasses.replace(table, sheet=SHEETS[table.key], note=note) for table in (
        split_table(report), scope_table(report), comparison_table(report), month_table(report),
        forecast_table(report), reason_table(report), rtw_table(report))]


def charts(report: BoardReport) -> dict:
    """The report's charts: days lost per FTE by directorate, the months against a year earlier (a part month
    left out of the line, and its description saying so), the forecast."""
    found = report.forecast
    years = [(year.label, ratio(year.fte_days, year.average_fte, 2)) for year in found.history]
    years += [(f"{found.year_label} to date", ratio(found.to_date_fte_days, found.average_fte, 2)),
              (f"{found.year_label} forecast", found.days_lost_per_fte)]
    directorates = report.now.directorates
    return {
        "directorates": bar_chart("directorates-chart", "Days lost per FTE by directorate", list(directorates),
                                  [found.days_lost_per_fte for found in directorates.values()], "Days lost per FTE"),
        "months": month_comparison_chart(
            "months-chart", "FTE-days lost each month: the latest 12 months against the 12 before",
            [row["month"] for row in report.months],
            [None if row["month"] == report.part_month else row["fte_days"] for row in report.months],
            [row["previous_fte_days"] for row in report.months], note=part_month_words(report)),
        "forecast": bar_chart("forecast-chart", "Days lost per FTE by financial year, with this year's forecast",
                              [label for label, _ in years], [value for _, value in years], "Days lost per FTE",
                              highlight=[len(years) - 1]),
    }
