"""The whole board report and its tables on the fixed organisation of tests/board_dataset.py, worked by hand
there: the year-earlier comparison, the forecast, the long/short split, reasons and RTW, month by month."""
import datetime as dt

import pytest

from casework.board_report import AbsenceRow, Person
from casework.board_tables import build, change_percent, charts, part_month_words, tables
from casework.board_trends import forecast, monthly_fte_days
from casework.policy import load_preset
from tests.board_dataset import ABSENCES, EARLIER, END, EXPECTED, FORECAST, FTE_AT_END, PEOPLE, START

D = dt.date


@pytest.fixture(scope="module")
def report():
    return build(PEOPLE, ABSENCES, START, END, today=D(2026, 11, 23), title="Example Council",
                 policy=load_preset("council-2019"))


@pytest.fixture(scope="module")
def by_key(report):
    return {table.key: table for table in tables(report)}


def test_the_tables_in_the_order_the_page_shows_them(by_key):
    assert list(by_key) == ["split", "absence", "comparison", "months", "forecast", "reasons", "rtw"]


def test_long_and_short_term_split(by_key):
    assert by_key["split"].rows == (("Long-term", 28.0, 80.5, 8.75), ("Short-term", 6.8, 19.5, 2.13),
                                    ("Total", 34.8, 100.0, 10.88))


LEVELS = {"organisation": ("Whole", "Example Council"), "division": ("Division", None),
          "directorate": ("Directorate", None)}


def _row_key(scope):
    level, name = LEVELS[scope[0]]
    return level, name or scope[1]


@pytest.mark.parametrize("scope", EXPECTED, ids=lambda scope: scope[1])
def test_absence_table_rows(by_key, scope):
    head, fte, wd, fte_days, per_fte, _, share, lt, open_, *_ = EXPECTED[scope]
    rows = {row[:2]: row[2:] for row in by_key["absence"].rows}
    assert rows[_row_key(scope)] == (head, FTE_AT_END[scope], fte, wd, fte_days, per_fte, round(share * 100, 1), lt,
                                      open_)


@pytest.mark.parametrize("scope", EARLIER, ids=lambda scope: scope[1])
def test_comparison_with_a_year_earlier(by_key, scope):
    per_fte_before, change, wd_before, share_before = EARLIER[scope]
    now = EXPECTED[scope]
    rows = {row[:2]: row[2:] for row in by_key["comparison"].rows}
    assert rows[_row_key(scope)] == (now[4], per_fte_before, change, now[2], wd_before, round(now[6] * 100, 1),
                                     share_before)


@pytest.mark.parametrize("scope", EXPECTED, ids=lambda scope: scope[1])
def test_rtw_table_rows(by_key, scope):
    *_, due, held, share, average, within = EXPECTED[scope]
    rows = {row[:2]: row[2:] for row in by_key["rtw"].rows}

    def percent(value):
        return None if value is None else round(value * 100, 1)

    assert rows[_row_key(scope)] == (due, held, percent(share), average, percent(within))


def test_reasons_by_directorate_with_totals_and_shares(by_key):
    table = by_key["reasons"]
    assert table.columns == ("Reason", "Highways", "Schools", "Waste", "Total", "Share of all (%)")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Back and neck problems"] == (None, None, 3.0, 3.0, 8.6)
    assert rows["Stress, depression, mental health, fatigue"] == (6.0, 22.0, None, 28.0, 80.5)
    assert rows["Infections (colds, flu)"] == (1.8, 2.0, None, 3.8, 10.9)
    others = [values for label, values in rows.items() if label not in (
        "Back and neck problems", "Stress, depression, mental health, fatigue", "Infections (colds, flu)")]
    assert len(others) == 9 and all(values == (None,) * 5 for values in others)


def test_month_by_month_against_a_year_earlier(by_key):
    rows = by_key["months"].rows
    assert [row[0] for row in rows][:1] + [rows[-1][0]] == ["July 2025", "June 2026"]
    assert [row[1] for row in rows] == [0.0] * 8 + [23.2, 8.0, 4.8, 22.0]
    assert [row[2] for row in rows] == [0.0] * 9 + [5.0, 0.0, 0.0]
    # Only April has a month a year earlier to compare with: (8.0 − 5.0) / 5.0 = +60%.
    assert [row[3] for row in rows] == [None] * 9 + [60.0, None, None]


def test_forecast_from_the_share_of_the_year_still_to_come(report, by_key):
    found = report.forecast
    assert (found.year_label, found.to_date_fte_days, found.average_fte, found.share_to_come, found.fte_days,
            found.days_lost_per_fte) == (FORECAST["year"], FORECAST["to_date"], FORECAST["average_fte"],
                                         FORECAST["share_to_come"], FORECAST["fte_days"], FORECAST["per_fte"])
    assert [(year.label, year.fte_days, year.average_fte, year.share_after) for year in found.history] == \
        FORECAST["history"]
    assert "2025/26" in found.basis
    assert by_key["forecast"].rows == (
        ("2025/26", "full year", 28.2, 3.2, 8.81, 82.3),
        ("2026/27", "to 30 June 2026", 34.8, 3.2, 10.88, None),
        ("2026/27", "forecast for the whole year", 196.28, 3.2, 61.34, 82.3))


@pytest.mark.parametrize("end, part, row, note", [
    # to 10 April: April is a part month (A's 6 days to 10 April, no more), labelled, with no change against the
    # whole April a year earlier (5 FTE-days), left out of the chart's line ("no data"), its description saying why
    (D(2026, 4, 10), D(2026, 4, 1), ("April 2026 (part month, to 10 April)", 6.0, 5.0, None),
     "April 2026 is counted only to 10 April (a part month), so it is left out of the line; its figure so far is in "
     "the table."),
    # to 30 April: a whole month, as any other: 8 FTE-days against 5, (8 − 5) / 5 = +60%
    (D(2026, 4, 30), None, ("April 2026", 8.0, 5.0, 60.0), ""),
])
def test_a_month_the_period_ends_inside_is_a_part_month(end, part, row, note):
    report = build(PEOPLE, ABSENCES, START, end, today=D(2026, 11, 23), title="Example Council",
                   policy=load_preset("council-2019"))
    assert (report.part_month, tables(report)[3].rows[-1]) == (part, row)
    assert part_month_words(report) == note
    chart = str(charts(report)["months"])
    assert ("April 2026 no data" in chart) == bool(part) and note in chart
    period = f"Example Council, 1 April 2026 to {end:%-d} April 2026" + (
        " (April 2026 a part month, to 10 April)" if part else "")
    assert {table.note for table in tables(report)} == {period}


def test_the_worksheets_have_readable_names(report):
    assert [table.sheet for table in tables(report)] == [
        "Long and short term", "By division and directorate", "Against a year earlier", "Month by month",
        "Full-year forecast", "By reason", "Return-to-work interviews"]


def test_with_no_earlier_year_the_forecast_follows_the_calendar():
    # One full-timer, 5 days lost in June 2026, nothing before. To 23 November 2026: 128 of 2026/27's 365 days
    # are still to come (24–30 November 7, December 31, January 31, February 28, March 31) → 0.3507;
    # 5 / (1 − 0.3507) = 5 / 0.6493 = 7.7006 → 7.7 FTE-days, and 7.7 days lost per FTE.
    people = [Person("P", "Place", "Highways", 1.0)]
    absences = [AbsenceRow("P", D(2026, 6, 8), D(2026, 6, 12), "other")]
    end = D(2026, 11, 23)
    totals = monthly_fte_days(people, absences, D(2023, 4, 1), end, end)
    found = forecast(people, totals, end)
    assert (found.to_date_fte_days, found.share_to_come, found.fte_days, found.days_lost_per_fte,
            found.history) == (5.0, 0.3507, 7.7, 7.7, ())
    assert "calendar" in found.basis


def test_the_month_holding_the_point_is_split_by_calendar_days():
    # 2025/26: 5 days in April 2025 (the records begin) and all of November 2025 (3–28 November, 20 working days;
    # 1–2 and 29–30 are a weekend). To 23 November 2026, the point a year earlier is 23 November 2025: after it,
    # 7 of November's 30 days → 20 × 7/30 = 4.6667 of 25 in all → share 0.1867. This year: 5 days in June 2026.
    # 5 / (1 − 0.1867) = 5 / 0.8133 = 6.1478 → 6.15.
    people = [Person("P", "Place", "Highways", 1.0)]
    absences = [AbsenceRow("P", D(2025, 4, 7), D(2025, 4, 11), "other"),
                AbsenceRow("P", D(2025, 11, 3), D(2025, 11, 28), "other"),
                AbsenceRow("P", D(2026, 6, 8), D(2026, 6, 12), "other")]
    end = D(2026, 11, 23)
    found = forecast(people, monthly_fte_days(people, absences, D(2023, 4, 1), end, end), end)
    assert [(year.label, year.fte_days, year.share_after) for year in found.history] == [("2025/26", 25.0, 0.1867)]
    assert (found.share_to_come, found.fte_days) == (0.1867, 6.15)


def test_years_before_the_records_begin_are_left_out():
    # The records begin in May 2025, after 2025/26 began: that year is incomplete, so the calendar is used.
    people = [Person("P", "Place", "Highways", 1.0)]
    absences = [AbsenceRow("P", D(2025, 5, 12), D(2025, 5, 16), "other"),
                AbsenceRow("P", D(2026, 6, 8), D(2026, 6, 12), "other")]
    end = D(2026, 11, 23)
    found = forecast(people, monthly_fte_days(people, absences, D(2023, 4, 1), end, end), end)
    assert (found.history, found.share_to_come, found.fte_days) == ((), 0.3507, 7.7)


@pytest.mark.parametrize("now, before, expected", [
    (10.88, 1.56, 597.4), (4.8, 5.0, -4.0), (5.0, 5.0, 0.0), (3.0, 0.0, None), (None, 2.0, None), (1.0, None, None),
])
def test_change_percent(now, before, expected):
    assert change_percent(now, before) == expected


def test_the_charts_state_their_figures(report):
    drawn = charts(report)
    assert set(drawn) == {"directorates", "months", "forecast"}
    assert "61.34" in drawn["forecast"] and "23.2" in drawn["months"] and "Highways" in drawn["directorates"]
