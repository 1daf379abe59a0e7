"""The board report's figures on a fixed small organisation, every figure worked by hand below.

England bank holidays in the period: Good Friday 3 April, Easter Monday 6 April, 4 May, 25 May 2026.
Period: 1 April – 30 June 2026 = 30 + 31 + 30 = 91 calendar days.

People (all ENG):
  A  Place / Highways  FTE 1.0  Mon–Fri      in post throughout        91 days
  B  Place / Highways  FTE 0.6  Mon–Fri      in post throughout        91 days
  C  Place / Waste     FTE 0.6  Mon–Wed      in post throughout        91 days
  D  People / Schools  FTE 1.0  Mon–Fri      started 1 May 2026        61 days
  E  People / Schools  FTE 1.0  Mon–Fri      left 30 April 2026        30 days (not in post at the end)

Absences:
  1 A  2 Mar – 10 Apr  mental_health  long-term crossing the period start. March: 22 working days
       (2–31 March), April: 1, 2, 7, 8, 9, 10 = 6 (3 and 6 April are bank holidays inside the absence);
       28 in all ≥ 20 → long-term. In the period 6 days = 6 FTE-days. RTW Mon 13 April = day 1.
  2 B  Mon 11 – Wed 13 May  infections  3 days × 0.6 × 5/5 = 1.8 FTE-days (the part-timer).
       RTW Thu 21 May: day 1 Thu 14, 2 Fri 15, 3 Mon 18, 4 Tue 19, 5 Wed 20, 6 Thu 21 → day 6.
  3 C  Wed 20 – Wed 27 May  back_neck  C works Mon–Wed: 20, (25 bank holiday), 26, 27 = 3 days;
       3 × 0.6 × 5/3 = 3.0 FTE-days. No RTW recorded.
  4 D  from Mon 1 June, ongoing, mental_health  to 30 June: 22 working days = 22 FTE-days; long-term, open.
  5 E  Mon 20 – Tue 21 April  infections  2 days = 2 FTE-days. RTW Wed 22 April = day 1.
  6 B  Tue 10 – Wed 11 March  infections  before the period: 2 × 0.6 = 1.2 FTE-days (only in the series).
  7 A  Mon 6 – Tue 7 July  other  after the period: not counted.
"""
import datetime as dt

import pytest

from casework.board_report import (AbsenceRow, Person, board_figures, financial_year_to_date,
                                   monthly_series)

D = dt.date
START, END = D(2026, 4, 1), D(2026, 6, 30)

PEOPLE = [
    Person("A", "Place", "Highways", 1.0),
    Person("B", "Place", "Highways", 0.6),
    Person("C", "Place", "Waste", 0.6, ("Mon", "Tue", "Wed")),
    Person("D", "People", "Schools", 1.0, start_date=D(2026, 5, 1)),
    Person("E", "People", "Schools", 1.0, start_date=D(2020, 1, 6), end_date=D(2026, 4, 30)),
]
ABSENCES = [
    AbsenceRow("A", D(2026, 3, 2), D(2026, 4, 10), "mental_health", D(2026, 4, 13)),
    AbsenceRow("B", D(2026, 5, 11), D(2026, 5, 13), "infections", D(2026, 5, 21)),
    AbsenceRow("C", D(2026, 5, 20), D(2026, 5, 27), "back_neck"),
    AbsenceRow("D", D(2026, 6, 1), None, "mental_health"),
    AbsenceRow("E", D(2026, 4, 20), D(2026, 4, 21), "infections", D(2026, 4, 22)),
    AbsenceRow("B", D(2026, 3, 10), D(2026, 3, 11), "infections", D(2026, 3, 12)),
    AbsenceRow("A", D(2026, 7, 6), D(2026, 7, 7), "other"),
]


@pytest.fixture(scope="module")
def figures():
    return board_figures(PEOPLE, ABSENCES, START, END, today=D(2026, 11, 23))


# headcount: in post on 30 June. average FTE: Σ FTE × days in post ÷ 91.
#   Organisation: (91 + 54.6 + 54.6 + 61 + 30) / 91 = 291.2 / 91 = 3.2; Place 200.2 / 91 = 2.2;
#   People 91 / 91 = 1.0; Highways 145.6 / 91 = 1.6; Waste 54.6 / 91 = 0.6.
# working days: Org 6+3+3+22+2 = 36; Place 12; People 24; Highways 9; Waste 3.
# FTE-days: Org 6+1.8+3+22+2 = 34.8; Place 10.8; People 24; Highways 7.8; Waste 3.0.
# per FTE: Org 34.8/3.2 = 10.875 → 10.88; Place 10.8/2.2 = 4.909 → 4.91; People 24.0;
#   Highways 7.8/1.6 = 4.875 → 4.88; Waste 3.0/0.6 = 5.0.
# long-term FTE-days: Org 6+22 = 28, share 28/34.8 = 0.8046; Place 6, 6/10.8 = 0.5556;
#   People 22, 22/24 = 0.9167; Highways 6, 6/7.8 = 0.7692; Waste 0, 0.
# long-term absences (open): Org 2 (1); Place 1 (0); People 1 (1); Highways 1 (0); Waste 0 (0).
# RTW (absences ended in the period: 1, 2, 3, 5): Org due 4, held 3 (days 1, 6, 1) → 0.75, average 8/3 = 2.67,
#   within 5: 2/3 = 0.6667. Place: due 3 (1, 2, 3), held 2 (1, 6) → 0.6667, 3.5, 0.5.
#   People: due 1, held 1 (day 1) → 1, 1, 1.
#   Highways: due 2, held 2 (1, 6) → 1.0, 3.5, 0.5. Waste: due 1, held 0 → 0.0, none, none.
EXPECTED = {
    #  scope                   head  avgFTE  wd   fte   perFTE  lt    share   lt# open due held share  avg   within5
    ("organisation", "Organisation"): (4, 3.2, 36, 34.8, 10.88, 28.0, 0.8046, 2, 1, 4, 3, 0.75, 2.67, 0.6667),
    ("division", "Place"):           (3, 2.2, 12, 10.8, 4.91, 6.0, 0.5556, 1, 0, 3, 2, 0.6667, 3.5, 0.5),
    ("division", "People"):          (1, 1.0, 24, 24.0, 24.0, 22.0, 0.9167, 1, 1, 1, 1, 1.0, 1.0, 1.0),
    ("directorate", "Highways"):     (2, 1.6, 9, 7.8, 4.88, 6.0, 0.7692, 1, 0, 2, 2, 1.0, 3.5, 0.5),
    ("directorate", "Waste"):        (1, 0.6, 3, 3.0, 5.0, 0.0, 0.0, 0, 0, 1, 0, 0.0, None, None),
    ("directorate", "Schools"):      (1, 1.0, 24, 24.0, 24.0, 22.0, 0.9167, 1, 1, 1, 1, 1.0, 1.0, 1.0),
}


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
    # Today Fri 12 June: D's absence counts 1–12 June = 10 working days, not yet long-term (< 20).
    # Organisation: 36 − 22 + 10 = 24 working days; FTE-days 34.8 − 22 + 10 = 22.8; long-term only A's 6.
    found = board_figures(PEOPLE, ABSENCES, START, END, today=D(2026, 6, 12)).organisation
    assert (found.working_days_lost, found.fte_days_lost, found.long_term_fte_days, found.long_term_absences,
            found.long_term_open) == (24, 22.8, 6.0, 1, 0)


def test_an_absence_running_past_the_period_end_is_still_open_at_the_end():
    # Period 1–15 June, D off from 1 June to 10 July (closed later): 1–15 June = 11 working days in the period;
    # its whole length 1 June – 10 July = 22 + 8 = 30 working days → long-term, open on 15 June.
    rows = [AbsenceRow("D", D(2026, 6, 1), D(2026, 7, 10), "mental_health")]
    found = board_figures(PEOPLE, rows, D(2026, 6, 1), D(2026, 6, 15), today=D(2026, 11, 23)).organisation
    assert (found.working_days_lost, found.long_term_absences, found.long_term_open, found.rtw_due) == (11, 1, 1, 0)


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        board_figures(PEOPLE, ABSENCES, END, START, today=END)


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
    series = monthly_series(PEOPLE, ABSENCES, D(2026, 6, 1), today=D(2026, 6, 30))
    assert [row["month"] for row in series][:2] == [D(2025, 7, 1), D(2025, 8, 1)]
    assert len(series) == 12 and series[-1]["month"] == D(2026, 6, 1)
    assert [row["fte_days"] for row in series] == [0.0] * 8 + [23.2, 8.0, 4.8, 22.0]
    assert [row["previous_fte_days"] for row in series] == [0.0] * 12


def test_monthly_series_previous_year_lines_up_by_month():
    # End month June 2027: March 2026 (23.2) is the previous year's March, beside March 2027 (nothing).
    series = monthly_series(PEOPLE, ABSENCES, D(2027, 6, 30), today=D(2026, 6, 30))
    by_month = {row["month"]: row for row in series}
    assert by_month[D(2027, 3, 1)]["previous_fte_days"] == 23.2
    assert by_month[D(2027, 3, 1)]["fte_days"] == 0.0
    # July 2026 is A's 6–7 July absence: 2 FTE-days; June 2026 (D ongoing to 30 June) stays in the previous year.
    assert by_month[D(2026, 7, 1)]["fte_days"] == 2.0
    assert by_month[D(2027, 6, 1)]["previous_fte_days"] == 22.0
