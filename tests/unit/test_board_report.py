"""The board report's figures on the fixed small organisation of tests/board_dataset.py (every figure worked
by hand there and below)."""
import datetime as dt

import pytest

from casework.board_report import AbsenceRow, board_figures, financial_year_to_date
from casework.board_trends import month_series, monthly_fte_days
from casework.policy import load_preset
from tests.board_dataset import ABSENCES, END, EXPECTED, FTE_AT_END, PEOPLE, START

D = dt.date
COUNCIL = load_preset("council-2019").lts   # long-term: over 28 calendar days


@pytest.fixture(scope="module")
def figures():
    return board_figures(PEOPLE, ABSENCES, START, END, today=D(2026, 11, 23), long_term=COUNCIL)


@pytest.mark.parametrize("scope", EXPECTED, ids=lambda scope: scope[1])
def test_scope_figures(figures, scope):
    kind, name = scope
    found = {"organisation": lambda: figures.organisation, "division": lambda: figures.divisions[name],
             "directorate": lambda: figures.directorates[name]}[kind]()
    got = (found.headcount, found.average_fte, found.working_days_lost, found.fte_days_lost,
           found.days_lost_per_fte, found.long_term_fte_days, found.long_term_share, found.long_term_absences,
           found.long_term_open, found.rtw_due, found.rtw_held, found.rtw_share_held, found.rtw_average_days,
           found.rtw_share_within_5)
    assert got == EXPECTED[scope]
    assert found.fte_at_end == FTE_AT_END[scope]


def test_every_division_and_directorate_is_reported(figures):
    assert sorted(figures.divisions) == ["People", "Place"]
    assert sorted(figures.directorates) == ["Highways", "Schools", "Waste"]


def test_fte_days_by_reason_and_directorate(figures):
    # Of 34.8: Highways mental health 6 (17.24%), Highways infections 1.8 (5.17%), Waste back/neck 3 (8.62%),
    # Schools mental health 22 (63.22%), Schools infections 2 (5.75%).
    assert figures.by_reason == {("Highways", "infections"): 1.8, ("Highways", "mental_health"): 6.0,
                                 ("Schools", "infections"): 2.0, ("Schools", "mental_health"): 22.0,
                                 ("Waste", "back_neck"): 3.0}
    assert figures.by_reason_percent == {("Highways", "infections"): 5.2, ("Highways", "mental_health"): 17.2,
                                         ("Schools", "infections"): 5.7, ("Schools", "mental_health"): 63.2,
                                         ("Waste", "back_neck"): 8.6}


def test_an_ongoing_absence_counts_up_to_today_when_today_is_inside_the_period():
    # Today Fri 12 June: D's absence counts 1–12 June = 10 working days, 12 calendar days: not yet long-term (≤ 28).
    # Organisation: 36 − 22 + 10 = 24 working days; FTE-days 34.8 − 22 + 10 = 22.8; long-term only A's 6.
    found = board_figures(PEOPLE, ABSENCES, START, END, today=D(2026, 6, 12), long_term=COUNCIL).organisation
    assert (found.working_days_lost, found.fte_days_lost, found.long_term_fte_days, found.long_term_absences,
            found.long_term_open) == (24, 22.8, 6.0, 1, 0)


def test_an_absence_running_past_the_period_end_is_still_open_at_the_end():
    # Period 1–15 June, D off from 1 June to 10 July (closed later): 1–15 June = 11 working days in the period;
    # its whole length 1 June – 10 July = 30 + 10 = 40 calendar days > 28 → long-term, open on 15 June.
    rows = [AbsenceRow("D", D(2026, 6, 1), D(2026, 7, 10), "mental_health")]
    found = board_figures(PEOPLE, rows, D(2026, 6, 1), D(2026, 6, 15), today=D(2026, 11, 23),
                          long_term=COUNCIL).organisation
    assert (found.working_days_lost, found.long_term_absences, found.long_term_open, found.rtw_due) == (11, 1, 1, 0)


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        board_figures(PEOPLE, ABSENCES, END, START, today=END, long_term=COUNCIL)


@pytest.mark.parametrize("today, expected", [
    (D(2026, 11, 23), (D(2026, 4, 1), D(2026, 11, 23))),
    (D(2027, 2, 10), (D(2026, 4, 1), D(2027, 2, 10))),
    (D(2026, 4, 1), (D(2026, 4, 1), D(2026, 4, 1))),
    (D(2026, 3, 31), (D(2025, 4, 1), D(2026, 3, 31))),
])
def test_financial_year_to_date(today, expected):
    assert financial_year_to_date(today) == expected


def test_monthly_series_latest_twelve_months_against_the_previous_twelve():
    # March 2026: A 22 + B 1.2 = 23.2; April: A 6 + E 2 = 8.0; May: B 1.8 + C 3.0 = 4.8; June: D 22.
    # July 2025 – February 2026 nothing; the previous twelve months (July 2024 – June 2025) nothing.
    totals = monthly_fte_days(PEOPLE, ABSENCES, D(2024, 7, 1), D(2026, 6, 30), until=D(2026, 6, 30))
    series = month_series(totals, D(2026, 6, 1))
    assert [row["month"] for row in series][:2] == [D(2025, 7, 1), D(2025, 8, 1)]
    assert len(series) == 12 and series[-1]["month"] == D(2026, 6, 1)
    assert [row["fte_days"] for row in series] == [0.0] * 8 + [23.2, 8.0, 4.8, 22.0]
    # The previous twelve: only A's 7–11 April 2025 (5 FTE-days), beside April 2026.
    assert [row["previous_fte_days"] for row in series] == [0.0] * 9 + [5.0, 0.0, 0.0]


def test_monthly_series_previous_year_lines_up_by_month():
    # End month June 2027: March 2026 (23.2) is the previous year's March, beside March 2027 (nothing).
    totals = monthly_fte_days(PEOPLE, ABSENCES, D(2025, 7, 1), D(2027, 6, 30), until=D(2026, 6, 30))
    series = month_series(totals, D(2027, 6, 30))
    by_month = {row["month"]: row for row in series}
    assert by_month[D(2027, 3, 1)]["previous_fte_days"] == 23.2
    assert by_month[D(2027, 3, 1)]["fte_days"] == 0.0
    # July 2026 is A's 6–7 July absence: 2 FTE-days; June 2026 (D ongoing to 30 June) stays in the previous year.
    assert by_month[D(2026, 7, 1)]["fte_days"] == 2.0
    assert by_month[D(2027, 6, 1)]["previous_fte_days"] == 22.0


# Issue 16.5: one definition of long-term, the active policy's, in the board report as in the triggers.
# C works Mon–Wed (FTE 0.6); A works Mon–Fri (FTE 1.0). Period 1 June – 31 July 2026, today 23 November 2026.
@pytest.mark.parametrize("preset, row, long_term", [
    # C off Mon 1 June – Fri 3 July: 33 calendar days > 28 → long-term, though only 5 weeks × 3 = 15 working days
    # (it was short-term under the old 20-working-day rule)
    ("council-2019", AbsenceRow("C", D(2026, 6, 1), D(2026, 7, 3), "infections"), 1),
    # A off Mon 1 – Fri 26 June: 20 working days but 26 calendar days ≤ 28 → short-term (long-term before)
    ("council-2019", AbsenceRow("A", D(2026, 6, 1), D(2026, 6, 26), "infections"), 0),
    # A off Mon 1 – Mon 29 June: 29 calendar days > 28 → long-term
    ("council-2019", AbsenceRow("A", D(2026, 6, 1), D(2026, 6, 29), "infections"), 1),
    # bradford: mental health is long-term after 14 calendar days: Mon 1 – Mon 15 June = 15 > 14 → long-term
    ("bradford", AbsenceRow("A", D(2026, 6, 1), D(2026, 6, 15), "mental_health"), 1),
    # bradford: the same 15 days for infections ≤ 28 → short-term
    ("bradford", AbsenceRow("A", D(2026, 6, 1), D(2026, 6, 15), "infections"), 0),
])
def test_long_term_is_the_policys_definition(preset, row, long_term):
    found = board_figures(PEOPLE, [row], D(2026, 6, 1), D(2026, 7, 31), today=D(2026, 11, 23),
                          long_term=load_preset(preset).lts).organisation
    assert found.long_term_absences == long_term
    assert found.long_term_fte_days == (found.fte_days_lost if long_term else 0)


def test_the_definition_in_words():
    assert COUNCIL.definition == "an absence of over 28 calendar days"
    assert load_preset("bradford").lts.definition == ("an absence of over 28 calendar days (over 14 for stress, "
                                                      "depression, mental health, fatigue)")
