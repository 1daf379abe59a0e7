"""Working days, bank holidays by region, absence days in a window, FTE-days, rolling windows.

Expected figures are counted by hand from a wall calendar and the bank holidays that
holidays 0.109 lists; the reasoning is beside each row.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from casework.calendar import (
    WorkingPattern,
    add_months,
    calendar_days,
    fte_days,
    is_bank_holiday,
    is_working_day,
    nth_working_day_after,
    rolling_window,
    working_days,
    working_days_in_window,
)

D = dt.date
FULL_TIME = ("Mon", "Tue", "Wed", "Thu", "Fri")
MIDWEEK = ("Tue", "Wed", "Thu")
MON_FRI = ("Mon", "Fri")
WEEKEND = ("Sat", "Sun")
FRI_TO_SUN = ("Fri", "Sat", "Sun")
EVERY_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SAT_TO_WED = ("Sat", "Sun", "Mon", "Tue", "Wed")
SUN_TO_THU = ("Sun", "Mon", "Tue", "Wed", "Thu")


def pattern(days=FULL_TIME, region="ENG", fte=1.0):
    return WorkingPattern(days, region, fte)


@pytest.mark.parametrize("days, region, first, last, expected", [
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
    (FULL_TIME, "ENG", D(2026, 3, 30), D(2026, 4, 10), 8),   # Mon 30 Mar–Fri 10 Apr: 10 weekdays − 3 Apr − 6 Apr
    (FULL_TIME, "WLS", D(2026, 3, 30), D(2026, 4, 10), 8),   # Wales = England
    (FULL_TIME, "NIR", D(2026, 3, 30), D(2026, 4, 10), 8),   # NI has Easter Monday too
    (FULL_TIME, "SCT", D(2026, 3, 30), D(2026, 4, 10), 9),   # Scotland: Good Friday only, 10 − 1
    # Year end 2026/27: Christmas Fri 25 Dec, Boxing Day Sat 26 → Mon 28, New Year Fri 1 Jan.
    (FULL_TIME, "ENG", D(2026, 12, 21), D(2027, 1, 8), 12),  # 5 + 4 + 1 + 5 = 15 weekdays − 25, 28 Dec, 1 Jan
    (FULL_TIME, "NIR", D(2026, 12, 21), D(2027, 1, 8), 12),  # as England
    (FULL_TIME, "SCT", D(2026, 12, 21), D(2027, 1, 8), 11),  # also 2 Jan (Sat) → Mon 4 Jan: 15 − 4
    # Scotland's 2 January: Fri 2 Jan 2026.
    (FULL_TIME, "SCT", D(2026, 1, 1), D(2026, 1, 9), 5),     # Thu 1–Fri 9 Jan: 7 weekdays − 1 Jan − 2 Jan
    (FULL_TIME, "ENG", D(2026, 1, 1), D(2026, 1, 9), 6),     # England works 2 Jan: 7 − 1 Jan
    # St Andrew's Day, 30 November.
    (FULL_TIME, "SCT", D(2026, 11, 30), D(2026, 12, 4), 4),  # Mon 30 Nov 2026 itself: 5 − 1
    (FULL_TIME, "ENG", D(2026, 11, 30), D(2026, 12, 4), 5),  # not an English holiday
    (FULL_TIME, "SCT", D(2025, 12, 1), D(2025, 12, 5), 4),   # Sun 30 Nov 2025 → Mon 1 Dec: 5 − 1
    (FULL_TIME, "SCT", D(2024, 12, 2), D(2024, 12, 6), 4),   # Sat 30 Nov 2024 → Mon 2 Dec: 5 − 1
    # St Patrick's Day, 17 March, and the Battle of the Boyne, 12 July (Northern Ireland).
    (FULL_TIME, "NIR", D(2026, 3, 16), D(2026, 3, 20), 4),   # Tue 17 Mar 2026: 5 − 1
    (FULL_TIME, "ENG", D(2026, 3, 16), D(2026, 3, 20), 5),   # not an English holiday
    (FULL_TIME, "NIR", D(2024, 3, 18), D(2024, 3, 22), 4),   # Sun 17 Mar 2024 → Mon 18 Mar: 5 − 1
    (FULL_TIME, "NIR", D(2024, 7, 8), D(2024, 7, 12), 4),    # Fri 12 Jul 2024 itself: 5 − 1
    (FULL_TIME, "NIR", D(2025, 7, 14), D(2025, 7, 18), 4),   # Sat 12 Jul 2025 → Mon 14 Jul: 5 − 1
    (FULL_TIME, "NIR", D(2026, 7, 13), D(2026, 7, 17), 4),   # Sun 12 Jul 2026 → Mon 13 Jul: 5 − 1
    (FULL_TIME, "ENG", D(2026, 7, 13), D(2026, 7, 17), 5),   # not an English holiday
    # Summer and May holidays.
    (FULL_TIME, "ENG", D(2026, 8, 24), D(2026, 9, 4), 9),    # Mon 24 Aug–Fri 4 Sep: 10 − late August Mon 31 Aug
    (FULL_TIME, "SCT", D(2026, 8, 24), D(2026, 9, 4), 10),   # Scotland's summer holiday is Mon 3 Aug instead
    (FULL_TIME, "SCT", D(2026, 8, 3), D(2026, 8, 7), 4),     # Mon 3 Aug 2026: 5 − 1
    (FULL_TIME, "ENG", D(2026, 5, 1), D(2026, 5, 29), 19),   # Fri 1–Fri 29 May: 1 + 4 × 5 − Mon 4 − Mon 25
    # Part-time patterns.
    (MIDWEEK, "ENG", D(2026, 3, 30), D(2026, 4, 10), 6),     # Tue–Thu 31 Mar, 1, 2, 7, 8, 9 Apr; Easter on Fri/Mon
    (MIDWEEK, "ENG", D(2026, 12, 21), D(2027, 1, 8), 9),     # 22–24, 29–31 Dec, 5–7 Jan; holidays all Fri/Mon
    (MIDWEEK, "ENG", D(2024, 12, 23), D(2024, 12, 27), 1),   # Tue 24, Wed 25, Thu 26 Dec 2024 − 25 − 26
    (MON_FRI, "ENG", D(2026, 3, 30), D(2026, 4, 10), 2),     # Mon 30, Fri 3, Mon 6, Fri 10 − Good Fri − Easter Mon
    (MON_FRI, "ENG", D(2026, 8, 24), D(2026, 9, 6), 3),      # Mon 24, Fri 28, Mon 31 Aug, Fri 4 Sep − 31 Aug
    # Weekend workers: a bank holiday is off on its own date for someone who works that day, and its substitute
    # weekday only for someone who does not: each bank holiday is lost once.
    (WEEKEND, "ENG", D(2026, 12, 21), D(2027, 1, 3), 3),     # Sat 26, Sun 27, Sat 2, Sun 3 − Boxing Day Sat 26
    (WEEKEND, "SCT", D(2026, 12, 21), D(2027, 1, 3), 2),     # as England − Sat 2 Jan (Scotland's 2 January)
    (WEEKEND, "ENG", D(2027, 12, 25), D(2027, 12, 26), 0),   # Christmas Sat 25 and Boxing Day Sun 26 Dec 2027
    (EVERY_DAY, "ENG", D(2027, 12, 25), D(2027, 12, 31), 5),  # 7 − Sat 25 − Sun 26; works Mon 27 and Tue 28
    (SAT_TO_WED, "ENG", D(2027, 12, 25), D(2027, 12, 31), 3),  # Sat 25 … Wed 29 = 5 − Sat 25 − Sun 26
    (SAT_TO_WED, "ENG", D(2027, 12, 27), D(2027, 12, 28), 2),  # the substitutes Mon 27, Tue 28: worked
    (FULL_TIME, "ENG", D(2027, 12, 27), D(2027, 12, 31), 3),   # Mon–Fri: 5 − substitutes Mon 27 − Tue 28
    (MIDWEEK, "ENG", D(2027, 12, 27), D(2027, 12, 31), 2),     # Tue 28, Wed 29, Thu 30 − Tue 28 (Boxing Day's)
    # 1 Jan 2028 a Saturday, substitute Mon 3 Jan: Sat–Wed loses Sat 1 (1, 2, 3, 4, 5 Jan = 5 − 1); Mon–Fri the 3rd.
    (SAT_TO_WED, "ENG", D(2028, 1, 1), D(2028, 1, 7), 4),
    (FULL_TIME, "ENG", D(2028, 1, 1), D(2028, 1, 7), 4),      # Mon 3 – Fri 7 = 5 − Mon 3
    # Scotland 2023: New Year's Day Sun 1 → Mon 2; 2 January (Mon 2) → Tue 3. Sun–Thu loses Sun 1 (own date)
    # and Mon 2 (the 2 January holiday's own date) and works Tue 3: Sun 1 … Thu 5 = 5 − 2. Mon–Fri: Mon 2, Tue 3.
    (SUN_TO_THU, "SCT", D(2023, 1, 1), D(2023, 1, 5), 3),
    (FULL_TIME, "SCT", D(2023, 1, 2), D(2023, 1, 6), 3),      # 5 − Mon 2 − Tue 3
    # Christmas Sun 25 Dec 2022, Boxing Day Mon 26, substitute Tue 27: Sun–Thu loses 25 and 26, works Tue 27.
    (SUN_TO_THU, "ENG", D(2022, 12, 25), D(2022, 12, 29), 3),  # Sun 25 … Thu 29 = 5 − 2
    (FULL_TIME, "ENG", D(2022, 12, 26), D(2022, 12, 30), 3),  # 5 − Mon 26 − Tue 27
    # Each bank holiday once a year, whatever the week. England 2027: 1 Jan, 26 and 29 Mar, 3 and 31 May, 30 Aug,
    # 25 and 26 Dec (a Saturday and a Sunday, substitutes Mon 27 and Tue 28).
    (EVERY_DAY, "ENG", D(2027, 1, 1), D(2027, 12, 31), 357),   # 365 − 8, all on their own dates
    (FULL_TIME, "ENG", D(2027, 1, 1), D(2027, 12, 31), 253),   # 52 weeks × 5 + Fri 31 Dec = 261 − 8 (27, 28 Dec)
    # Sat–Wed: 52 × 5 + 0 (Fri 31 Dec) = 260 − 6: not Fri 1 Jan or Good Friday 26 Mar, their rest days.
    (SAT_TO_WED, "ENG", D(2027, 1, 1), D(2027, 12, 31), 254),
    (FRI_TO_SUN, "ENG", D(2026, 12, 25), D(2027, 1, 3), 3),  # Fri 25, Sat 26, Sun 27, Fri 1, Sat 2, Sun 3 − 25, 26, 1
    (WEEKEND, "ENG", D(2026, 4, 3), D(2026, 4, 6), 2),       # Sat 4, Sun 5 Apr: Easter Sunday is not a bank holiday
    (WEEKEND, "NIR", D(2026, 7, 11), D(2026, 7, 12), 1),     # Sat 11, Sun 12 Jul − the Boyne on Sun 12
    # Single days, a leap February, three whole years.
    (FULL_TIME, "ENG", D(2026, 4, 3), D(2026, 4, 3), 0),     # Good Friday
    (FULL_TIME, "ENG", D(2026, 4, 2), D(2026, 4, 2), 1),     # Thu 2 Apr
    (FULL_TIME, "ENG", D(2026, 4, 4), D(2026, 4, 4), 0),     # Saturday
    (FULL_TIME, "ENG", D(2024, 2, 1), D(2024, 2, 29), 21),   # Thu 1–Thu 29 Feb 2024: 4 weeks × 5 + Thu 29
    # 2024: 262 weekdays − 8; 2025: 261 − 8; 2026: 261 − 8 (Boxing Day on Sat, its Mon 28 counts) = 760.
    (FULL_TIME, "ENG", D(2024, 1, 1), D(2026, 12, 31), 760),
])
def test_working_days_skip_days_off_and_bank_holidays(days, region, first, last, expected):
    assert working_days(first, last, pattern(days, region)) == expected


@pytest.mark.parametrize("day, region, expected", [
    (D(2026, 12, 26), "ENG", True),    # Boxing Day on a Saturday is listed itself
    (D(2026, 12, 28), "ENG", True),    # and its substitute Monday
    (D(2026, 12, 27), "ENG", False),   # an ordinary Sunday
    (D(2027, 1, 2), "SCT", True),      # Scotland's 2 January, a Saturday
    (D(2027, 1, 2), "ENG", False),
    (D(2027, 1, 4), "SCT", True),      # its substitute Monday
    (D(2026, 4, 5), "ENG", False),     # Easter Sunday
    (D(2026, 4, 6), "SCT", False),     # no Easter Monday in Scotland
    (D(2026, 6, 15), "SCT", True),     # a one-off for the FIFA World Cup, listed by holidays 0.109
])
def test_bank_holidays_by_region(day, region, expected):
    assert is_bank_holiday(day, region) is expected


@pytest.mark.parametrize("days, region, day, expected", [
    (FULL_TIME, "ENG", D(2026, 4, 3), False),   # Good Friday
    (FULL_TIME, "ENG", D(2026, 4, 6), False),   # Easter Monday
    (FULL_TIME, "SCT", D(2026, 4, 6), True),    # Scotland works Easter Monday
    (FULL_TIME, "ENG", D(2026, 4, 4), False),   # Saturday
    (FULL_TIME, "ENG", D(2026, 1, 2), True),
    (FULL_TIME, "SCT", D(2026, 1, 2), False),   # Scotland's 2 January
    (FULL_TIME, "NIR", D(2026, 3, 17), False),  # St Patrick's Day
    (MIDWEEK, "ENG", D(2026, 4, 2), True),      # Thursday
    (MIDWEEK, "ENG", D(2026, 4, 3), False),     # Friday: not their day anyway
    (WEEKEND, "ENG", D(2026, 12, 26), False),   # Boxing Day on their Saturday
    (WEEKEND, "ENG", D(2026, 12, 27), True),    # the Sunday after is an ordinary Sunday
    (EVERY_DAY, "ENG", D(2026, 12, 26), False),  # Boxing Day on its own date, a Saturday they work
    (EVERY_DAY, "ENG", D(2026, 12, 28), True),   # so its substitute Monday is an ordinary working day
    (FULL_TIME, "ENG", D(2026, 12, 28), False),  # but a day off for a Monday-to-Friday worker
    (SAT_TO_WED, "ENG", D(2027, 12, 25), False),  # Christmas Day on their Saturday
    (SAT_TO_WED, "ENG", D(2027, 12, 27), True),   # its substitute Monday: worked
    (SAT_TO_WED, "ENG", D(2027, 12, 28), True),   # Boxing Day's substitute Tuesday: worked
    (FRI_TO_SUN, "ENG", D(2027, 12, 27), False),  # not their day anyway
])
def test_is_working_day(days, region, day, expected):
    assert is_working_day(day, pattern(days, region)) is expected


@pytest.mark.parametrize("region", ["ENG", "WLS", "SCT", "NIR"])
@pytest.mark.parametrize("days", [FULL_TIME, MIDWEEK, MON_FRI, WEEKEND, ("Sun",), EVERY_DAY, SAT_TO_WED,
                                  SUN_TO_THU])
def test_counting_agrees_with_checking_each_day(days, region):
    worker = pattern(days, region)
    first = D(2023, 12, 20)
    for length in (0, 1, 3, 6, 7, 8, 13, 30, 400):
        for start in range(0, 1100, 37):
            begin = first + dt.timedelta(days=start)
            end = begin + dt.timedelta(days=length)
            one_by_one = sum(is_working_day(begin + dt.timedelta(days=i), worker) for i in range(length + 1))
            assert working_days(begin, end, worker) == one_by_one, (begin, end)


@pytest.mark.parametrize("region", ["ENG", "SCT", "NIR"])
@pytest.mark.parametrize("first, last", [
    (D(2022, 12, 20), D(2023, 1, 10)),   # Christmas on a Sunday; Scotland's 1 and 2 January on Sun and Mon
    (D(2027, 12, 20), D(2028, 1, 10)),   # Christmas on a Saturday, Boxing Day on a Sunday, New Year on a Saturday
])
def test_every_working_week_counts_as_it_checks_day_by_day(region, first, last):
    # All 127 patterns: counting a run agrees with asking about each day, substitute days included.
    for mask in range(1, 128):
        worker = pattern(tuple(day for index, day in enumerate(EVERY_DAY) if mask >> index & 1), region)
        one_by_one = sum(is_working_day(first + dt.timedelta(days=i), worker) for i in range((last - first).days + 1))
        assert working_days(first, last, worker) == one_by_one, worker.days


def test_the_last_day_cannot_come_before_the_first():
    with pytest.raises(ValueError):
        working_days(D(2026, 4, 10), D(2026, 4, 9), pattern())
    with pytest.raises(ValueError):
        calendar_days(D(2026, 4, 10), D(2026, 4, 9))


@pytest.mark.parametrize("first, last, expected", [
    (D(2026, 4, 3), D(2026, 4, 3), 1),
    (D(2026, 2, 1), D(2026, 2, 28), 28),
    (D(2024, 2, 1), D(2024, 2, 29), 29),     # leap year
    (D(2026, 3, 2), D(2026, 3, 29), 28),     # 4 weeks: not yet long-term
    (D(2026, 12, 21), D(2027, 1, 8), 19),    # 11 days of December + 8 of January
])
def test_calendar_days(first, last, expected):
    assert calendar_days(first, last) == expected


# The council window for 2026-06-30 is 2025-07-01 to 2026-06-30.
@pytest.mark.parametrize("days, region, first, last, window, ongoing_until, expected", [
    # Mon 2–Fri 27 Mar 2026, window Tue 10–Fri 20 Mar: 4 + 5.
    (FULL_TIME, "ENG", D(2026, 3, 2), D(2026, 3, 27), (D(2026, 3, 10), D(2026, 3, 20)), None, 9),
    # Mon 23 Jun–Fri 4 Jul 2025, cut at the window start: Tue 1–Fri 4 Jul.
    (FULL_TIME, "ENG", D(2025, 6, 23), D(2025, 7, 4), (D(2025, 7, 1), D(2026, 6, 30)), None, 4),
    # Mon 29 Jun–Fri 10 Jul 2026, cut at the window end: Mon 29, Tue 30 Jun.
    (FULL_TIME, "ENG", D(2026, 6, 29), D(2026, 7, 10), (D(2025, 7, 1), D(2026, 6, 30)), None, 2),
    # Cut at both ends: the whole window, Tue 1 Jul 2025–Tue 30 Jun 2026 = 52 weeks + Tue = 261
    # weekdays − 25 Aug, 25 Dec, 26 Dec, 1 Jan, 3 Apr, 6 Apr, 4 May, 25 May = 253.
    (FULL_TIME, "ENG", D(2025, 6, 2), D(2026, 7, 31), (D(2025, 7, 1), D(2026, 6, 30)), None, 253),
    # Mon 2–Fri 6 Jun 2025: over before the window opens.
    (FULL_TIME, "ENG", D(2025, 6, 2), D(2025, 6, 6), (D(2025, 7, 1), D(2026, 6, 30)), None, 0),
    # Ongoing since Mon 15 Jun 2026, evaluated Tue 30 Jun: 5 + 5 + 2.
    (FULL_TIME, "ENG", D(2026, 6, 15), None, (D(2025, 7, 1), D(2026, 6, 30)), D(2026, 6, 30), 12),
    # Ongoing since Mon 23 Mar 2026, evaluated 30 Jun, in an April report: 22 weekdays − 3 Apr − 6 Apr.
    (FULL_TIME, "ENG", D(2026, 3, 23), None, (D(2026, 4, 1), D(2026, 4, 30)), D(2026, 6, 30), 20),
    # Evaluated before the absence began.
    (FULL_TIME, "ENG", D(2026, 7, 1), None, (D(2025, 7, 1), D(2026, 6, 30)), D(2026, 6, 30), 0),
    # A finished absence ignores the evaluation date: Mon 15–Fri 19 Jun.
    (FULL_TIME, "ENG", D(2026, 6, 15), D(2026, 6, 19), (D(2025, 7, 1), D(2026, 6, 30)), D(2026, 6, 16), 5),
    # NI, Tue–Thu, ongoing since Mon 9 Mar 2026, evaluated Thu 19 Mar: 10, 11, 12, 17, 18, 19 − St Patrick's.
    (MIDWEEK, "NIR", D(2026, 3, 9), None, (D(2025, 3, 20), D(2026, 3, 19)), D(2026, 3, 19), 5),
])
def test_working_days_in_window(days, region, first, last, window, ongoing_until, expected):
    worker = pattern(days, region)
    assert working_days_in_window(first, last, *window, worker, ongoing_until=ongoing_until) == expected


def test_an_ongoing_absence_needs_an_evaluation_date():
    with pytest.raises(ValueError):
        working_days_in_window(D(2026, 6, 15), None, D(2025, 7, 1), D(2026, 6, 30), pattern())


def test_a_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        working_days_in_window(D(2026, 6, 15), D(2026, 6, 16), D(2026, 6, 30), D(2025, 7, 1), pattern())


@pytest.mark.parametrize("lost, days, fte, expected", [
    (3, FULL_TIME, 0.6, 1.8),                       # 3 × 0.6 × 5/5
    (3, ("Mon", "Wed", "Fri"), 0.6, 3.0),           # 3 × 0.6 × 5/3
    (10, FULL_TIME, 1.0, 10.0),                     # full time: one for one
    (4, ("Tue", "Wed", "Thu", "Fri"), 0.8, 4.0),    # 4 × 0.8 × 5/4
    (5, FULL_TIME, 0.5, 2.5),                       # five short days
    (0, MIDWEEK, 0.6, 0.0),
])
def test_fte_days(lost, days, fte, expected):
    assert fte_days(lost, pattern(days, fte=fte)) == pytest.approx(expected)


@pytest.mark.parametrize("days, region, day, n, expected", [
    (FULL_TIME, "ENG", D(2026, 4, 2), 1, D(2026, 4, 7)),     # Thu → skip Good Fri, weekend, Easter Mon → Tue 7
    (FULL_TIME, "ENG", D(2026, 4, 2), 5, D(2026, 4, 13)),    # Tue 7, Wed 8, Thu 9, Fri 10, Mon 13
    (FULL_TIME, "SCT", D(2026, 4, 2), 1, D(2026, 4, 6)),     # Scotland works Easter Monday
    (FULL_TIME, "ENG", D(2026, 3, 30), 5, D(2026, 4, 8)),    # RTW limit: Tue 31, Wed 1, Thu 2, Tue 7, Wed 8
    (FULL_TIME, "ENG", D(2026, 12, 24), 1, D(2026, 12, 29)),  # skip Fri 25, weekend, Mon 28 (Boxing Day moved)
    (FULL_TIME, "ENG", D(2026, 12, 24), 4, D(2027, 1, 4)),   # Tue 29, Wed 30, Thu 31, (Fri 1 Jan) Mon 4
    (FULL_TIME, "SCT", D(2026, 12, 24), 4, D(2027, 1, 5)),   # also Mon 4 Jan (2 Jan moved): Tue 5
    (MIDWEEK, "ENG", D(2026, 12, 24), 1, D(2026, 12, 29)),   # Thu → next Tue
    (MON_FRI, "ENG", D(2026, 4, 2), 1, D(2026, 4, 10)),      # Fri 3 and Mon 6 are holidays → Fri 10
    (FULL_TIME, "ENG", D(2026, 4, 2), 0, D(2026, 4, 2)),     # n = 0: a working day is itself
    (FULL_TIME, "ENG", D(2026, 4, 3), 0, D(2026, 4, 7)),     # n = 0 on Good Friday: the next working day
    (FULL_TIME, "ENG", D(2026, 12, 26), 0, D(2026, 12, 29)),  # n = 0 on Boxing Day (Sat)
])
def test_nth_working_day_after(days, region, day, n, expected):
    assert nth_working_day_after(day, n, pattern(days, region)) == expected


def test_nth_working_day_after_needs_a_count_of_zero_or_more():
    with pytest.raises(ValueError):
        nth_working_day_after(D(2026, 4, 2), -1, pattern())


@pytest.mark.parametrize("as_of, months, start", [
    (D(2026, 6, 30), 12, D(2025, 7, 1)),    # the policy's own example
    (D(2026, 2, 28), 12, D(2025, 3, 1)),
    (D(2024, 2, 29), 12, D(2023, 3, 1)),    # leap day
    (D(2025, 2, 28), 12, D(2024, 3, 1)),    # not 29 Feb 2024, which would make 366 days
    (D(2024, 2, 28), 12, D(2023, 3, 1)),    # day after is 29 Feb 2024; no 29 Feb 2023 → 1 Mar
    (D(2026, 3, 31), 12, D(2025, 4, 1)),
    (D(2026, 12, 31), 12, D(2026, 1, 1)),   # the calendar year
    (D(2026, 1, 15), 12, D(2025, 1, 16)),
    (D(2026, 6, 30), 6, D(2026, 1, 1)),
    (D(2026, 8, 27), 6, D(2026, 2, 28)),    # day after 28 Aug → 28 Feb
    (D(2026, 8, 30), 6, D(2026, 3, 1)),     # day after 31 Aug → no 31 Feb → 1 Mar
    (D(2026, 3, 30), 6, D(2025, 10, 1)),    # day after 31 Mar → no 31 Sep → 1 Oct 2025
    (D(2026, 3, 30), 1, D(2026, 3, 1)),     # day after 31 Mar → no 31 Feb → 1 Mar
])
def test_rolling_window(as_of, months, start):
    assert rolling_window(as_of, months) == (start, as_of)


@pytest.mark.parametrize("day, months, expected", [
    # The day after N months from `day`: the same date N months later, or the 1st of the month after it.
    (D(2026, 3, 2), 5, D(2026, 8, 2)),      # 2 Mar + 5 months: 2 Aug (the 5 months run to 1 Aug)
    (D(2026, 1, 31), 1, D(2026, 3, 1)),     # no 31 Feb 2026: 1 Mar (the month runs to 28 Feb)
    (D(2026, 8, 31), 6, D(2027, 3, 1)),     # no 31 Feb 2027: 1 Mar (6 months to 28 Feb 2027)
    (D(2026, 8, 30), 6, D(2027, 3, 1)),     # no 30 Feb either: 1 Mar
    (D(2026, 8, 28), 6, D(2027, 2, 28)),    # 28 Feb exists (6 months to 27 Feb)
    (D(2027, 8, 31), 6, D(2028, 3, 1)),     # leap 2028: no 31 Feb, 1 Mar (6 months to 29 Feb 2028)
    (D(2027, 8, 29), 6, D(2028, 2, 29)),    # 29 Feb 2028 exists (6 months to 28 Feb 2028)
    (D(2024, 2, 29), 12, D(2025, 3, 1)),    # no 29 Feb 2025: 1 Mar (12 months to 28 Feb 2025)
    (D(2026, 10, 31), 1, D(2026, 12, 1)),   # no 31 Nov: 1 Dec (1 month to 30 Nov)
    (D(2026, 11, 22), 24, D(2028, 11, 22)),
    (D(2026, 3, 31), -1, D(2026, 3, 1)),    # backwards: no 31 Feb, 1 Mar (as rolling_window counts)
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("as_of, months", [
    (D(2027, 2, 28), 6), (D(2028, 2, 29), 6), (D(2026, 11, 30), 1), (D(2026, 6, 30), 12), (D(2026, 8, 27), 6)])
def test_rolling_window_counts_months_back_as_add_months_counts_forward(as_of, months):
    start, end = rolling_window(as_of, months)
    assert add_months(start, months) == end + dt.timedelta(days=1)


@pytest.mark.parametrize("days, edges", [
    (FULL_TIME, ("Mon", "Fri")),
    (MIDWEEK, ("Tue", "Thu")),
    (SAT_TO_WED, ("Sat", "Wed")),     # rest Thu, Fri: the week starts Saturday
    (SUN_TO_THU, ("Sun", "Thu")),
    (FRI_TO_SUN, ("Fri", "Sun")),
    (MON_FRI, ("Fri", "Mon")),        # the longest rest is Tue–Thu (3 days) against Sat–Sun (2)
    (("Mon", "Wed", "Fri"), ("Mon", "Fri")),   # rests Tue, Thu (1 day) and Sat–Sun (2)
    (EVERY_DAY, ("Mon", "Sun")),      # no rest days: the calendar week
    (("Wed",), ("Wed", "Wed")),
])
def test_the_edges_of_their_own_week(days, edges):
    assert pattern(days).week_edges == edges


def test_a_rolling_window_has_at_least_a_month():
    with pytest.raises(ValueError):
        rolling_window(D(2026, 6, 30), 0)


def test_pattern_from_an_employee():
    employee = SimpleNamespace(working_days=["Thu", "Tue", "Wed"], region="SCT", fte=0.6)
    worker = WorkingPattern.for_employee(employee)
    assert worker == WorkingPattern(("Tue", "Wed", "Thu"), "SCT", 0.6)
    assert worker.days_per_week == 3
    assert WorkingPattern.for_employee(SimpleNamespace(working_days=FULL_TIME, region=None, fte=1.0)).region == "ENG"


@pytest.mark.parametrize("days, region, fte", [
    ((), "ENG", 1.0),
    (("Mon", "Funday"), "ENG", 1.0),
    (FULL_TIME, "IRL", 1.0),
    (FULL_TIME, "ENG", 0.0),
])
def test_bad_patterns_are_refused(days, region, fte):
    with pytest.raises(ValueError):
        WorkingPattern(days, region, fte)
