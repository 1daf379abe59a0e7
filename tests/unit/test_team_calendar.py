"""The team month: which days show as off sick, resting or bank holidays."""
from __future__ import annotations

import datetime as dt

from casework.absences import Period
from casework.calendar import WorkingPattern
from casework.team_calendar import shift_month, team_month

D = dt.date


def test_a_month_row_marks_off_days_working_days_and_holidays():
    # April 2026: Good Friday 3rd, Easter Monday 6th (England); off Thu 2 – Tue 7
    [row] = team_month(2026, 4, [("nia", WorkingPattern())], {"nia": [Period(1, D(2026, 4, 2), D(2026, 4, 7))]},
                       today=D(2026, 4, 30))
    by_day = {cell.day.day: cell for cell in row.days}
    assert len(row.days) == 30
    assert [d for d, c in by_day.items() if c.off] == [2, 3, 4, 5, 6, 7]
    assert by_day[3].bank_holiday and not by_day[3].working and by_day[3].css == "cb-day--off-rest"
    assert by_day[2].css == "cb-day--off" and by_day[4].css == "cb-day--off-rest"
    assert (by_day[10].css, by_day[11].css) == ("", "cb-day--rest")   # Fri 10 a working day, Sat 11 not
    assert row.off_days == 2   # Thu 2 and Tue 7: the others are a bank holiday, a weekend or Easter Monday
    assert row.spells == [(D(2026, 4, 2), D(2026, 4, 7))]


def test_ongoing_absence_shows_up_to_today_only():
    [row] = team_month(2026, 11, [("nia", WorkingPattern())], {"nia": [Period(1, D(2026, 11, 16), None)]},
                       today=D(2026, 11, 23))
    assert [cell.day.day for cell in row.days if cell.off] == [16, 17, 18, 19, 20, 21, 22, 23]
    assert row.off_days == 6


def test_absences_outside_the_month_are_left_out_and_part_timers_rest():
    [row] = team_month(2026, 11, [("pat", WorkingPattern(days=("Tue", "Wed"), fte=0.4))],
                       {"pat": [Period(1, D(2026, 10, 1), D(2026, 10, 2)), Period(2, D(2026, 10, 30), D(2026, 11, 3))]},
                       today=D(2026, 11, 23))
    assert row.spells == [(D(2026, 10, 30), D(2026, 11, 3))]
    assert [cell.day.day for cell in row.days if cell.off] == [1, 2, 3]
    assert row.off_days == 1   # Tue 3 only; Sun 1 and Mon 2 are rest days for a Tue/Wed worker
    assert row.days[0].css == "cb-day--off-rest"


def test_shift_month_crosses_years():
    assert shift_month(2026, 12, 1) == (2027, 1)
    assert shift_month(2026, 1, -1) == (2025, 12)
    assert shift_month(2026, 6, -18) == (2024, 12)


def test_a_weekend_worker_works_the_substitute_days_of_the_holidays_they_had_off():
    # Saturday to Wednesday, December 2027: Christmas Day Sat 25 and Boxing Day Sun 26 are their holidays; the
    # substitute Mon 27 and Tue 28 are ordinary working days for them, as Thu 30 and Fri 31 are rest days.
    sat_to_wed = WorkingPattern(days=("Sat", "Sun", "Mon", "Tue", "Wed"))
    [row] = team_month(2027, 12, [("sam", sat_to_wed)], {}, today=D(2027, 12, 1))
    by_day = {cell.day.day: cell.css for cell in row.days}
    assert [by_day[day] for day in (25, 26, 27, 28, 29, 30)] == [
        "cb-day--holiday", "cb-day--holiday", "", "", "", "cb-day--rest"]


def test_a_weekday_worker_has_the_substitute_days_off():
    [row] = team_month(2027, 12, [("nia", WorkingPattern())], {}, today=D(2027, 12, 1))
    by_day = {cell.day.day: cell.css for cell in row.days}
    # Mon–Fri: Sat 25, Sun 26 are rest days anyway; the substitutes Mon 27, Tue 28 are their holidays.
    assert [by_day[day] for day in (25, 26, 27, 28, 29)] == [
        "cb-day--holiday", "cb-day--holiday", "cb-day--holiday", "cb-day--holiday", ""]
